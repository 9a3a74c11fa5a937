"""Access expectations of the insight URLs (see tests/url_matrix.py).

Reports are open data: every member of a buyer, partner, supplier or territory organisation reads them
(see essaim/insight/perms.py); the rejected records are for facilitators. The test settings use an empty
in-memory store, so these pages show their « no data yet » message (still a 200).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from essaim.sourcing.collaborations import CollaborationSource, CollaborationStatus, collaboration_record
from tests.url_matrix import logged_in, only

EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "insight:home": (None, logged_in(200)),
    "insight:report": (lambda s: {"buyer": "epci:200058014", "year": 2025}, logged_in(200)),
    "insight:rejected": (None, only(["facilitator", "superuser"])),
    "insight:renewals": (None, logged_in(200)),
    # Without ?acheteur=&marche= (and with the empty test store) there is no contract: 404 for everyone
    # allowed to read the radar. The rule on a real contract is tested in test_renewal_views.py.
    "insight:renewal_forecast": (None, logged_in(404)),
    # A buyer's spend by supplier: its members and the facilitators only (each buyer sees its own).
    "insight:spend": (None, only(["facilitator", "buyer", "buyer_admin", "other_buyer", "superuser"])),
    "insight:spend_upload": (None, only(["facilitator", "buyer", "buyer_admin", "other_buyer", "superuser"])),
    # Collaborations followed to the contract: each organisation its own (partners have none), facilitators
    # all; one collaboration: its buyer's and supplier's members and the facilitators.
    "insight:collaborations": (None, logged_in(200, partner=403)),
    "insight:collaboration": (
        lambda s: {"pk": s["insight_collaboration"].pk},
        only(["facilitator", "buyer", "buyer_admin", "supplier", "superuser"]),
    ),
}


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    samples["insight_collaboration"] = collaboration_record(
        actor=None,
        buyer=world.buyer_org,
        supplier=world.supplier_org,
        source=CollaborationSource.SOURCING,
        status=CollaborationStatus.COLLABORATION,
    )
