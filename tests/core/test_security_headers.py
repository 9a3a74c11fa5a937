"""Security headers on every page (Content-Security-Policy without inline script, Permissions-Policy, HSTS
without preload unless asked), and a bad Host header answered with a French 400, never a server error."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.views.defaults import server_error

from tests.core.test_settings import PRODUCTION_ENV, environment_without

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "essaim"
# Rendered by WeasyPrint into PDFs, never served to a browser.
PDF_TEMPLATES = re.compile(r"(_pdf|/agreement)\.html$")


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_pages_allow_only_our_own_scripts_and_styles(client) -> None:
    response = client.get("/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    # The brand colours are the one inline style, allowed by this response's nonce only.
    nonce = re.search(r"'nonce-([^']+)'", policy["style-src"])
    assert nonce and f'<style nonce="{nonce.group(1)}">' in response.content.decode()
    assert client.get("/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_no_served_template_holds_an_inline_script_handler_or_style_attribute() -> None:
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if PDF_TEMPLATES.search(path.as_posix()) or "/emails/" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\s(style|on[a-z]+)\s*=", text) or "javascript:" in text or "hx-on" in text:
            offenders.append(f"{path}: style attribute, event handler or javascript: URL")
        if re.search(r"<style(?![^>]*nonce=)", text) and path.name != "500.html":
            offenders.append(f"{path}: <style> without the request's nonce")
    assert offenders == []


def test_the_error_page_style_is_allowed_by_its_hash(rf) -> None:
    page = server_error(rf.get("/")).content.decode()
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]


def test_pages_turn_off_browser_features_nobody_uses(client) -> None:
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


@override_settings(ALLOWED_HOSTS=["achats.grandorlyseinebievre.fr"])
def test_a_bad_host_header_gets_a_french_400(client) -> None:
    response = client.get("/annuaire/", headers={"host": "attaquant.example"})
    assert response.status_code == 400
    assert "<h1>Requête incorrecte</h1>" in response.content.decode()
    assert "Content-Security-Policy" in response


PRODUCTION_REQUESTS = """
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# collectstatic has not run here: plain static file names instead of the manifest's.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(raise_request_exception=False)
refused = client.get("/annuaire/", headers={"host": "attaquant.example"}, secure=True)
print(refused.status_code, "Requête incorrecte" in refused.content.decode(), "Content-Security-Policy" in refused)
served = client.get("/", headers={"host": "achats.grandorlyseinebievre.fr"}, secure=True)
print(served["Strict-Transport-Security"])
"""


def test_production_settings_refuse_a_bad_host_in_french_and_do_not_preload_hsts(tmp_path) -> None:
    environment = environment_without("DATABASE_URL", "SECRET_KEY")
    environment.update(PRODUCTION_ENV)
    # An empty database (the second request's page fails: only its headers matter) and no SMTP server.
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    environment["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRODUCTION_REQUESTS],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    refused, hsts = result.stdout.splitlines()[-2:]
    assert refused == "400 True True"
    assert hsts == "max-age=31536000; includeSubDomains"
