from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from essaim.accounts.models import Membership


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures(client, world):
    url = reverse("accounts:login")
    for _ in range(5):
        response = client.post(url, {"username": "acheteur@exemple.fr", "password": "mauvais"})
    assert response.status_code in (200, 429)
    response = client.post(url, {"username": "acheteur@exemple.fr", "password": "mot-de-passe-solide-2026"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_email_then_reach_the_dashboard(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "ACHETEUR@exemple.fr", "password": "mot-de-passe-solide-2026"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert "Ville de Vitry-sur-Seine" in client.get(reverse("core:dashboard")).content.decode()


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "acheteur@exemple.fr"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "nouveau-secret-2026", "new_password2": "nouveau-secret-2026"}
    )
    assert response.status_code == 302
    world.users["buyer"].refresh_from_db()
    assert world.users["buyer"].check_password("nouveau-secret-2026")


@pytest.mark.django_db
def test_invitation_form_reports_errors_by_field(client_as, world):
    client = client_as("buyer_admin")
    url = reverse("accounts:organisation_invite", args=[world.buyer_org.pk])
    response = client.post(url, {"email": "pas-une-adresse", "role": "member"})
    assert response.status_code == 400
    assert 'id="id_email-errors"' in response.content.decode()
    response = client.post(url, {"email": "acheteur@exemple.fr", "role": "member"})
    assert response.status_code == 400
    assert "déjà membre" in response.content.decode()


@pytest.mark.django_db
def test_invitation_accept_page_creates_the_account(
    client, client_as, world, django_capture_on_commit_callbacks
):
    admin_client = client_as("buyer_admin")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("accounts:organisation_invite", args=[world.buyer_org.pk]),
            {"email": "recrue@exemple.fr", "role": "member"},
        )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/compte/invitation/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    admin_client.logout()
    response = client.post(path, {"full_name": "Rémi Recrue", "password1": "court", "password2": "court"})
    assert response.status_code == 400 and 'id="id_password1-errors"' in response.content.decode()
    response = client.post(
        path,
        {"full_name": "Rémi Recrue", "password1": "un-secret-solide-26", "password2": "un-secret-solide-26"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="recrue@exemple.fr", organisation=world.buyer_org).exists()


@pytest.mark.django_db
def test_switching_organisation_only_to_ones_you_belong_to(client_as, world):
    client = client_as("buyer")
    from essaim.accounts.services import membership_add

    membership_add(actor=None, organisation=world.partner_org, user=world.users["buyer"], role="member")
    client.post(reverse("accounts:organisation_switch"), {"organisation": world.partner_org.pk, "next": "/"})
    assert (
        "CRESS" in client.get(reverse("core:dashboard")).content.decode().split("Vous agissez pour")[1][:200]
    )
    response = client.post(
        reverse("accounts:organisation_switch"),
        {"organisation": world.other_buyer_org.pk, "next": "//evil.example"},
    )
    assert response["Location"] == reverse("core:dashboard")
    assert "Ivry" not in client.get(reverse("core:dashboard")).content.decode()
    response = client.post(reverse("accounts:organisation_switch"), {"organisation": "pas-un-nombre"})
    assert response.status_code == 302
