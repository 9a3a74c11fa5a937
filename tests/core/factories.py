"""Factories shared by every app's tests: uploads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "document.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    """A small valid PDF as a browser would upload it."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")
