"""Services of the cooperation capability: groups, flows, documents, pooling, bookings, support offers."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.cooperation import selectors, services
from essaim.cooperation.models import Booking, GroupDocument, GroupMember, WorkingGroup
from essaim.core.errors import DomainError
from essaim.core.models import AuditLog
from essaim.territory.models import Commune, Perimeter
from tests.core.factories import pdf_upload
from tests.territory_support import make_small_territory

from .factories import make_group, make_offer, make_resource, period


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# ---------------------------------------------------------------- groups


def test_group_by_request_needs_a_coordinators_approval(world, django_capture_on_commit_callbacks) -> None:
    group = make_group(coordinator=world.supplier_org)
    with django_capture_on_commit_callbacks(execute=True):
        member = services.group_join(
            actor=world.users["buyer"], group=group, organisation=world.buyer_org, member_type="collectivite"
        )
    assert member.status == GroupMember.Status.PENDING
    assert [m.to for m in mail.outbox] == [["contact@rejoue.fr"]]
    services.group_member_decide(actor=world.users["supplier"], member=member, approve=True)
    member.refresh_from_db()
    assert member.status == GroupMember.Status.ACTIVE
    assert AuditLog.objects.filter(action="cooperation.group.member_approved").exists()
    with pytest.raises(DomainError):
        services.group_join(actor=None, group=group, organisation=world.buyer_org, member_type="collectivite")


def test_open_group_is_joined_at_once(world) -> None:
    group = make_group(coordinator=world.supplier_org, access=WorkingGroup.Access.OPEN, is_private=False)
    member = services.group_join(
        actor=None, group=group, organisation=world.partner_org, member_type="partenaire"
    )
    assert member.status == GroupMember.Status.ACTIVE


def test_action_owner_must_be_a_member_and_overdue_is_computed(world) -> None:
    import datetime as dt

    group = make_group(coordinator=world.supplier_org)
    with pytest.raises(DomainError) as error:
        services.group_action_create(actor=None, group=group, title="x", owner=world.buyer_org)
    assert error.value.field == "owner"
    late = services.group_action_create(
        actor=None, group=group, title="Étude locaux", owner=world.supplier_org, due_date=dt.date(2020, 1, 1)
    )
    done = services.group_action_create(
        actor=None, group=group, title="Charte", due_date=dt.date(2020, 1, 1), status="fait"
    )
    assert late.is_overdue and not done.is_overdue
    indicators = selectors.group_indicators(group)
    assert (indicators.actions_total, indicators.actions_done, indicators.actions_overdue) == (2, 1, 1)


def test_flows_are_checked_upserted_and_summed(world) -> None:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    with pytest.raises(DomainError) as error:
        services.material_flow_declare(
            actor=None,
            group=group,
            organisation=world.supplier_org,
            year=2026,
            quarter=1,
            material="vetements",
            collected_t=Decimal(1),
            reused_t=Decimal("0.8"),
            recycled_t=Decimal("0.5"),
        )
    assert error.value.field == "reused_t"
    with pytest.raises(DomainError):  # not a member
        services.material_flow_declare(
            actor=None,
            group=group,
            organisation=world.buyer_org,
            year=2026,
            quarter=1,
            material="vetements",
            collected_t=Decimal(1),
            reused_t=Decimal(0),
            recycled_t=Decimal(0),
        )
    for org, collected in ((world.supplier_org, "2"), (world.supplier_org, "3"), (world.partner_org, "1.5")):
        services.material_flow_declare(
            actor=None,
            group=group,
            organisation=org,
            year=2026,
            quarter=1,
            material="vetements",
            collected_t=Decimal(collected),
            reused_t=Decimal(1),
            recycled_t=Decimal("0.5"),
        )
    quarters = selectors.group_indicators(group).quarters
    assert len(quarters) == 1
    assert quarters[0].collected == Decimal("4.5")  # the supplier's second declaration replaced the first
    assert quarters[0].reused == Decimal(2)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("charte.pdf", b"%PDF-1.7 ...", "pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n....", "png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0....", "jpeg"),
        ("cr.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
        ("flux.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ods"),
        ("cr.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "docx"),
        ("flux.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "xlsx"),
    ],
)
def test_allowed_documents_are_stored_with_their_kind(world, name: str, content: bytes, kind: str) -> None:
    group = make_group(coordinator=world.supplier_org)
    document = services.group_document_upload(
        actor=None,
        group=group,
        organisation=world.supplier_org,
        title=name,
        uploaded_file=SimpleUploadedFile(name, content),
    )
    assert document.kind == kind and document.size == len(content)
    assert document.file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Type de fichier non accepté"),
        ("faux.pdf", b"\x89PNG\r\n\x1a\n....", "extension"),
        ("page.html", b"<html></html>", "Type de fichier non accepté"),
        ("archive.docx", _zip({"autre.txt": b"x"}), "Type de fichier non accepté"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_other_documents_are_refused(world, name: str, content: bytes, message: str) -> None:
    group = make_group(coordinator=world.supplier_org)
    with pytest.raises(DomainError) as error:
        services.group_document_upload(
            actor=None,
            group=group,
            organisation=world.supplier_org,
            title=name,
            uploaded_file=SimpleUploadedFile(name, content),
        )
    assert message in error.value.message and error.value.field == "file"
    assert not GroupDocument.objects.exists()


def test_documents_over_the_size_limit_are_refused(world, monkeypatch) -> None:
    from essaim.cooperation import documents

    monkeypatch.setattr(documents, "MAX_DOCUMENT_SIZE", 10)
    group = make_group(coordinator=world.supplier_org)
    with pytest.raises(DomainError, match="10 Mo"):
        services.group_document_upload(
            actor=None, group=group, organisation=None, title="x", uploaded_file=pdf_upload()
        )


# ---------------------------------------------------------------- pooling


def test_overlapping_acceptance_is_refused_and_adjacent_periods_are_fine(world) -> None:
    resource = make_resource(world.supplier_org)
    start, end = period(2, hours=4)
    first = services.booking_request(
        actor=None, resource=resource, organisation=world.buyer_org, starts_at=start, ends_at=end
    )
    overlapping = services.booking_request(
        actor=None, resource=resource, organisation=world.other_buyer_org, starts_at=start, ends_at=end
    )
    adjacent = services.booking_request(
        actor=None,
        resource=resource,
        organisation=world.partner_org,
        starts_at=end,
        ends_at=end + (end - start),
    )
    services.booking_accept(actor=None, booking=first)
    with pytest.raises(services.BookingConflictError):
        services.booking_accept(actor=None, booking=overlapping)
    services.booking_accept(actor=None, booking=adjacent)
    assert list(Booking.objects.filter(status="acceptee").order_by("pk")) == [first, adjacent]
    overlapping.refresh_from_db()
    assert overlapping.status == Booking.Status.REQUESTED
    with pytest.raises(DomainError, match="déjà été traitée"):
        services.booking_accept(actor=None, booking=first)


def test_booking_rules(world) -> None:
    import datetime as dt

    resource = make_resource(world.supplier_org, available_until=dt.date(2020, 1, 1))
    start, end = period(2)
    with pytest.raises(DomainError, match="propre ressource"):
        services.booking_request(
            actor=None, resource=resource, organisation=world.supplier_org, starts_at=start, ends_at=end
        )
    with pytest.raises(DomainError) as error:
        services.booking_request(
            actor=None, resource=resource, organisation=world.buyer_org, starts_at=end, ends_at=start
        )
    assert error.value.field == "ends_at"
    with pytest.raises(DomainError, match="jusqu'au"):
        services.booking_request(
            actor=None, resource=resource, organisation=world.buyer_org, starts_at=start, ends_at=end
        )
    with pytest.raises(DomainError, match="organisation"):
        services.booking_request(
            actor=None, resource=resource, organisation=None, starts_at=start, ends_at=end
        )


def test_accepting_tells_the_requester(world, django_capture_on_commit_callbacks) -> None:
    resource = make_resource(world.supplier_org)
    start, end = period(2)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_request(
            actor=world.users["buyer"],
            resource=resource,
            organisation=world.buyer_org,
            starts_at=start,
            ends_at=end,
        )
        services.booking_accept(actor=world.users["supplier"], booking=booking)
    assert [m.subject for m in mail.outbox] == [
        "Demande de réservation : Camion 12 m³ partagé",
        "Réservation acceptée : Camion 12 m³ partagé",
    ]
    assert mail.outbox[0].to == ["contact@rejoue.fr"]
    assert set(mail.outbox[1].to) == {"acheteur@exemple.fr", "admin.vitry@exemple.fr"}


def test_requests_are_matched_by_kind_place_and_dates_and_both_sides_told(
    world,
    django_capture_on_commit_callbacks,
) -> None:
    import datetime as dt

    make_small_territory()
    gosb = Perimeter.objects.get(code="epci:200058014")
    van = make_resource(world.supplier_org, perimeter=gosb)
    make_resource(world.supplier_org, title="Camion à Créteil", commune=Commune.objects.get(code="94028"))
    make_resource(world.supplier_org, title="Locaux", kind="locaux")
    make_resource(world.supplier_org, title="Camion indisponible", available_until=dt.date(2020, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        request = services.resource_request_publish(
            actor=None,
            organisation=world.buyer_org,
            kind="vehicule",
            description="Livrer des jouets",
            commune=Commune.objects.get(code="94081"),
            starts_on=dt.date(2030, 5, 1),
            ends_on=dt.date(2030, 5, 2),
        )
    assert list(request.matches.all()) == [van]
    assert {tuple(m.to) for m in mail.outbox} == {
        ("acheteur@exemple.fr", "admin.vitry@exemple.fr"),
        ("contact@rejoue.fr",),
    }


def test_month_grid_marks_booked_days(world) -> None:
    from django.utils import timezone

    resource = make_resource(world.supplier_org)
    start, end = period(0, hours=2)
    booking = services.booking_request(
        actor=None, resource=resource, organisation=world.buyer_org, starts_at=start, ends_at=end
    )
    services.booking_accept(actor=None, booking=booking)
    local = timezone.localtime(start)
    weeks = selectors.month_grid(resource, local.year, local.month)
    booked = [cell.day for week in weeks for cell in week if cell.bookings]
    assert local.date() in booked


# ---------------------------------------------------------------- support offers


def test_relevant_support_offers_rank_by_topics_audience_and_place(world) -> None:
    make_small_territory()
    vitry = Perimeter.objects.get(code="94081")
    essonne = Perimeter.objects.get(code="dep:91")
    best = make_offer(world.partner_org, title="Sourcing et clauses à Vitry", perimeter=vitry)
    broad = make_offer(world.partner_org, title="Clauses sociales partout", topics=["clauses-sociales"])
    make_offer(world.partner_org, title="En Essonne", perimeter=essonne)
    make_offer(world.partner_org, title="Pour les structures", audience="fournisseurs")
    make_offer(world.partner_org, title="Financement", topics=["financement"])
    offers = selectors.relevant_support_offers(
        audience="acheteurs", topics=["sourcing", "clauses-sociales"], commune_code="94081"
    )
    assert offers == [best, broad]
    with pytest.raises(DomainError):
        make_offer(world.partner_org, topics=["inconnu"])


def test_csv_export_neutralises_formulas(world) -> None:
    from essaim.cooperation.exports import flows_csv

    world.supplier_org.name = '=HYPERLINK("http://x")'
    world.supplier_org.save()
    group = make_group(coordinator=world.supplier_org)
    services.material_flow_declare(
        actor=None,
        group=group,
        organisation=world.supplier_org,
        year=2026,
        quarter=3,
        material="linge",
        collected_t=Decimal(1),
        reused_t=Decimal(1),
        recycled_t=Decimal(0),
    )
    line = flows_csv(selectors.group_flows(group)).decode("utf-8-sig").splitlines()[1]
    assert line.startswith("2026;3;\"'=HYPERLINK(")


@pytest.mark.django_db
def test_a_group_meeting_can_be_the_event_that_organises_it(world, client_as) -> None:
    from datetime import date, datetime

    from django.urls import reverse
    from django.utils import timezone

    from essaim.cooperation.services import group_meeting_record
    from essaim.events.models import Event
    from tests.cooperation.factories import make_group

    group = make_group(coordinator=world.territory_team, is_private=False)
    starts = datetime(2026, 3, 12, 9, 0, tzinfo=timezone.get_current_timezone())
    event = Event.objects.create(
        kind="rencontre-filiere", title="Le textile dans tous ses états", starts_at=starts, ends_at=starts
    )
    meeting = group_meeting_record(
        actor=world.users["facilitator"],
        group=group,
        held_on=date(2020, 1, 1),
        title="Rencontre",
        event=event,
    )
    assert meeting.event == event
    assert meeting.held_on == date(2026, 3, 12)  # the event's date wins over the typed one
    page = client_as("facilitator").get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert reverse("events:event_detail", args=[event.pk]) in page
