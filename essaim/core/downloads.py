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
    from weasyprint import HTML  # imported here: loading pango costs time, and only PDF downloads need it

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=absolute_url("/")).write_pdf()
    return attachment(pdf, "application/pdf", filename)
