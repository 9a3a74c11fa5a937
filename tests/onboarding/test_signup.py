"""Sign-up at /inscription/: French errors by field, the project's password rules, email confirmation,
no telling whether an address has an account, throttling per address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from essaim.accounts.models import User
from essaim.core.rate_limits import RateLimitHit
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Marie Curie",
    "email": "Marie@Rejoue.fr",
    "password1": "des-jouets-pour-tous-2026",
    "password2": "des-jouets-pour-tous-2026",
}


def confirm_link(message) -> str:
    return re.search(r"https?://[^\s]+/inscription/confirmer/[^\s]+/", message.body).group(0)


def logs_in(client, email: str, password: str) -> bool:
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code == 302


def sign_up(client, capture, **changes) -> object:
    with capture(execute=True):
        return client.post(reverse("onboarding:signup"), {**GOOD, **changes})


def test_the_sign_up_page_is_public(client) -> None:
    response = client.get(reverse("onboarding:signup"))
    assert response.status_code == 200
    assert "Créer un compte" in response.content.decode()


def test_errors_are_french_and_next_to_their_field(client, django_capture_on_commit_callbacks) -> None:
    response = sign_up(
        client,
        django_capture_on_commit_callbacks,
        email="pas-une-adresse",
        password1="1234567890",
        password2="autre",
        full_name="",
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["full_name"] == ["Ce champ est obligatoire."]
    assert form.errors["email"] == ["Saisissez une adresse de courriel valide."]
    assert "Les deux mots de passe ne sont pas identiques." in form.errors["password2"]
    assert any("entièrement numérique" in e for e in form.errors["password1"])
    assert not User.objects.exists() and not mail.outbox


def test_the_account_opens_only_from_the_confirmation_link(
    client, django_capture_on_commit_callbacks
) -> None:
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:signup_sent")
    user = User.objects.get(email="marie@rejoue.fr")
    assert not user.is_active and user.email_confirmed_at is None
    assert not logs_in(client, "marie@rejoue.fr", GOOD["password1"])
    link = confirm_link(mail.outbox[-1])
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "Confirmer mon adresse" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # opening the link (a mail scanner) confirms nothing
    response = client.post("/" + path)
    assert response["Location"] == reverse("onboarding:welcome")
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert client.get(reverse("onboarding:welcome")).status_code == 200  # logged in
    client.logout()
    again = client.post("/" + path)  # a link works once
    assert again.status_code == 400 and "inscrivez-vous de nouveau" in again.content.decode()


def test_signing_up_again_replaces_the_waiting_account_and_voids_the_first_link(
    client, django_capture_on_commit_callbacks
) -> None:
    sign_up(client, django_capture_on_commit_callbacks)
    first = confirm_link(mail.outbox[-1])
    sign_up(
        client,
        django_capture_on_commit_callbacks,
        password1="un-autre-secret-2026",
        password2="un-autre-secret-2026",
    )
    assert User.objects.filter(email__iexact="marie@rejoue.fr").count() == 1
    path = first.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 400
    second = confirm_link(mail.outbox[-1]).split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + second).status_code == 302
    client.logout()
    assert logs_in(client, "marie@rejoue.fr", "un-autre-secret-2026")


def test_an_address_with_an_account_gets_the_same_answer_and_an_email_to_its_owner(
    client, django_capture_on_commit_callbacks
) -> None:
    owner = UserFactory(email="marie@rejoue.fr", confirmed=True)
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("onboarding:signup_sent")
    owner.refresh_from_db()
    assert owner.check_password("mot-de-passe-solide-2026")  # unchanged
    assert mail.outbox[-1].to == ["marie@rejoue.fr"]
    assert "déjà un compte" in mail.outbox[-1].subject


def test_sign_up_is_throttled_per_address(client, settings, django_capture_on_commit_callbacks) -> None:
    settings.ESSAIM_RATE_LIMITS = {**settings.ESSAIM_RATE_LIMITS, "signup": {"limit": 2, "seconds": 3600}}
    for n in range(2):
        assert (
            sign_up(client, django_capture_on_commit_callbacks, email=f"p{n}@exemple.fr").status_code == 302
        )
    response = sign_up(client, django_capture_on_commit_callbacks, email="p3@exemple.fr")
    assert response.status_code == 400
    assert "Trop d'inscriptions" in response.context["form"].non_field_errors()[0]
    assert not User.objects.filter(email="p3@exemple.fr").exists()
    assert RateLimitHit.objects.filter(scope="signup").count() == 2


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(full_name=text, email=st.one_of(st.emails(), text), password1=text, password2=text)
def test_whatever_is_typed_the_answer_is_the_next_page_or_french_errors(
    full_name: str, email: str, password1: str, password2: str
) -> None:
    client = Client()
    before = User.objects.count()
    with override_settings(ESSAIM_RATE_LIMITS={"signup": {"limit": 1000, "seconds": 3600}}):
        response = client.post(
            reverse("onboarding:signup"),
            {"full_name": full_name, "email": email, "password1": password1, "password2": password2},
        )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert response.context["form"].errors
        assert User.objects.count() == before
