from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from essaim.accounts import services
from essaim.accounts.errors import (
    ALREADY_MEMBER,
    BUYER_CATEGORY_REQUIRED,
    INVITATION_ACCEPTED,
    INVITATION_EXPIRED,
    INVITATION_FOR_ANOTHER,
    INVITATION_REVOKED,
    LAST_ADMIN,
    SIRET_TAKEN,
)
from essaim.accounts.models import Invitation, Membership, Organisation, User
from essaim.core.errors import DomainError
from essaim.core.models import AuditLog
from tests.accounts.factories import BuyerFactory, UserFactory


def raw_token_from_outbox() -> str:
    body = mail.outbox[-1].body
    return body.split("/compte/invitation/")[1].split("/")[0]


@pytest.mark.django_db
class TestOrganisations:
    def test_a_buyer_needs_a_valid_siret_and_a_category(self) -> None:
        with pytest.raises(DomainError) as error:
            services.organisation_create(
                actor=None, kind="buyer", name="Ville", siret="21940081400011", buyer_category="commune"
            )
        assert "clé de contrôle" in error.value.message and error.value.field == "siret"
        with pytest.raises(DomainError, match=re.escape(BUYER_CATEGORY_REQUIRED)):
            services.organisation_create(actor=None, kind="buyer", name="Ville")

    def test_siret_is_stored_compact_with_its_siren_and_is_unique(self) -> None:
        organisation = services.organisation_create(
            actor=None, kind="supplier", name="La Poste test", siret="356 000 000 00048"
        )
        assert organisation.siret == "35600000000048"
        assert organisation.siren == "356000000"
        assert AuditLog.objects.filter(action="organisation.created", object_id=str(organisation.pk)).exists()
        with pytest.raises(DomainError, match=re.escape(SIRET_TAKEN)):
            services.organisation_create(actor=None, kind="supplier", name="Doublon", siret="35600000000048")

    def test_buyer_category_is_dropped_for_other_kinds(self) -> None:
        organisation = services.organisation_create(
            actor=None, kind="partner", name="CRESS", buyer_category="commune"
        )
        assert organisation.buyer_category == ""


@pytest.mark.django_db
class TestInvitations:
    def test_invited_person_creates_an_account_and_joins_with_the_role(
        self, django_capture_on_commit_callbacks
    ):
        admin = UserFactory()
        organisation = BuyerFactory()
        services.membership_add(actor=None, organisation=organisation, user=admin, role="admin")
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                actor=admin,
                organisation=organisation,
                email="Nouvelle@Exemple.FR",
                role="admin",
            )
        assert invitation.email == "nouvelle@exemple.fr"
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@exemple.fr"]
        raw = raw_token_from_outbox()
        assert Invitation.objects.filter(token_hash=raw).count() == 0  # only the hash is stored
        membership = services.invitation_accept(
            raw_token=raw, full_name="Nadia Nouvelle", password="un-long-mot-2026"
        )
        assert membership.role == Membership.Role.ADMIN and membership.organisation == organisation
        assert membership.user.check_password("un-long-mot-2026")
        with pytest.raises(DomainError, match=re.escape(INVITATION_ACCEPTED)):
            services.invitation_accept(raw_token=raw, full_name="X", password="un-long-mot-2026")

    def test_expired_and_revoked_invitations_are_refused(self, django_capture_on_commit_callbacks):
        admin = UserFactory()
        organisation = BuyerFactory()
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                actor=admin,
                organisation=organisation,
                email="a@exemple.fr",
                role="member",
            )
        raw = raw_token_from_outbox()
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(DomainError, match=re.escape(INVITATION_EXPIRED)):
            services.invitation_accept(raw_token=raw, full_name="A", password="un-long-mot-2026")
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
        services.invitation_revoke(actor=admin, invitation=invitation)
        with pytest.raises(DomainError, match=re.escape(INVITATION_REVOKED)):
            services.invitation_accept(raw_token=raw, full_name="A", password="un-long-mot-2026")
        assert not User.objects.filter(email="a@exemple.fr").exists()

    def test_an_invitation_is_for_its_email_only(self, django_capture_on_commit_callbacks):
        organisation = BuyerFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_create(
                actor=UserFactory(),
                organisation=organisation,
                email="b@exemple.fr",
                role="member",
            )
        intruder = UserFactory(email="intrus@exemple.fr")
        with pytest.raises(DomainError, match=re.escape(INVITATION_FOR_ANOTHER.format(email="b@exemple.fr"))):
            services.invitation_accept(raw_token=raw_token_from_outbox(), user=intruder)
        assert not Membership.objects.filter(user=intruder).exists()

    def test_inviting_a_member_again_is_refused(self):
        organisation = BuyerFactory()
        member = UserFactory(email="deja@exemple.fr")
        services.membership_add(actor=None, organisation=organisation, user=member, role="member")
        with pytest.raises(DomainError, match=re.escape(ALREADY_MEMBER)):
            services.invitation_create(
                actor=member,
                organisation=organisation,
                email="DEJA@exemple.fr",
                role="member",
            )


@pytest.mark.django_db
class TestMemberships:
    def test_an_organisation_keeps_at_least_one_admin(self):
        organisation = BuyerFactory()
        admin = UserFactory()
        membership = services.membership_add(actor=None, organisation=organisation, user=admin, role="admin")
        with pytest.raises(DomainError, match=re.escape(LAST_ADMIN)):
            services.membership_set_role(actor=admin, membership=membership, role="member")
        with pytest.raises(DomainError, match=re.escape(LAST_ADMIN)):
            services.membership_remove(actor=admin, membership=membership)
        second = services.membership_add(
            actor=None, organisation=organisation, user=UserFactory(), role="admin"
        )
        services.membership_remove(actor=admin, membership=membership)
        assert list(Membership.objects.filter(organisation=organisation)) == [second]

    def test_joining_the_territory_team_opens_the_back_office_and_leaving_closes_it(self):
        team = Organisation.objects.create(kind="territory", name="Équipe")
        person = UserFactory()
        membership = services.membership_add(actor=None, organisation=team, user=person, role="member")
        person.refresh_from_db()
        assert person.is_staff and person.has_perm("directory.view_structure") is not None
        assert person.groups.filter(name=services.FACILITATOR_GROUP).exists()
        services.membership_add(actor=None, organisation=team, user=UserFactory(), role="admin")
        services.membership_remove(actor=None, membership=membership)  # type: ignore[arg-type]
        person.refresh_from_db()
        assert not person.is_staff


@pytest.mark.django_db
def test_api_tokens_are_shown_once_stored_hashed_and_revocable():
    organisation = BuyerFactory()
    token, raw = services.api_token_create(actor=UserFactory(), organisation=organisation, name="Logiciel")
    assert raw.startswith("ess_") and raw not in token.token_hash
    assert services.api_token_authenticate(raw) == token
    assert services.api_token_authenticate(raw + "x") is None
    services.api_token_revoke(actor=UserFactory(), token=token)
    assert services.api_token_authenticate(raw) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1234", "Un SIRET compte 14 chiffres."),
        ("2194008140001A", "Un SIRET ne contient que des chiffres."),
        ("21940081400011", "clé de contrôle incorrecte"),
    ],
)
def test_siret_errors_are_explained_in_french(value: str, message: str) -> None:
    from django.core.exceptions import ValidationError

    from essaim.accounts.validators import clean_siret

    with pytest.raises(ValidationError) as error:
        clean_siret(value)
    assert message in error.value.messages[0]
