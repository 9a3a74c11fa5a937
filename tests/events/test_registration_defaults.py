"""Registering takes the acting organisation and its role by default, and a waiting list says which quota
is full (issue 12, item 6)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from essaim.events import selectors
from essaim.events.models import Registration
from tests.accounts.factories import MemberFactory
from tests.events.factories import EventFactory, register

pytestmark = pytest.mark.django_db


class _Selects(HTMLParser):
    """The <select> fields of a page's main content: name -> [(value, label, selected)]."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, list[list[Any]]] = {}
        self.current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self.current = values["name"]
            self.selects[self.current or ""] = []
        elif tag == "option" and self.current:
            self.selects[self.current].append([values.get("value"), "", "selected" in values])

    def handle_data(self, data: str) -> None:
        if self.current and self.selects[self.current]:
            self.selects[self.current][-1][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.current = None


def selects(html: str) -> dict[str, list[list[Any]]]:
    reader = _Selects()
    reader.feed(html[html.index("<main") :])  # not the header's organisation switcher
    return reader.selects


def form_defaults(html: str) -> dict[str, str]:
    """What a browser submits when the person presses the button without touching the form."""
    chosen = {}
    for name, items in selects(html).items():
        chosen[name] = next((value for value, _, selected in items if selected), items[0][0])
    return chosen


def options(html: str, name: str) -> list[str]:
    return [label.strip() for _, label, _ in selects(html)[name]]


@pytest.mark.parametrize(
    ("role", "organisation", "expected"),
    [
        ("supplier", "supplier_org", "fournisseur"),
        ("buyer", "buyer_org", "acheteur"),
        ("partner", "partner_org", "partenaire"),
    ],
)
def test_the_first_submit_of_the_untouched_form_registers_for_the_organisation_with_its_role(
    client_as, world, role, organisation, expected
):
    event = EventFactory()
    client = client_as(role)
    url = reverse("events:event_register", args=[event.pk])
    page = client.get(url).content.decode()
    assert options(page, "organisation") == [getattr(world, organisation).name]  # no empty choice
    response = client.post(url, form_defaults(page))
    registration = Registration.objects.get(event=event, user=world.users[role])
    assert response.status_code == 302
    assert (registration.organisation, registration.role) == (getattr(world, organisation), expected)


def test_a_supplier_is_not_offered_the_buyers_role(client_as, world):
    page = (
        client_as("supplier").get(reverse("events:event_register", args=[EventFactory().pk])).content.decode()
    )
    assert options(page, "role") == ["Fournisseur", "Visiteur"]


def test_the_acting_organisation_is_chosen_when_the_person_has_several(client_as, world):
    from essaim.accounts.services import membership_add

    person = world.users["supplier"]
    membership_add(actor=None, organisation=world.other_buyer_org, user=person, role="member")
    client = client_as("supplier")
    client.post(reverse("accounts:organisation_switch"), {"organisation": world.supplier_org.pk, "next": "/"})
    page = client.get(reverse("events:event_register", args=[EventFactory().pk])).content.decode()
    assert form_defaults(page)["organisation"] == str(world.supplier_org.pk)
    assert form_defaults(page)["role"] == "fournisseur"
    assert options(page, "role") == ["Acheteur", "Fournisseur", "Visiteur"]


def test_when_only_the_buyers_quota_is_full_the_message_says_so_and_names_the_roles_with_seats(
    client_as, world, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=80, capacity_buyer=1, capacity_partner=5)
    register(event, world.users["buyer"], organisation=world.buyer_org)
    client = client_as("other_buyer")
    url = reverse("events:event_register", args=[event.pk])
    page = client.get(url).content.decode()
    expected = (
        "Les places réservées aux acheteurs sont toutes prises ; "
        "il reste des places pour les structures et les partenaires"
    )
    assert f"{expected} : si vous vous inscrivez maintenant, vous serez sur la liste d" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_defaults(page), follow=True)
    assert Registration.objects.get(user=world.users["other_buyer"]).status == Registration.Status.WAITLISTED
    assert f"{expected} : vous êtes sur la liste d&#x27;attente." in response.content.decode()
    assert "complet" not in response.content.decode()
    [email] = mail.outbox
    assert f"{expected}." in email.body and "complet" not in email.body


def test_when_the_whole_event_is_full_the_message_says_the_event_is_full(client_as, world):
    event = EventFactory(capacity=1)
    register(event, world.users["buyer"], organisation=world.buyer_org)
    response = client_as("supplier").post(
        reverse("events:event_register", args=[event.pk]),
        {"organisation": world.supplier_org.pk, "role": "fournisseur"},
        follow=True,
    )
    assert (
        "L&#x27;événement est complet : vous êtes sur la liste d&#x27;attente." in response.content.decode()
    )


def test_waitlist_reason_names_the_full_quota_and_only_the_roles_with_seats_left(world):
    event = EventFactory(capacity=10, capacity_buyer=1, capacity_supplier=1, capacity_partner=None)
    assert selectors.waitlist_reason(event, "acheteur") == ""
    register(event, world.users["buyer"], organisation=world.buyer_org)
    assert selectors.waitlist_reason(event, "acheteur") == (
        "Les places réservées aux acheteurs sont toutes prises ; il reste des places pour les structures "
        "et les partenaires"
    )
    register(event, world.users["supplier"], organisation=world.supplier_org)
    assert selectors.waitlist_reason(event, "fournisseur") == (
        "Les places réservées aux structures sont toutes prises ; il reste des places pour les partenaires"
    )
    assert selectors.waitlist_reason(event, "partenaire") == ""
    for _ in range(8):
        person = MemberFactory(kind="partner")
        register(event, person)
    assert selectors.waitlist_reason(event, "partenaire") == "L'événement est complet"
