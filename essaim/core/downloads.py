"""File downloads shared by the apps: a response the browser saves under a name, and a page as a PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from .links import absolute_url


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """`content` as a download named `filename` (`Content-Disposition: attachment`)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def pdf_attachment(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    """The template rendered for this request, as a PDF download (relative URLs resolve against `ESSAIM_SITE_URL`)."""
    html = render_to_string(template, context, request=request)
    return attachment(tagged_pdf(html, base_url=absolute_url("/")), "application/pdf", filename)


# PDF/UA-1: a structure tree (headings, paragraphs, tables, figures with their alternative text), the
# document's language, and its <title> shown as the window title (DisplayDocTitle). Every PDF Essaim
# produces goes through here, so `pdfinfo` says "Tagged: yes" for each of them.
PDF_VARIANT = "pdf/ua-1"


def tagged_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The HTML page as a tagged (PDF/UA-1) PDF. The page gives its language (`<html lang>`) and its
    title (`<title>`); images must carry an `alt` text (charts: a short description, their data follow)."""
    from weasyprint import HTML  # imported here: loading pango costs time, and only PDF downloads need it

    return bytes(HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT))
