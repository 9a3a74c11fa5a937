"""Create forms submitted twice or three times at once create one object (the form's one-time token)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.sourcing.models import Need
from tests.territory_support import make_small_territory

TOKEN = re.compile(r'name="(?:[a-z]+-)?idempotency_key" value="([^"]+)"')


def _token(client: Client, url: str) -> str:
    """The form's token (or, for a form that has none, what a browser would send: nothing of the kind)."""
    found = TOKEN.search(client.get(url).content.decode())
    return found.group(1) if found else ""


def _need_data(token: str) -> dict[str, str]:
    return {
        "kind": "sourcing",
        "title": "Achat de jouets de réemploi",
        "description": "Jouets d'occasion pour les crèches",
        "amount": "1000",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "duration_months": "12",
        "sectors_reviewed": "on",  # the suggested sectors seen (none ticked): the form saves
        "idempotency_key": token,
    }


@pytest.mark.django_db
def test_submitting_the_need_form_twice_creates_one_need(client_as, world) -> None:
    make_small_territory()
    client = client_as("buyer")
    url = reverse("sourcing:need_create")
    token = _token(client, url)
    first = client.post(url, _need_data(token))
    again = client.post(url, _need_data(token))
    assert Need.objects.count() == 1
    need = Need.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("sourcing:need_detail", args=[need.pk])
    # A new form (a new token) creates a second need, as the person wants.
    client.post(url, _need_data(_token(client, url)))
    assert Need.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_three_concurrent_submissions_of_the_need_form_create_one_need(world) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: run with DATABASE_URL=postgres://… (SQLite runs deselect this test)")
    make_small_territory()
    buyer = world.users["buyer"]
    url = reverse("sourcing:need_create")
    opener = Client()
    opener.force_login(buyer, backend="django.contrib.auth.backends.ModelBackend")
    token = _token(opener, url)
    barrier = threading.Barrier(3)
    responses: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            client = Client()
            client.force_login(buyer, backend="django.contrib.auth.backends.ModelBackend")
            barrier.wait(timeout=10)
            responses.append(client.post(url, _need_data(token)).status_code)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Need.objects.count() == 1
    assert responses == [302, 302, 302]


CREATE_PAGES = [
    ("buyer", "sourcing:need_create", None),
    ("supplier", "cooperation:group_create", None),
    ("facilitator", "events:event_create", None),
    ("supplier", "cooperation:resource_create", None),
    ("partner", "cooperation:support_create", None),
    ("anonymous", "core:contact", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "name", "args"), CREATE_PAGES)
def test_every_create_form_carries_a_one_time_token(role: str, name: str, args, client_as) -> None:
    client = client_as(role)
    first, second = _token(client, reverse(name, args=args)), _token(client, reverse(name, args=args))
    assert first and second and first != second


@pytest.mark.django_db
def test_the_group_page_document_form_carries_a_token_and_a_replayed_upload_stores_one_document(
    client_as, world
) -> None:
    from essaim.cooperation.models import GroupDocument
    from tests.cooperation.factories import make_group
    from tests.core.factories import pdf_upload

    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    client = client_as("partner")
    token = _token(client, reverse("cooperation:group_detail", args=[group.pk]))
    assert token
    url = reverse("cooperation:document_upload", args=[group.pk])
    for _ in range(2):
        response = client.post(
            url,
            {
                "document-title": "Compte rendu",
                "document-file": pdf_upload(),
                "document-idempotency_key": token,
            },
        )
        assert response.status_code == 302
    assert GroupDocument.objects.filter(group=group).count() == 1


def _replays(create, model) -> None:  # noqa: ANN001
    from django.db import transaction

    key = f"{model.__name__}-replay-token-0123456789"
    with transaction.atomic():
        first = create(key)
    with transaction.atomic():
        again = create(key)
    assert again.pk == first.pk
    assert model.objects.count() == 1


@pytest.mark.django_db
def test_create_services_return_the_first_object_for_a_replayed_token(world) -> None:
    from essaim.cooperation import services as cooperation
    from essaim.cooperation.models import Resource, SupportOffer, WorkingGroup
    from essaim.core.models import ContactMessage
    from essaim.core.services import contact_message_create
    from essaim.events import services as events
    from essaim.events.models import Event

    _replays(
        lambda key: cooperation.group_create(
            actor=None, organisation=world.supplier_org, name="Réemploi", purpose="x", idempotency_key=key
        ),
        WorkingGroup,
    )
    _replays(
        lambda key: cooperation.resource_publish(
            actor=None,
            organisation=world.supplier_org,
            kind="vehicule",
            title="Camion",
            description="Camion partagé",
            conditions="partage-frais",
            idempotency_key=key,
        ),
        Resource,
    )
    _replays(
        lambda key: cooperation.support_offer_publish(
            actor=None,
            organisation=world.partner_org,
            title="Atelier",
            description="Une demi-journée",
            audience=SupportOffer.Audience.BUYERS,
            topics=["sourcing"],
            how_to_access="En ligne",
            contact_email="ateliers@cress.fr",
            idempotency_key=key,
        ),
        SupportOffer,
    )
    starts = timezone.now() + timedelta(days=20)
    _replays(
        lambda key: events.event_create(
            actor=None,
            title="Matinale",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            idempotency_key=key,
        ),
        Event,
    )
    _replays(
        lambda key: contact_message_create(
            topic="autre",
            name="Camille",
            email="c@exemple.fr",
            page_url="",
            message="Bonjour",
            idempotency_key=key,
        ),
        ContactMessage,
    )


@pytest.mark.django_db
def test_a_token_used_for_one_kind_of_object_does_not_return_another(world) -> None:
    from essaim.cooperation import services as cooperation
    from essaim.core.errors import DomainError
    from essaim.core.services import contact_message_create

    key = "z" * 32
    cooperation.group_create(
        actor=None, organisation=world.supplier_org, name="G", purpose="x", idempotency_key=key
    )
    with pytest.raises(DomainError):
        contact_message_create(
            topic="autre", name="C", email="c@exemple.fr", page_url="", message="x", idempotency_key=key
        )
