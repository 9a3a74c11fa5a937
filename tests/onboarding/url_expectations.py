"""Access expectations of the onboarding URLs: sign-up, joining, the facilitators' console."""

from __future__ import annotations

from typing import Any

from essaim.onboarding.models import JoinRequest
from tests.url_matrix import NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, everyone, logged_in, only

FACILITATORS = ["facilitator", "superuser"]
BUYER_ORG_MANAGERS = ["buyer_admin", "facilitator", "superuser"]

EXPECTED: dict[str, Any] = {
    "onboarding:signup": (None, logged_in(REDIRECT, anonymous=OK)),
    "onboarding:signup_sent": (None, everyone(OK)),
    "onboarding:signup_confirm": (lambda s: {"uidb64": "MQ", "token": "mauvais-jeton"}, everyone(OK)),
    "onboarding:welcome": (None, logged_in(OK)),
    "onboarding:structure_find": (None, logged_in(OK)),
    "onboarding:structure_claim": (lambda s: {"pk": s["structure"].pk}, logged_in(NOT_ALLOWED)),
    "onboarding:structure_propose": (None, logged_in(OK)),
    "onboarding:organisation_find": (None, logged_in(OK)),
    "onboarding:organisation_join": (lambda s: {"pk": s["org"].pk}, logged_in(NOT_ALLOWED)),
    "onboarding:organisation_propose": (None, logged_in(OK)),
    "onboarding:join_requests": (lambda s: {"pk": s["org"].pk}, only(BUYER_ORG_MANAGERS)),
    "onboarding:join_request_decide": (
        lambda s: {"pk": s["join_request"].pk, "decision": "accepter"},
        logged_in(NOT_ALLOWED),
    ),
    "onboarding:console": (None, only(FACILITATORS)),
    "onboarding:invite": (None, only(FACILITATORS)),
    "onboarding:invite_file": (None, only(FACILITATORS)),
    # The rejected rows of the session's last import: none yet.
    "onboarding:invite_rejected_csv": (None, only(FACILITATORS, status=NOT_FOUND)),
    "onboarding:invitations": (None, only(FACILITATORS)),
    "onboarding:invitation_resend": (lambda s: {"pk": s["invitation"].pk}, logged_in(NOT_ALLOWED)),
    "onboarding:invitation_revoke": (lambda s: {"pk": s["invitation"].pk}, logged_in(NOT_ALLOWED)),
}

POST_EXPECTED: dict[str, Any] = {
    "onboarding:join_request_decide": (
        lambda s: {"pk": s["join_request"].pk, "decision": "refuser"},
        lambda s: {"reason": "Inconnu"},
        BUYER_ORG_MANAGERS,
        lambda s: JoinRequest.objects.get(pk=s["join_request"].pk).status,
    ),
    "onboarding:invitation_resend": (
        lambda s: {"pk": s["invitation"].pk},
        lambda s: {},
        FACILITATORS,
        lambda s: type(s["invitation"]).objects.get(pk=s["invitation"].pk).token_hash,
    ),
    "onboarding:invitation_revoke": (lambda s: {"pk": s["invitation"].pk}, lambda s: {}, FACILITATORS),
    "onboarding:invite": (
        lambda s: {},
        lambda s: {"name": "Ville de Choisy-le-Roi", "kind": "buyer", "email": "achats@choisy.example"},
        FACILITATORS,
    ),
}

DOWNLOADS = {"onboarding:invite_rejected_csv"}


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    samples["join_request"] = JoinRequest.objects.create(
        user=world.users["partner"], organisation=world.buyer_org, message="Je travaille avec la ville."
    )
