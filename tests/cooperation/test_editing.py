"""Editing a published resource and a support offer; coordinators changing a member's type in a group."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from essaim.cooperation import services
from essaim.cooperation.models import Booking, GroupMember, Resource, SupportOffer
from essaim.core.audit import history_for
from essaim.core.models import AuditLog
from tests.territory_support import make_small_territory

from .factories import make_group, make_offer, make_resource, period

RESOURCE_DATA = {
    "kind": "vehicule",
    "title": "Camion 20 m³ partagé",
    "description": "Un camion plus grand, avec hayon.",
    "commune": "94081",
    "perimeter": "dep:94",
    "capacity": "20 m³",
    "conditions": "prix",
    "price": "40 € la journée",
    "available_from": "2026-01-05",
    "available_until": "2026-12-18",
}

OFFER_DATA = {
    "title": "Accompagnement renforcé aux achats responsables",
    "description": "Conseil et formation des acheteurs.",
    "audience": "tous",
    "topics": ["formation", "reservation"],
    "perimeter": "dep:94",
    "how_to_access": "Prendre rendez-vous en ligne.",
    "contact_url": "https://cress.example/rdv",
}


def _resource_values(resource: Resource) -> tuple[object, ...]:
    resource.refresh_from_db()
    return (
        resource.kind,
        resource.title,
        resource.description,
        resource.commune_id,
        resource.perimeter_id,
        resource.capacity,
        resource.conditions,
        resource.price,
        resource.available_from,
        resource.available_until,
        resource.is_active,
    )


def _offer_values(offer: SupportOffer) -> tuple[object, ...]:
    offer.refresh_from_db()
    return (
        offer.title,
        offer.description,
        offer.audience,
        offer.topics,
        offer.perimeter_id,
        offer.how_to_access,
        offer.contact_email,
        offer.contact_url,
        offer.is_published,
    )


# ---------------------------------------------------------------- resources


def test_owner_edits_a_resource_and_bookings_keep_their_periods(client_as, world) -> None:
    make_small_territory()
    resource = make_resource(world.supplier_org)
    starts_at, ends_at = period(3)
    booking = services.booking_request(
        actor=None, resource=resource, organisation=world.buyer_org, starts_at=starts_at, ends_at=ends_at
    )
    services.booking_accept(actor=None, booking=booking)
    client = client_as("supplier")
    url = reverse("cooperation:resource_update", args=[resource.pk])

    form = client.get(url)
    assert form.status_code == 200
    content = form.content.decode()
    assert "<h1>Modifier « Camion 12 m³ partagé »</h1>" in content
    assert 'value="12 m³"' in content and "Enregistrer les modifications" in content

    response = client.post(url, RESOURCE_DATA)
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperation:resource_detail", args=[resource.pk])
    assert _resource_values(resource) == (
        "vehicule",
        "Camion 20 m³ partagé",
        "Un camion plus grand, avec hayon.",
        "94081",
        resource.perimeter.pk,
        "20 m³",
        "prix",
        "40 € la journée",
        date(2026, 1, 5),
        date(2026, 12, 18),
        True,
    )
    assert resource.perimeter.code == "dep:94"
    entry = history_for(resource).get(action="cooperation.resource.updated")
    assert entry.actor == world.users["supplier"]
    assert entry.organisation_id == world.supplier_org.pk
    assert "title" in entry.data["fields"] and "price" in entry.data["fields"]
    booking.refresh_from_db()
    assert (booking.status, booking.starts_at, booking.ends_at) == (
        Booking.Status.ACCEPTED,
        starts_at,
        ends_at,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Camion 20 m³ partagé" in page and "est mise à jour" in page


@pytest.mark.parametrize("role", ["buyer", "other_buyer", "partner", "facilitator"])
def test_other_organisations_cannot_edit_a_resource(role: str, client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    before = _resource_values(resource)
    url = reverse("cooperation:resource_update", args=[resource.pk])
    client = client_as(role)
    assert client.get(url).status_code == 403
    assert client.post(url, RESOURCE_DATA | {"commune": "", "perimeter": ""}).status_code == 403
    assert _resource_values(resource) == before
    assert not AuditLog.objects.filter(action="cooperation.resource.updated").exists()
    detail = client.get(reverse("cooperation:resource_detail", args=[resource.pk])).content.decode()
    assert url not in detail


def test_edit_link_is_shown_to_the_owner_only(client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    url = reverse("cooperation:resource_update", args=[resource.pk])
    detail = reverse("cooperation:resource_detail", args=[resource.pk])
    assert url in client_as("supplier").get(detail).content.decode()
    assert url in client_as("supplier").get(reverse("cooperation:my_pooling")).content.decode()
    assert url not in client_as("buyer").get(detail).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"commune": "99999"}, "commune", "Aucun lieu ne correspond au code « 99999 »."),
        (
            {"commune": "Grand-Orly Seine Bièvre"},
            "commune",
            "« Grand-Orly Seine Bièvre » est un EPCI ou un EPT : indiquez ici une commune.",
        ),
        ({"available_until": "2025-12-01"}, "available_until", "La fin de disponibilité précède son début."),
        ({"price": ""}, "price", "Indiquez le tarif."),
    ],
)
def test_invalid_resource_edit_shows_french_errors_and_saves_nothing(
    changes: dict[str, str],
    field: str,
    message: str,
    client_as,
    world,
) -> None:
    make_small_territory()
    resource = make_resource(world.supplier_org)
    before = _resource_values(resource)
    response = client_as("supplier").post(
        reverse("cooperation:resource_update", args=[resource.pk]), RESOURCE_DATA | changes
    )
    assert response.status_code == 400
    content = response.content.decode().replace("&#x27;", "'")
    assert f'id="id_{field}-errors"' in content
    assert message in content
    assert "Erreur — Modifier « Camion 12 m³ partagé »" in content
    assert _resource_values(resource) == before
    assert not AuditLog.objects.filter(action="cooperation.resource.updated").exists()


def test_a_withdrawn_resource_cannot_be_edited(client_as, world) -> None:
    resource = make_resource(world.supplier_org)
    services.resource_withdraw(actor=None, resource=resource)
    before = _resource_values(resource)
    client = client_as("supplier")
    url = reverse("cooperation:resource_update", args=[resource.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, RESOURCE_DATA | {"commune": "", "perimeter": ""}).status_code == 404
    assert _resource_values(resource) == before
    assert url not in client.get(reverse("cooperation:resource_detail", args=[resource.pk])).content.decode()
    with pytest.raises(services.CooperationError, match="ne peut plus être modifiée"):
        services.resource_update(actor=None, resource=resource, title="Autre titre")


# ---------------------------------------------------------------- support offers


@pytest.mark.parametrize("role", ["partner", "facilitator"])
def test_offer_organisation_or_a_facilitator_edits_an_offer(role: str, client_as, world) -> None:
    make_small_territory()
    offer = make_offer(world.partner_org)
    client = client_as(role)
    url = reverse("cooperation:support_update", args=[offer.pk])

    form = client.get(url)
    assert form.status_code == 200
    content = form.content.decode().replace("&#x27;", "'")
    assert "<h1>Modifier l'offre « Accompagnement aux achats responsables »</h1>" in content
    assert 'value="contact@cress.fr"' in content
    assert url in client.get(reverse("cooperation:support_detail", args=[offer.pk])).content.decode()

    response = client.post(url, OFFER_DATA)
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperation:support_detail", args=[offer.pk])
    assert _offer_values(offer) == (
        "Accompagnement renforcé aux achats responsables",
        "Conseil et formation des acheteurs.",
        "tous",
        ",formation,reservation,",
        offer.perimeter.pk,
        "Prendre rendez-vous en ligne.",
        "",
        "https://cress.example/rdv",
        True,
    )
    entry = history_for(offer).get(action="cooperation.support_offer.updated")
    assert entry.actor == world.users[role]
    assert entry.organisation_id == world.partner_org.pk
    assert "topics" in entry.data["fields"] and "contact_email" in entry.data["fields"]


def test_offer_edit_form_checks_the_current_topics(client_as, world) -> None:
    offer = make_offer(world.partner_org, topics=["financement"])
    content = (
        client_as("partner").get(reverse("cooperation:support_update", args=[offer.pk])).content.decode()
    )
    checked = [chunk for chunk in content.split("<input") if "checked" in chunk.split(">", 1)[0]]
    assert [c for c in checked if 'name="topics"' in c and 'value="financement"' in c]
    assert not [c for c in checked if 'name="topics"' in c and 'value="financement"' not in c]


@pytest.mark.parametrize("role", ["buyer", "other_buyer", "supplier"])
def test_other_organisations_cannot_edit_an_offer(role: str, client_as, world) -> None:
    offer = make_offer(world.partner_org)
    before = _offer_values(offer)
    url = reverse("cooperation:support_update", args=[offer.pk])
    client = client_as(role)
    assert client.get(url).status_code == 403
    assert client.post(url, OFFER_DATA | {"perimeter": ""}).status_code == 403
    assert _offer_values(offer) == before
    assert not AuditLog.objects.filter(action="cooperation.support_offer.updated").exists()
    assert url not in client.get(reverse("cooperation:support_detail", args=[offer.pk])).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"topics": []}, "topics", "Ce champ est obligatoire."),
        ({"topics": ["astrologie"]}, "topics", "Sélectionnez un choix valide."),
        ({"contact_email": "pas-une-adresse"}, "contact_email", "Saisissez une adresse de courriel valide."),
        (
            {"contact_url": "", "contact_email": ""},
            "contact_email",
            "Indiquez une adresse ou une page de contact.",
        ),
        ({"perimeter": "dep:00"}, "perimeter", "Aucun lieu ne correspond au code « dep:00 »."),
    ],
)
def test_invalid_offer_edit_shows_french_errors_and_saves_nothing(
    changes: dict[str, object],
    field: str,
    message: str,
    client_as,
    world,
) -> None:
    make_small_territory()
    offer = make_offer(world.partner_org)
    before = _offer_values(offer)
    response = client_as("partner").post(
        reverse("cooperation:support_update", args=[offer.pk]), OFFER_DATA | changes
    )
    assert response.status_code == 400
    content = response.content.decode().replace("&#x27;", "'")
    assert f'id="id_{field}-errors"' in content
    assert message in content
    assert _offer_values(offer) == before
    assert not AuditLog.objects.filter(action="cooperation.support_offer.updated").exists()


def test_a_withdrawn_offer_cannot_be_edited(client_as, world) -> None:
    offer = make_offer(world.partner_org)
    services.support_offer_withdraw(actor=None, offer=offer)
    before = _offer_values(offer)
    url = reverse("cooperation:support_update", args=[offer.pk])
    client = client_as("partner")
    assert client.get(url).status_code == 404
    assert client.post(url, OFFER_DATA | {"perimeter": ""}).status_code == 404
    assert _offer_values(offer) == before
    with pytest.raises(services.CooperationError, match="ne peut plus être modifiée"):
        services.support_offer_update(actor=None, offer=offer, **(OFFER_DATA | {"perimeter": None}))


# ---------------------------------------------------------------- member types


def _partner_member(world) -> tuple[object, GroupMember]:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    return group, GroupMember.objects.get(group=group, organisation=world.partner_org)


def test_coordinator_changes_a_members_type(client_as, world) -> None:
    group, member = _partner_member(world)
    client = client_as("supplier")
    page = client.get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    url = reverse("cooperation:member_type", args=[member.pk])
    assert f'action="{url}"' in page
    assert (
        f'<label for="member-type-{member.pk}" class="visually-hidden">Type de membre de CRESS Île-de-France</label>'
        in page
    )

    response = client.post(url, {"member_type": "formation"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperation:group_detail", args=[group.pk]) + "#membres"
    member.refresh_from_db()
    assert member.member_type == GroupMember.MemberType.TRAINING
    entry = history_for(group).get(action="cooperation.group.member_type_changed")
    assert entry.actor == world.users["supplier"]
    assert entry.data == {"member": member.pk, "from": "partenaire", "to": "formation"}
    page = client.get(response["Location"]).content.decode()
    assert "CRESS Île-de-France : Organisme de formation." in page
    assert '<option value="formation" selected>' in page


@pytest.mark.parametrize("role", ["partner", "buyer", "other_buyer"])
def test_a_non_coordinator_cannot_change_a_members_type(role: str, client_as, world) -> None:
    group, member = _partner_member(world)
    client = client_as(role)
    url = reverse("cooperation:member_type", args=[member.pk])
    assert url not in client.get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert client.post(url, {"member_type": "formation"}).status_code == 403
    member.refresh_from_db()
    assert member.member_type == GroupMember.MemberType.PARTNER
    assert not AuditLog.objects.filter(action="cooperation.group.member_type_changed").exists()


def test_member_type_change_is_post_only(client_as, world) -> None:
    _, member = _partner_member(world)
    assert client_as("supplier").get(reverse("cooperation:member_type", args=[member.pk])).status_code == 405


@pytest.mark.parametrize("value", ["astrologie", ""])
def test_an_unknown_member_type_is_refused_in_french(value: str, client_as, world) -> None:
    group, member = _partner_member(world)
    client = client_as("supplier")
    response = client.post(
        reverse("cooperation:member_type", args=[member.pk]), {"member_type": value}, follow=True
    )
    assert response.status_code == 200
    assert "Type de membre inconnu" in response.content.decode()
    member.refresh_from_db()
    assert member.member_type == GroupMember.MemberType.PARTNER
    assert not AuditLog.objects.filter(action="cooperation.group.member_type_changed").exists()
    with pytest.raises(services.CooperationError, match="Type de membre inconnu"):
        services.group_member_set_type(actor=None, member=member, member_type=value)


def test_only_an_active_members_type_can_be_changed(client_as, world) -> None:
    group = make_group(coordinator=world.supplier_org)
    pending = services.group_join(
        actor=None,
        group=group,
        organisation=world.buyer_org,
        member_type=GroupMember.MemberType.LOCAL_AUTHORITY,
    )
    response = client_as("supplier").post(
        reverse("cooperation:member_type", args=[pending.pk]), {"member_type": "entreprise"}, follow=True
    )
    assert response.status_code == 200
    assert "Seul le type d&#x27;un membre actif" in response.content.decode()
    pending.refresh_from_db()
    assert pending.member_type == GroupMember.MemberType.LOCAL_AUTHORITY
