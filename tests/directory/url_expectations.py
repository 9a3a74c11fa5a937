"""Access expectations of the directory URLs (see tests/url_matrix.py)."""

from __future__ import annotations

from typing import Any

from essaim.directory.models import ClaimRequest, ProfileReport
from tests.directory.factories import make_structure
from tests.url_matrix import AUTHENTICATED, NOT_ALLOWED, OK, REDIRECT, everyone, logged_in, only

STRUCTURE_EDITORS = ["supplier", "facilitator", "superuser"]

EXPECTED: dict[str, Any] = {
    "directory:search": (None, everyone(OK)),
    "directory:export": (
        lambda s: {"fmt": "csv"},
        only(["buyer", "buyer_admin", "other_buyer", "facilitator", "superuser"]),
    ),
    "directory:profile": (lambda s: {"pk": s["structure"].pk}, everyone(OK)),
    "directory:edit": (lambda s: {"pk": s["structure"].pk}, only(STRUCTURE_EDITORS)),
    "directory:set_status": (lambda s: {"pk": s["structure"].pk}, logged_in(NOT_ALLOWED)),
    "directory:claims": (lambda s: {"pk": s["structure"].pk}, only(STRUCTURE_EDITORS)),
    "directory:claim_decide": (
        lambda s: {"pk": s["claim"].pk, "decision": "accepter"},
        logged_in(NOT_ALLOWED),
    ),
    "directory:claim": (None, logged_in(REDIRECT)),  # to the one claim flow, onboarding:structure_find
    # Any logged-in person may report a published profile (its own members may not: test_import_review).
    "directory:report": (lambda s: {"pk": s["reported"].pk}, logged_in(OK)),
}

POST_EXPECTED: dict[str, Any] = {
    "directory:set_status": (
        lambda s: {"pk": s["structure"].pk},
        lambda s: {"status": "delisted"},
        ["facilitator", "superuser"],
        lambda s: type(s["structure"]).objects.get(pk=s["structure"].pk).status,
    ),
    "directory:report": (
        lambda s: {"pk": s["reported"].pk},
        lambda s: {"reason": "inexacte", "message": "Le site web ne répond plus."},
        AUTHENTICATED,
        lambda s: ProfileReport.objects.filter(structure=s["reported"]).count(),
    ),
}

# Files, not pages: the browser scan does not open them.
DOWNLOADS = {"directory:export"}


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    structure = make_structure(
        "Rejoué",
        organisation=world.supplier_org,
        description="Jouets de réemploi collectés, nettoyés et revendus.",
    )
    samples["structure"] = structure
    samples["reported"] = make_structure("Fiche signalée", description="Une fiche que chacun peut signaler.")
    samples["claim"] = ClaimRequest.objects.create(
        structure=structure, user=world.users["partner"], message="Je travaille avec Rejoué."
    )
