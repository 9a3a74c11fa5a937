from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.checks import Error
from django.test import override_settings

from essaim.core.checks import brand_colours_are_accessible, pdf_engine_works
from essaim.core.colors import contrast_ratio

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "a-long-random-production-key-for-this-test-only-0123456789",
    "DATABASE_URL": "postgres://essaim@127.0.0.1:5432/essaim",
    "ALLOWED_HOSTS": "achats.grandorlyseinebievre.fr",
    "ESSAIM_SITE_URL": "https://achats.grandorlyseinebievre.fr",
    "ADMINS": "Équipe Essaim <essaim@grandorlyseinebievre.fr>",
}


def environment_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in names}


def run_essaim(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = environment_without("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "essaim", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = run_essaim(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_essaim(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DATABASE_URL="postgres://essaim@127.0.0.1/essaim",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_site_address() -> None:
    result = run_essaim(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://essaim@127.0.0.1/essaim",
        ESSAIM_SITE_URL="",
    )
    assert result.returncode != 0
    assert "ESSAIM_SITE_URL must be set" in result.stderr


def test_essaim_uses_the_production_settings_unless_told_otherwise() -> None:
    refused = run_essaim("check")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr and "config.settings.dev" in refused.stderr
    started = run_essaim(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://essaim@127.0.0.1:5432/essaim",
        ESSAIM_SITE_URL="https://achats.grandorlyseinebievre.fr",
    )
    assert started.stdout.split() == ["config.settings.prod", "False"], started.stderr
    demo = run_essaim(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
    )
    assert demo.stdout.split() == ["True"], demo.stderr


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_a_brand_colour_without_enough_contrast_is_refused_at_start_up(settings) -> None:
    with override_settings(ESSAIM_BRAND={**settings.ESSAIM_BRAND, "primary_color": "#f2b705"}):
        errors = brand_colours_are_accessible(None)
    assert [e.id for e in errors] == ["essaim.E002"] and isinstance(errors[0], Error)
    assert brand_colours_are_accessible(None) == []


def test_our_stylesheet_and_htmx_are_served(client) -> None:
    for path in ("/static/essaim/essaim.css", "/static/vendor/htmx/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content if response.streaming else [response.content])


def start_wsgi(before: str = "") -> subprocess.CompletedProcess[str]:
    """Load the WSGI application as gunicorn does, in a fresh interpreter (`before` runs first)."""
    environment = environment_without("DATABASE_URL", "SECRET_KEY")
    environment.update(PRODUCTION_ENV)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"{before}\nimport config.wsgi"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_a_production_server_with_the_pdf_libraries_starts() -> None:
    result = start_wsgi()
    assert result.returncode == 0, result.stderr


def test_a_production_server_without_the_pdf_libraries_refuses_to_start() -> None:
    # What a server without pango sees: WeasyPrint cannot be imported.
    result = start_wsgi("import sys; sys.modules['weasyprint'] = None")
    assert result.returncode != 0
    assert "essaim.E003" in result.stderr and "apt-get install libpango-1.0-0" in result.stderr


def test_the_pdf_check_names_the_missing_library(monkeypatch) -> None:
    assert pdf_engine_works(None) == []
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert [error.id for error in pdf_engine_works(None)] == ["essaim.E004"]
