"""Access expectations of the social clauses URLs (see tests/url_matrix.py).

Samples: a works contract of the buyer (Vitry) held by the supplier (Rejoué, which therefore sees its own
contract), with one participant (identity kept apart), declared hours for last month waiting for validation,
and the signed monthly link of that month. Pages about people are for facilitators only, superusers
included in the refusal (`rules.has_perm`, see essaim/clauses/perms.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from essaim.clauses import links
from essaim.clauses.models import Declaration, MonthlyStatement, ParticipantIdentity
from essaim.clauses.progress import add_months
from tests.url_matrix import NOT_ALLOWED, OK, everyone, logged_in, only

from .factories import declare, make_contract, make_mission, make_participant

CONTRACT_VIEWERS = ["facilitator", "buyer", "buyer_admin", "supplier", "superuser"]
MANAGERS = ["facilitator", "superuser"]
DECLARANTS = ["facilitator", "supplier", "superuser"]
PEOPLE = ["facilitator"]


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    today = timezone.localdate()
    contract = make_contract(
        world.buyer_org,
        world.supplier_org,
        reference="URL-001",
        start=today - timedelta(days=400),
        end=today + timedelta(days=400),
    )
    participant = make_participant()
    mission = make_mission(contract, participant)
    month = add_months(today, -1)
    line = declare(mission, month, 120)
    samples.update(
        clause_contract=contract,
        clause_participant=participant,
        clause_mission=mission,
        clause_month=month,
        clause_declaration=line,
        clause_statement=line.statement,
        clause_token=links.statement_token(contract, month),
    )


def _contract(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["clause_contract"].pk}


def _participant(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["clause_participant"].pk}


def _month(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["clause_contract"].pk, "year": s["clause_month"].year, "month": s["clause_month"].month}


def _hours(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(Declaration.objects.order_by("pk").values_list("hours", "training_hours"))


def _validated(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(MonthlyStatement.objects.order_by("pk").values_list("validated_at", flat=True))


def _identities(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(ParticipantIdentity.objects.values_list("participant_id", "last_name"))


EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "clauses:home": (
        None,
        only(["facilitator", "buyer", "buyer_admin", "other_buyer", "supplier", "superuser"]),
    ),
    "clauses:notice": (None, everyone(OK)),
    "clauses:contract_create": (None, only(MANAGERS)),
    "clauses:contract_detail": (_contract, only(CONTRACT_VIEWERS)),
    "clauses:contract_update": (_contract, only(MANAGERS)),
    "clauses:contract_parties": (_contract, only(MANAGERS)),
    "clauses:mission_create": (_contract, only(PEOPLE)),
    "clauses:statement_edit": (_month, only(DECLARANTS)),
    "clauses:statement_link": (lambda s: {"token": s["clause_token"]}, everyone(OK)),
    "clauses:to_validate": (None, only(MANAGERS)),
    "clauses:statement_validate": (lambda s: {"pk": s["clause_statement"].pk}, logged_in(NOT_ALLOWED)),
    "clauses:declaration_correct": (lambda s: {"pk": s["clause_declaration"].pk}, only(MANAGERS)),
    "clauses:participant_detail": (_participant, only(PEOPLE)),
    "clauses:participant_update": (_participant, only(PEOPLE)),
    "clauses:participant_export": (_participant, only(PEOPLE)),
    "clauses:participant_erase": (_participant, logged_in(NOT_ALLOWED)),
    "clauses:mission_pathway": (lambda s: {"pk": s["clause_mission"].pk}, only(PEOPLE)),
    "clauses:access_log": (None, only(PEOPLE)),
    "clauses:dashboard_buyer": (
        lambda s: {"pk": s["org"].pk},
        only(["facilitator", "buyer", "buyer_admin", "superuser"]),
    ),
    "clauses:dashboard_holder": (
        lambda s: {"pk": s["clause_contract"].holder_id},
        only(["facilitator", "supplier", "superuser"]),
    ),
    "clauses:dashboard_portfolio": (None, only(MANAGERS)),
    "clauses:dashboard_territory": (None, only(MANAGERS)),
    "clauses:yearly_export": (None, only(MANAGERS)),
}

DOWNLOADS = {"clauses:participant_export"}

POST_EXPECTED: dict[str, tuple[Any, ...]] = {
    "clauses:statement_edit": (
        _month,
        lambda s: {f"hours_{s['clause_mission'].pk}": "90", f"training_{s['clause_mission'].pk}": "3"},
        DECLARANTS,
        _hours,
    ),
    "clauses:declaration_correct": (
        lambda s: {"pk": s["clause_declaration"].pk},
        lambda s: {"hours": "80", "training_hours": "0", "reason": "Bulletin de paie"},
        MANAGERS,
        _hours,
    ),
    "clauses:statement_validate": (
        lambda s: {"pk": s["clause_statement"].pk},
        lambda s: {},
        MANAGERS,
        _validated,
    ),
    "clauses:participant_erase": (_participant, lambda s: {"confirm": "oui"}, PEOPLE, _identities),
}
