"""A collaboration born at a matinale (Vitry's buyer met Rejoué on 10 March 2025) and a DECP store with the
contracts that could have followed it: F-1 (proposed), F-2 before, F-3 too late, F-4 another holder, F-5
another buyer."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from essaim.accounts.models import Organisation
from essaim.insight import store
from essaim.insight.decp_import import import_files
from essaim.sourcing import collaborations
from essaim.sourcing.collaborations import CollaborationSource, CollaborationStatus
from tests.directory.factories import make_structure
from tests.events.factories import meeting_event, register
from tests.territory_support import make_small_territory

PARIS = ZoneInfo("Europe/Paris")
VITRY = "21940081900018"
REJOUE = "44306184100013"


def marche(
    contract_id: str, buyer: str, holder: str, notified: str, amount: float, objet: str = "Jouets de réemploi"
) -> dict[str, Any]:
    return {
        "id": contract_id,
        "acheteur": {"id": buyer},
        "objet": objet,
        "codeCPV": "37500000-3",
        "dateNotification": notified,
        "datePublicationDonnees": notified,
        "montant": amount,
        "dureeMois": 12,
        "titulaires": [{"titulaire": {"id": holder, "typeIdentifiant": "SIRET"}}],
    }


def make_followed_store(directory: Path) -> str:
    path = directory / "followed.json"
    path.write_text(
        json.dumps(
            {
                "marches": [
                    marche("F-1", VITRY, REJOUE, "2025-06-01", 62000, "Jouets des centres de loisirs"),
                    marche("F-2", VITRY, REJOUE, "2025-02-01", 10000),  # before the matinale
                    marche("F-3", VITRY, REJOUE, "2026-10-01", 30000),  # more than 18 months after
                    marche(
                        "F-4", VITRY, "55555555500011", "2025-07-01", 45000, "Jeux de cour"
                    ),  # another holder
                    marche("F-5", "21940041300015", REJOUE, "2025-05-01", 5000),  # another buyer (Ivry)
                ]
            }
        )
    )
    con = store.connect(directory / "followed.duckdb")
    import_files([path], con=con, today=date(2026, 12, 1))
    con.close()
    return str(directory / "followed.duckdb")


def make_followed(world: Any) -> Any:
    """The matinale of 10 March 2025 (published, past), the meeting and the collaboration it led to."""
    make_small_territory()
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    world.buyer_org.refresh_from_db()
    make_structure("Rejoué", siret=REJOUE, commune="94081", organisation=world.supplier_org)
    event = meeting_event(title="Matinale 2025")
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    meeting = event.meetings.create(a=buyer, b=supplier, slot=0, table=1)
    event.starts_at = datetime(2025, 3, 10, 9, tzinfo=PARIS)  # the event took place since
    event.ends_at = event.starts_at + timedelta(hours=4)
    event.is_published = True
    event.save()
    event.meetings.filter(pk=meeting.pk).update(outcome="collaboration")
    return collaborations.collaboration_record(
        actor=None,
        buyer=world.buyer_org,
        supplier=world.supplier_org,
        source=CollaborationSource.EVENT,
        status=CollaborationStatus.COLLABORATION,
        meeting=meeting,
        amount=Decimal("18000"),
        date=date(2025, 3, 10),
    )
