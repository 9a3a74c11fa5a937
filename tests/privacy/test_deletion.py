"""A person deletes their account: personal fields erased, organisations' records kept under a
pseudonym, sessions ended, the audit trail without their address; the last admin is refused."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessLog
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from essaim.accounts import data_protection as accounts_rules
from essaim.accounts.models import Invitation, Membership, User, hash_token
from essaim.core.models import AuditLog, ContactMessage
from essaim.events.models import Registration
from essaim.privacy.errors import WRONG_PASSWORD
from essaim.privacy.models import AccountErasure
from essaim.privacy.services import PSEUDONYM
from essaim.privacy.views import DELETED_MESSAGE
from essaim.sourcing.models import NeedAnswer
from tests.accounts.factories import MemberFactory
from tests.events.factories import EventFactory, register
from tests.sourcing.factories import make_need

PASSWORD = "mot-de-passe-solide-2026"


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_deleting_an_account_keeps_the_records_under_a_pseudonym_and_erases_the_person(world) -> None:  # noqa: ANN001
    supplier = world.users["supplier"]
    MemberFactory(organisation=world.supplier_org, admin=True, email="collegue@rejoue.fr")
    need = make_need(world.buyer_org, actor=world.users["buyer"], publish=True)
    answer = NeedAnswer.objects.create(
        need=need, organisation=world.supplier_org, author=supplier, kind="question", message="Quel volume ?"
    )
    past = EventFactory(starts_at=timezone.now() - timedelta(days=30))
    past_registration = Registration.objects.create(
        event=past, user=supplier, organisation=world.supplier_org, role="fournisseur", status="confirmee"
    )
    upcoming = EventFactory(capacity=1)
    upcoming_registration = register(upcoming, supplier, organisation=world.supplier_org)
    waiting = register(upcoming, world.users["buyer"], organisation=world.buyer_org)
    assert waiting.status == Registration.Status.WAITLISTED
    ContactMessage.objects.create(name="Lucie", email="contact@rejoue.fr", message="Bonjour")
    AccessLog.objects.create(
        username="contact@rejoue.fr", user_agent="Firefox", http_accept="*/*", path_info="/compte/connexion/"
    )
    Invitation.objects.create(
        organisation=world.buyer_org,
        email="contact@rejoue.fr",
        token_hash=hash_token("jeton"),
        expires_at=timezone.now() + timedelta(days=3),
    )
    other_session = logged_in_client(supplier)
    full_name = supplier.full_name

    response = logged_in_client(supplier).post(
        reverse("privacy:account_delete"), {"password": PASSWORD}, follow=True
    )

    assert escape(DELETED_MESSAGE) in response.content.decode()
    erasure = AccountErasure.objects.get()
    supplier.refresh_from_db()
    assert supplier.full_name == PSEUDONYM.format(number=erasure.pk)
    assert "rejoue" not in supplier.email
    assert not supplier.is_active and not supplier.has_usable_password()
    # The organisations' records stay, under the pseudonym.
    answer.refresh_from_db()
    assert answer.author == supplier and str(answer.author) == PSEUDONYM.format(number=erasure.pk)
    past_registration.refresh_from_db()
    assert past_registration.status == Registration.Status.CONFIRMED
    # The seat at the event to come goes to the waiting list.
    upcoming_registration.refresh_from_db()
    waiting.refresh_from_db()
    assert upcoming_registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    # The person's own traces go, and they left their organisation.
    assert not Membership.objects.filter(user=supplier).exists()
    assert not ContactMessage.objects.exists()
    assert not AccessLog.objects.filter(username__iexact="contact@rejoue.fr").exists()
    assert not Invitation.objects.filter(email="contact@rejoue.fr").exists()
    # The audit trail keeps its entries, without the address or the name.
    assert AuditLog.objects.filter(action="account.deleted").count() == 1
    for entry in AuditLog.objects.all():
        text = f"{entry.object_repr} {entry.data}".lower()
        assert "contact@rejoue.fr" not in text and full_name.lower() not in text, entry
    # Every session of the person ended.
    response = other_session.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_wrong_password_deletes_nothing(world) -> None:  # noqa: ANN001
    supplier = world.users["supplier"]
    MemberFactory(organisation=world.supplier_org, admin=True)  # the supplier is not the last admin
    response = logged_in_client(supplier).post(reverse("privacy:account_delete"), {"password": "pas-le-bon"})
    assert response.status_code == 400
    assert escape(WRONG_PASSWORD) in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.is_active and supplier.email == "contact@rejoue.fr"
    assert not AccountErasure.objects.exists()


def test_the_last_admin_is_told_to_name_another_admin_first(world) -> None:  # noqa: ANN001
    admin = world.users["buyer_admin"]  # the buyer organisation's only admin; "buyer" is a member there
    client = logged_in_client(admin)
    page = client.get(reverse("privacy:account_delete")).content.decode()
    message = accounts_rules.LAST_ADMIN.format(organisation="Ville de Vitry-sur-Seine")
    assert escape(message) in page
    assert reverse("accounts:organisation_detail", args=[world.buyer_org.pk]) in page
    assert 'name="password"' not in page

    response = client.post(reverse("privacy:account_delete"), {"password": PASSWORD})
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active and not AccountErasure.objects.exists()

    membership = Membership.objects.get(user=world.users["buyer"], organisation=world.buyer_org)
    membership.role = Membership.Role.ADMIN
    membership.save()
    assert client.post(reverse("privacy:account_delete"), {"password": PASSWORD}).status_code == 302
    assert AccountErasure.objects.filter(user=admin).exists()


def test_the_only_member_of_an_organisation_is_told_to_invite_someone(world) -> None:  # noqa: ANN001
    page = logged_in_client(world.users["partner"]).get(reverse("privacy:account_delete")).content.decode()
    assert escape(accounts_rules.ONLY_MEMBER.format(organisation="CRESS Île-de-France")) in page


def test_the_last_superuser_stays(world) -> None:  # noqa: ANN001
    page = logged_in_client(world.users["superuser"]).get(reverse("privacy:account_delete")).content.decode()
    assert escape(accounts_rules.LAST_SUPERUSER) in page


def test_anonymous_visitors_are_sent_to_the_login(client, world) -> None:  # noqa: ANN001
    for name in ("privacy:account_delete", "privacy:my_data", "privacy:my_data_download"):
        response = client.post(reverse(name), {"password": PASSWORD})
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not AccountErasure.objects.exists()


def test_a_deleted_account_cannot_log_in_again(client, world) -> None:  # noqa: ANN001
    supplier = world.users["supplier"]
    MemberFactory(organisation=world.supplier_org, admin=True)  # the supplier is not the last admin
    logged_in_client(supplier).post(reverse("privacy:account_delete"), {"password": PASSWORD})
    response = client.post(reverse("accounts:login"), {"username": "contact@rejoue.fr", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
