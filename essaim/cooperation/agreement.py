"""The agreement (convention de mise à disposition) of an accepted booking, as a PDF made by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Booking


def agreement_pdf(booking: Booking) -> bytes:
    import weasyprint  # imported here: loading pango costs time, and only this view needs it

    html = render_to_string(
        "cooperation/agreement.html",
        {
            "booking": booking,
            "resource": booking.resource,
            "owner": booking.resource.owner,
            "requester": booking.requester,
            "generated_at": timezone.localtime(),
        },
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())
