"""Cooperation pages: private documents, flows export, calendar feed, bookings and the agreement PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from essaim.cooperation import services
from essaim.cooperation.models import Booking, GroupMember, MaterialFlow, SupportOffer
from tests.conftest import ROLES
from tests.core.factories import pdf_upload
from tests.pdf_support import assert_tagged_pdf

from .factories import make_group, make_offer, make_resource, period


@pytest.fixture
def private_group(world):
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    document = services.group_document_upload(
        actor=None,
        group=group,
        organisation=world.supplier_org,
        title="Compte rendu confidentiel",
        uploaded_file=pdf_upload("cr.pdf"),
    )
    return group, document


@pytest.mark.parametrize("role", ROLES)
def test_a_non_member_never_sees_a_private_groups_documents(role: str, client_as, private_group) -> None:
    group, document = private_group
    client = client_as(role)
    is_member = role in ("supplier", "partner")
    page = client.get(reverse("cooperation:group_detail", args=[group.pk]))
    detail = client.get(reverse("cooperation:document_detail", args=[document.pk]))
    download = client.get(reverse("cooperation:document_detail", args=[document.pk]), {"format": "fichier"})
    if role == "anonymous":
        assert {page.status_code, detail.status_code, download.status_code} == {302}
        return
    assert page.status_code == 200
    assert ("Compte rendu confidentiel" in page.content.decode()) is is_member
    assert detail.status_code == download.status_code == (200 if is_member else 403)
    if is_member:
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        assert "attachment" in download["Content-Disposition"]


def test_public_group_documents_are_visible_to_every_logged_in_person(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org, is_private=False)
    document = services.group_document_upload(
        actor=None,
        group=group,
        organisation=None,
        title="Charte",
        uploaded_file=pdf_upload(),
        as_charter=True,
    )
    response = client_as("other_buyer").get(reverse("cooperation:document_detail", args=[document.pk]))
    assert response.status_code == 200


def test_member_uploads_a_document_and_a_wrong_one_is_refused_next_to_the_field(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org)
    client = client_as("supplier")
    url = reverse("cooperation:document_upload", args=[group.pk])
    ok = client.post(
        url, {"document-title": "Charte", "document-file": pdf_upload(), "document-as_charter": "on"}
    )
    assert ok.status_code == 302
    group.refresh_from_db()
    assert group.charter is not None and group.charter.title == "Charte"
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        url, {"document-title": "Exe", "document-file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")}
    )
    assert bad.status_code == 400
    assert "Type de fichier non accepté" in bad.content.decode()
    assert 'aria-describedby="id_document-file-help id_document-file-errors"' in bad.content.decode()
    # The summary's link leads to the document form's field, not to another form's (unique prefixes).
    assert (
        'href="#id_document-file"' in bad.content.decode()
        and 'id="document-form-errors"' in bad.content.decode()
    )


def test_join_request_then_approval_through_the_pages(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org)
    response = client_as("buyer").post(
        reverse("cooperation:group_join", args=[group.pk]),
        {"join-member_type": "collectivite", "join-message": "Bonjour"},
    )
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group, organisation=world.buyer_org)
    assert member.status == GroupMember.Status.PENDING
    assert (
        client_as("buyer")
        .post(reverse("cooperation:member_decide", args=[member.pk]), {"decision": "accepter"})
        .status_code
        == 403
    )
    client_as("supplier").post(
        reverse("cooperation:member_decide", args=[member.pk]), {"decision": "accepter"}
    )
    member.refresh_from_db()
    assert member.status == GroupMember.Status.ACTIVE


def test_overdue_actions_are_announced_in_text(client_as, world) -> None:
    import datetime as dt

    group = make_group(coordinator=world.supplier_org)
    services.group_action_create(
        actor=None, group=group, title="Trouver un local", due_date=dt.date(2020, 3, 1)
    )
    content = client_as("supplier").get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert "En retard" in content


def test_flows_declared_then_charted_and_exported_as_csv(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    client = client_as("supplier")
    url = reverse("cooperation:group_flows", args=[group.pk])
    data = {
        "year": 2026,
        "quarter": 2,
        "material": "vetements",
        "collected_t": "12.5",
        "reused_t": "7",
        "recycled_t": "3",
    }
    assert client.post(url, data).status_code == 302
    bad = client.post(url, {**data, "reused_t": "20"})
    assert bad.status_code == 400 and "ne peuvent pas dépasser" in bad.content.decode()
    page = client.get(url).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page and "2026 T2" in page and "12,50" in page
    csv_response = client.get(url, {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().splitlines()
    assert lines[1] == "2026;2;Rejoué;vetements;12,500;7,000;3,000"  # French decimal comma
    assert client_as("buyer").post(url, data).status_code == 403
    assert MaterialFlow.objects.count() == 1


def test_booking_accepted_then_agreement_pdf_and_ics_feed(client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    start, end = period(5)
    buyer = client_as("buyer")
    response = buyer.post(
        reverse("cooperation:booking_create", args=[resource.pk]),
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
            "message": "Pour une collecte",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    detail_url = reverse("cooperation:booking_detail", args=[booking.pk])
    assert buyer.get(detail_url, {"format": "pdf"}).status_code == 302  # not accepted yet
    supplier = client_as("supplier")
    supplier.post(reverse("cooperation:booking_decide", args=[booking.pk]), {"decision": "accepter"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACCEPTED
    pdf = client_as("buyer").get(detail_url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert_tagged_pdf(pdf.content, f"Convention de mise à disposition n°{booking.pk}")
    assert client_as("other_buyer").get(detail_url, {"format": "pdf"}).status_code == 403
    feed = client_as("partner").get(
        reverse("cooperation:resource_detail", args=[resource.pk]), {"format": "ics"}
    )
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Camion 12 m³ partagé — Ville de Vitry-sur-Seine"]


def test_an_overlapping_booking_cannot_be_accepted_from_the_page(client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    start, end = period(5)
    first = services.booking_request(
        actor=None, resource=resource, organisation=world.buyer_org, starts_at=start, ends_at=end
    )
    second = services.booking_request(
        actor=None, resource=resource, organisation=world.partner_org, starts_at=start, ends_at=end
    )
    services.booking_accept(actor=None, booking=first)
    response = client_as("supplier").post(
        reverse("cooperation:booking_decide", args=[second.pk]), {"decision": "accepter"}, follow=True
    )
    assert "déjà réservée" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Booking.Status.REQUESTED


def test_owner_cannot_book_its_own_resource(client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    start, end = period(5)
    response = client_as("supplier").post(
        reverse("cooperation:booking_create", args=[resource.pk]),
        {"starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": end.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 403


def test_support_offers_search_and_publish(client_as, world) -> None:
    make_offer(world.partner_org, title="Clauses sociales : mode d'emploi", topics=["clauses-sociales"])
    make_offer(world.partner_org, title="Prêt d'honneur", topics=["financement"], audience="fournisseurs")
    client = client_as("buyer")
    content = client.get(reverse("cooperation:support_list"), {"topic": "financement"}).content.decode()
    assert "Prêt d&#x27;honneur" in content and "mode d&#x27;emploi" not in content
    content = client.get(reverse("cooperation:support_list"), {"q": "clauses"}).content.decode()
    assert "Clauses sociales : mode d&#x27;emploi" in content and "Prêt d&#x27;honneur" not in content
    response = client_as("partner").post(
        reverse("cooperation:support_create"),
        {
            "title": "Atelier achats responsables",
            "description": "Une demi-journée.",
            "audience": "acheteurs",
            "topics": ["sourcing", "reservation"],
            "how_to_access": "Inscription en ligne.",
            "contact_email": "ateliers@cress.fr",
        },
    )
    assert response.status_code == 302
    assert SupportOffer.objects.get(title="Atelier achats responsables").topic_list == [
        "reservation",
        "sourcing",
    ]


def test_home_and_group_page_show_relevant_support_offers(client_as, world) -> None:
    make_offer(world.partner_org, title="Coopérer en PTCE", topics=["cooperation"], audience="tous")
    group = make_group(coordinator=world.supplier_org)
    for url in (reverse("cooperation:home"), reverse("cooperation:group_detail", args=[group.pk])):
        assert "Coopérer en PTCE" in client_as("supplier").get(url).content.decode()


def test_group_page_query_count_does_not_grow_with_actions(
    client_as, world, django_assert_max_num_queries
) -> None:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    for i in range(8):
        action = services.group_action_create(
            actor=None, group=group, title=f"Action {i}", owner=world.partner_org
        )
        services.action_comment_add(actor=None, action=action, organisation=world.supplier_org, body="Suivi")
    client = client_as("supplier")
    client.get(reverse("cooperation:group_detail", args=[group.pk]))
    with django_assert_max_num_queries(30):
        client.get(reverse("cooperation:group_detail", args=[group.pk]))


def test_coordinator_records_a_meeting_and_a_member_comments_an_action(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    action = services.group_action_create(actor=None, group=group, title="Trouver un local")
    client_as("supplier").post(
        reverse("cooperation:meeting_create", args=[group.pk]),
        {
            "meeting-held_on": "2026-03-12",
            "meeting-title": "Comité de pilotage",
            "meeting-notes": "Relevé de décisions",
        },
    )
    client_as("partner").post(
        reverse("cooperation:action_comment", args=[action.pk]), {"body": "Piste à Ivry"}
    )
    assert (
        client_as("buyer")
        .post(reverse("cooperation:action_comment", args=[action.pk]), {"body": "Intrus"})
        .status_code
        == 403
    )
    assert (
        client_as("partner")
        .post(
            reverse("cooperation:meeting_create", args=[group.pk]),
            {"meeting-held_on": "2026-03-12", "meeting-title": "x"},
        )
        .status_code
        == 403
    )
    content = client_as("partner").get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert "Comité de pilotage" in content and "Piste à Ivry" in content and "Intrus" not in content


def test_back_office_lists_cooperation_objects(client_as, samples) -> None:
    client = client_as("superuser")
    for model in ("workinggroup", "resource", "booking", "supportoffer", "materialflow", "groupdocument"):
        assert client.get(reverse(f"admin:cooperation_{model}_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:cooperation_booking_change", args=[samples["coop_booking"].pk])).status_code
        == 200
    )


def test_owner_withdraws_a_resource_which_can_no_longer_be_booked(client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    assert (
        client_as("buyer").post(reverse("cooperation:resource_withdraw", args=[resource.pk])).status_code
        == 403
    )
    client_as("supplier").post(reverse("cooperation:resource_withdraw", args=[resource.pk]))
    resource.refresh_from_db()
    assert not resource.is_active
    page = client_as("buyer").get(reverse("cooperation:resource_detail", args=[resource.pk])).content.decode()
    assert "n'est plus proposée" in page.replace("&#x27;", "'") and "Demander la réservation" not in page
    start, end = period(3)
    with pytest.raises(services.CooperationError):
        services.booking_request(
            actor=None, resource=resource, organisation=world.buyer_org, starts_at=start, ends_at=end
        )


def test_coordinator_updates_the_group(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org)
    url = reverse("cooperation:group_update", args=[group.pk])
    assert client_as("partner").get(url).status_code == 403
    client = client_as("supplier")
    form = client.get(url).content.decode()
    assert "Filière textile" in form
    response = client.post(
        url, {"name": "Filière textile", "purpose": "Nouveau", "perimeter": "inconnu", "access": "ouvert"}
    )
    assert (
        response.status_code == 400
        and "Aucun lieu ne s&#x27;appelle « inconnu »" in response.content.decode()
    )
    response = client.post(url, {"name": "Filière textile", "purpose": "Nouveau", "access": "ouvert"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.purpose, group.access, group.is_private) == ("Nouveau", "ouvert", False)
