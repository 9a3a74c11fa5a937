"""Login throttling as an attacker probes it: letter case, proxies, password spraying."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.accounts.factories import UserFactory

LOGIN = "accounts:login"
GOOD_PASSWORD = "mot-de-passe-solide-2026"


def _try(client: Client, email: str, password: str = "mauvais", **headers: str):  # noqa: S107
    return client.post(reverse(LOGIN), {"username": email, "password": password}, **headers)


@pytest.mark.django_db
def test_changing_the_letter_case_of_the_email_gives_no_fresh_tries(client, world):
    for variant in (
        "acheteur@exemple.fr",
        "ACHETEUR@exemple.fr",
        "Acheteur@Exemple.fr",
        "aCHETEUR@exemple.FR",
    ):
        _try(client, variant)
        _try(client, f"  {variant}  ")
    response = _try(client, "AcHeTeUr@exemple.fr", GOOD_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_without_trusted_proxy_a_forwarded_header_gives_no_fresh_tries(client, world):
    for number in range(5):
        _try(client, "acheteur@exemple.fr", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    response = _try(client, "acheteur@exemple.fr", GOOD_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(ESSAIM_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_one_client_cannot_lock_out_another(world):
    attacker, owner = Client(), Client()
    for _ in range(6):
        _try(attacker, "acheteur@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (
        _try(attacker, "acheteur@exemple.fr", GOOD_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code
        == 429
    )
    # The owner comes through the same proxy (same REMOTE_ADDR) from their own address.
    response = _try(owner, "acheteur@exemple.fr", GOOD_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(ESSAIM_TRUSTED_PROXY_COUNT=1)
def test_the_client_address_is_the_one_the_trusted_proxy_saw_not_one_the_client_wrote(world):
    """The proxy appends the address it saw; anything further left was written by the client."""
    attacker = Client()
    for number in range(5):
        _try(attacker, "acheteur@exemple.fr", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.9")
    response = _try(
        attacker, "acheteur@exemple.fr", GOOD_PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9"
    )
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(ESSAIM_LOGIN_IP_FAILURE_LIMIT=12, ESSAIM_TRUSTED_PROXY_COUNT=1)
def test_password_spraying_from_one_address_is_stopped(world):
    sprayer = Client()
    victims = [UserFactory(email=f"agent{number}@exemple.fr") for number in range(12)]
    for victim in victims:  # one try per account: no single account reaches its own limit
        _try(sprayer, victim.email, "Printemps2026!", HTTP_X_FORWARDED_FOR="203.0.113.50")
    response = _try(sprayer, "acheteur@exemple.fr", GOOD_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert response.status_code == 429
    assert "_auth_user_id" not in sprayer.session
    # Someone elsewhere still logs in.
    elsewhere = Client()
    assert (
        _try(elsewhere, "acheteur@exemple.fr", GOOD_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        == 302
    )
