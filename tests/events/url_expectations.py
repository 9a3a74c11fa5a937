"""Access expectations of the events URLs (see tests/url_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from essaim.events import services
from essaim.events.models import Meeting, MeetingRequest, ProgrammeItem, Stand
from essaim.sourcing.models import Collaboration
from tests.url_matrix import NOT_ALLOWED, OK, REDIRECT, everyone, logged_in, only

FACILITATORS = ["facilitator", "superuser"]
REGISTRATION_VIEWERS = ["buyer", "buyer_admin", "facilitator", "superuser"]


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    from tests.events.factories import meeting_event

    event = meeting_event(title="Matinale des achats socialement responsables")
    ProgrammeItem.objects.create(
        event=event,
        title="Plénière d'ouverture",
        starts_at=event.starts_at,
        ends_at=event.starts_at,
        kind="pleniere",
    )
    buyer_reg = services.registration_create(
        actor=world.users["buyer"], event=event, organisation=world.buyer_org, role="acheteur"
    )
    supplier_reg = services.registration_create(
        actor=world.users["supplier"], event=event, organisation=world.supplier_org, role="fournisseur"
    )
    request = MeetingRequest.objects.create(
        event=event, requester=buyer_reg, recipient=supplier_reg, priority=2
    )
    meeting = Meeting.objects.create(event=event, a=buyer_reg, b=supplier_reg, slot=0, table=1)
    stand = Stand.objects.create(event=event, organisation=world.supplier_org, name="Rejoué", location="A1")
    Collaboration.objects.create(
        buyer=world.buyer_org,
        supplier=world.supplier_org,
        meeting=meeting,
        source=Collaboration.Source.EVENT,
        status=Collaboration.Status.COLLABORATION,
        amount=Decimal("12500.00"),
        date=event.starts_at.date(),
        notes="Tenues de travail en réemploi",
    )
    samples.update(
        {
            "event": event,
            "programme_item": event.programme.first(),
            "buyer_registration": buyer_reg,
            "supplier_registration": supplier_reg,
            "meeting_request": request,
            "meeting": meeting,
            "stand": stand,
            "cancel_token": services.registration_cancel_token(buyer_reg),
            "checkin_token": services.registration_check_in_token(buyer_reg),
        }
    )


def _event(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["event"].pk}


def _buyer_reg(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["buyer_registration"].pk}


POSTED = logged_in(NOT_ALLOWED)

EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "events:event_list": (None, everyone(OK)),
    "events:event_create": (None, only(FACILITATORS)),
    "events:event_detail": (_event, everyone(OK)),
    "events:event_edit": (_event, only(FACILITATORS)),
    "events:programme_add": (_event, POSTED),
    "events:programme_delete": (lambda s: {"pk": s["programme_item"].pk}, POSTED),
    "events:event_register": (
        _event,
        logged_in(OK, buyer=REDIRECT, supplier=REDIRECT),
    ),
    "events:registrations": (_event, only(FACILITATORS)),
    "events:registration_detail": (_buyer_reg, only(REGISTRATION_VIEWERS)),
    "events:registration_badge": (_buyer_reg, only(REGISTRATION_VIEWERS)),
    "events:registration_cancel": (lambda s: {"token": s["cancel_token"]}, everyone(OK)),
    "events:exhibitors": (_event, everyone(OK)),
    "events:stands": (_event, only(FACILITATORS)),
    "events:stand_delete": (lambda s: {"pk": s["stand"].pk}, POSTED),
    "events:stand_edit": (lambda s: {"pk": s["stand"].pk}, only(["supplier", *FACILITATORS])),
    "events:checkin": (_event, only(FACILITATORS)),
    "events:badges": (_event, only(FACILITATORS)),
    "events:checkin_scan": (lambda s: {"token": s["checkin_token"]}, only(FACILITATORS)),
    "events:checkin_mark": (_buyer_reg, POSTED),
    "events:meeting_profile": (_buyer_reg, only(["buyer", "facilitator", "superuser"])),
    "events:participants": (_event, only(["buyer", "supplier", "facilitator", "superuser"])),
    "events:meeting_request_create": (
        lambda s: {"pk": s["buyer_registration"].pk, "recipient_pk": s["supplier_registration"].pk},
        POSTED,
    ),
    "events:meeting_request_cancel": (lambda s: {"pk": s["meeting_request"].pk}, POSTED),
    "events:meeting_request_decide": (
        lambda s: {"pk": s["meeting_request"].pk, "decision": "accepter"},
        POSTED,
    ),
    "events:agenda": (_buyer_reg, only(REGISTRATION_VIEWERS)),
    "events:meeting_outcome": (lambda s: {"pk": s["meeting"].pk}, POSTED),
    "events:meetings_manage": (_event, only(FACILITATORS)),
    "events:meeting_force": (_event, POSTED),
    "events:schedule_run": (_event, POSTED),
    "events:agendas_publish": (_event, POSTED),
    "events:meeting_lock": (lambda s: {"pk": s["meeting"].pk}, POSTED),
    "events:table_plan": (_event, only(FACILITATORS)),
    "events:collaborations": (_event, logged_in(OK)),
}

POST_EXPECTED: dict[
    str, tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]], list[str]]
] = {
    "events:meeting_request_decide": (
        lambda s: {"pk": s["meeting_request"].pk, "decision": "accepter"},
        lambda s: {},
        ["supplier", "facilitator", "superuser"],
    ),
    "events:checkin_mark": (_buyer_reg, lambda s: {}, FACILITATORS),
    "events:stand_edit": (
        lambda s: {"pk": s["stand"].pk},
        lambda s: {"pitch": "Jouets et jeux de réemploi"},
        ["supplier", *FACILITATORS],
        lambda s: Stand.objects.filter(pk=s["stand"].pk).values_list("pitch", flat=True).get(),
    ),
    "events:meeting_lock": (lambda s: {"pk": s["meeting"].pk}, lambda s: {}, FACILITATORS),
    "events:meeting_request_create": (
        lambda s: {"pk": s["buyer_registration"].pk, "recipient_pk": s["supplier_registration"].pk},
        lambda s: {"priority": 3},
        ["buyer", "superuser"],
    ),
    "events:programme_add": (
        _event,
        lambda s: {
            "programme-kind": "atelier",
            "programme-title": "Atelier",
            "programme-starts_at": "2030-01-01T10:00",
            "programme-ends_at": "2030-01-01T11:00",
        },
        FACILITATORS,
    ),
}
