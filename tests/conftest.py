"""Fixtures shared by every test: one person per role, and helpers for the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from essaim.accounts.models import Invitation, Membership, Organisation, User, hash_token
from essaim.accounts.services import api_token_create
from tests.accounts.factories import BuyerFactory, MemberFactory, OrganisationFactory
from tests.browser_support import chromium, page  # noqa: F401  (fixtures for browser tests)
from tests.mail_support import flaky_smtp  # noqa: F401  (fixture: an SMTP server that fails on demand)
from tests.territory_support import make_small_territory

ROLES = (
    "anonymous",
    "facilitator",
    "buyer",
    "buyer_admin",
    "other_buyer",
    "supplier",
    "partner",
    "superuser",
)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: the local-memory cache lives as long as the test process."""
    cache.clear()


@dataclass
class World:
    """A small territory: two buyers, a supplier, a partner, the territory team; one person per role."""

    territory_team: Organisation
    buyer_org: Organisation
    other_buyer_org: Organisation
    supplier_org: Organisation
    partner_org: Organisation
    users: dict[str, User | None]


@pytest.fixture
def world(db: None) -> World:
    team = OrganisationFactory(kind=Organisation.Kind.TERRITORY, name="Mission ESS du territoire")
    buyer_org = BuyerFactory(name="Ville de Vitry-sur-Seine")
    other_buyer_org = BuyerFactory(name="Ville d'Ivry-sur-Seine")
    supplier_org = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Rejoué")
    partner_org = OrganisationFactory(kind=Organisation.Kind.PARTNER, name="CRESS Île-de-France")
    users: dict[str, User | None] = {
        "anonymous": None,
        "facilitator": MemberFactory(organisation=team, admin=True, email="animatrice@exemple.fr"),
        "buyer": MemberFactory(organisation=buyer_org, email="acheteur@exemple.fr"),
        "buyer_admin": MemberFactory(organisation=buyer_org, admin=True, email="admin.vitry@exemple.fr"),
        "other_buyer": MemberFactory(organisation=other_buyer_org, admin=True, email="acheteuse@ivry.fr"),
        "supplier": MemberFactory(organisation=supplier_org, admin=True, email="contact@rejoue.fr"),
        "partner": MemberFactory(organisation=partner_org, admin=True, email="contact@cress.fr"),
        "superuser": User.objects.create_superuser(
            email="admin@exemple.fr", password="mot-de-passe-solide-2026"
        ),
    }
    return World(team, buyer_org, other_buyer_org, supplier_org, partner_org, users)


@pytest.fixture
def client_as(client, world):
    """`client_as("buyer")` returns the test client logged in as that role (anonymous: logged out)."""

    def login(role: str):
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def samples(world: World) -> dict[str, object]:
    """One object of each kind, belonging to the buyer organisation, for URLs that take an identifier."""
    make_small_territory()
    buyer = world.users["buyer"]
    raw_invitation = Invitation.new_token()
    invitation = Invitation.objects.create(
        organisation=world.buyer_org,
        email="invitee@exemple.fr",
        token_hash=hash_token(raw_invitation),
        expires_at="2099-01-01T00:00:00Z",
    )
    token, _ = api_token_create(
        actor=world.users["buyer_admin"], organisation=world.buyer_org, name="Logiciel"
    )
    samples: dict[str, object] = {
        "org": world.buyer_org,
        "membership": Membership.objects.get(user=buyer, organisation=world.buyer_org),
        "invitation": invitation,
        "invitation_token": raw_invitation,
        "token": token,
        "uid": urlsafe_base64_encode(force_bytes(buyer.pk)),
        "reset_token": default_token_generator.make_token(buyer),
    }
    from tests.url_matrix import SAMPLE_MAKERS

    for add_samples in SAMPLE_MAKERS:
        add_samples(world, samples)
    return samples


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests; deselect (never skip) PostgreSQL-only tests when the database is SQLite."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    kept, deselected = [], []
    for item in items:
        path = str(item.fspath)
        if "/tests/browser/" in path or path.endswith("/test_browser.py"):
            item.add_marker(pytest.mark.browser)
        if not on_postgres and item.get_closest_marker("postgres"):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
