"""Passwords are stored with Argon2id at OWASP's baseline, and older hashes are upgraded at login."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password
from django.test import override_settings

from essaim.accounts.hashers import Argon2idHasher

PRODUCTION_HASHERS = [
    "essaim.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]


def test_the_parameters_meet_owasp_baseline() -> None:
    hasher = Argon2idHasher()
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2 and hasher.parallelism >= 1
    encoded = make_password("essaim-demo-2026", hasher=hasher)
    assert encoded.startswith("argon2$argon2id$") and "m=19456,t=2,p=1" in encoded


def test_production_settings_store_with_it() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "essaim.accounts.hashers.Argon2idHasher"
    assert settings.PASSWORD_HASHERS  # the test settings use a fast hasher of their own


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
@pytest.mark.django_db
def test_a_hash_with_django_defaults_verifies_and_is_upgraded_at_login(django_user_model) -> None:
    old = make_password("un-mot-de-passe-solide", hasher=Argon2PasswordHasher())
    assert "m=102400" in old
    user = django_user_model.objects.create(email="ancien@exemple.fr", password=old)
    assert check_password("un-mot-de-passe-solide", user.password, setter=user.set_password)
    user.save()
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password
    assert isinstance(identify_hasher(user.password), Argon2PasswordHasher)
    assert check_password("un-mot-de-passe-solide", user.password)
