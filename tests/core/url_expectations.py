"""Access expectations of the core and accounts URLs (see tests/url_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.url_matrix import NOT_ALLOWED, OK, REDIRECT, everyone, logged_in, only

BUYER_ORG_VIEWERS = ["buyer", "buyer_admin", "facilitator", "superuser"]
BUYER_ORG_MANAGERS = ["buyer_admin", "facilitator", "superuser"]
REVIEWERS = ["facilitator", "superuser"]

# url name -> (kwargs builder, expected status per role)
EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "core:home": (None, everyone(OK)),
    "core:dashboard": (None, logged_in(OK)),
    "core:accessibility": (None, everyone(OK)),
    "core:accessibility_plan": (None, everyone(OK)),
    "core:legal_notices": (None, everyone(OK)),
    "core:sitemap": (None, everyone(OK)),
    "core:contact": (None, everyone(OK)),
    "accounts:login": (None, logged_in(REDIRECT, anonymous=OK)),
    "accounts:logout": (None, logged_in(NOT_ALLOWED)),
    "accounts:password_reset": (None, everyone(OK)),
    "accounts:password_reset_done": (None, everyone(OK)),
    "accounts:password_reset_confirm": (
        lambda s: {"uidb64": s["uid"], "token": "mauvais-jeton"},
        everyone(OK),
    ),
    "accounts:password_reset_complete": (None, everyone(OK)),
    "accounts:invitation_accept": (lambda s: {"token": s["invitation_token"]}, everyone(OK)),
    "accounts:organisation_list": (None, logged_in(OK)),
    "accounts:organisation_switch": (None, logged_in(NOT_ALLOWED)),
    "accounts:organisation_detail": (lambda s: {"pk": s["org"].pk}, only(BUYER_ORG_VIEWERS)),
    "accounts:organisation_invite": (lambda s: {"pk": s["org"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:api_tokens": (lambda s: {"pk": s["org"].pk}, only(["buyer_admin", "superuser"])),
    "accounts:membership_role": (lambda s: {"pk": s["membership"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:membership_remove": (lambda s: {"pk": s["membership"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:invitation_revoke": (lambda s: {"pk": s["invitation"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:api_token_revoke": (lambda s: {"pk": s["token"].pk}, logged_in(NOT_ALLOWED)),
    "territory:perimeter_detail": (lambda s: {"code": "epci:200058014"}, everyone(OK)),
    "territory:place_suggestions": (None, everyone(OK)),
    "core:review_queue": (None, only(REVIEWERS)),
    "core:review_list": (lambda s: {"slug": "rattachements"}, only(REVIEWERS)),
    "core:review_detail": (lambda s: {"slug": "rattachements", "pk": s["claim"].pk}, only(REVIEWERS)),
    "core:review_decide": (lambda s: {"slug": "rattachements"}, logged_in(NOT_ALLOWED)),
}

# JSON for the place picker, not a page: the browser scan does not open it.
DOWNLOADS = {"territory:place_suggestions"}

# POST to the views that change something: who may, who may not (and then nothing changes).
POST_EXPECTED: dict[str, tuple[Any, ...]] = {
    "accounts:organisation_invite": (
        lambda s: {"pk": s["org"].pk},
        lambda s: {"email": "nouvelle@exemple.fr", "role": "member"},
        BUYER_ORG_MANAGERS,
    ),
    "accounts:membership_role": (
        lambda s: {"pk": s["membership"].pk},
        lambda s: {"role": "admin"},
        BUYER_ORG_MANAGERS,
    ),
    "accounts:membership_remove": (lambda s: {"pk": s["membership"].pk}, lambda s: {}, BUYER_ORG_MANAGERS),
    "accounts:invitation_revoke": (lambda s: {"pk": s["invitation"].pk}, lambda s: {}, BUYER_ORG_MANAGERS),
    "accounts:api_token_revoke": (
        lambda s: {"pk": s["token"].pk},
        lambda s: {},
        ["buyer_admin", "superuser"],
    ),
    "core:review_decide": (
        lambda s: {"slug": "rattachements"},
        lambda s: {"items": [s["claim"].pk], "decision": "reject"},
        REVIEWERS,
        lambda s: type(s["claim"]).objects.get(pk=s["claim"].pk).status,
    ),
}
