"""The agreement (convention de mise à disposition) of an accepted booking, as a PDF made by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.core.downloads import tagged_pdf

from .models import Booking


def agreement_pdf(booking: Booking) -> bytes:
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
    return tagged_pdf(html)
