from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.checks import Error
from django.test import override_settings

from essaim.core.checks import brand_colours_are_accessible
from essaim.core.colors import contrast_ratio


def run_essaim(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
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
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://essaim@127.0.0.1:5432/essaim",
        ALLOWED_HOSTS="achats.grandorlyseinebievre.fr",
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


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_a_brand_colour_without_enough_contrast_is_refused_at_start_up(settings) -> None:  # noqa: ANN001
    with override_settings(ESSAIM_BRAND={**settings.ESSAIM_BRAND, "primary_color": "#f2b705"}):
        errors = brand_colours_are_accessible(None)
    assert [e.id for e in errors] == ["essaim.E002"] and isinstance(errors[0], Error)
    assert brand_colours_are_accessible(None) == []


def test_our_stylesheet_and_htmx_are_served(client) -> None:  # noqa: ANN001
    for path in ("/static/essaim/essaim.css", "/static/vendor/htmx/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content if response.streaming else [response.content])
