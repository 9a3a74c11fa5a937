"""Access expectations of the sourcing URLs (see tests/url_matrix.py).

Samples: a published need of the buyer (Vitry) told to a structure managed by the supplier (Rejoué), which
answered "interested"; the signed link of that notification and the structure's unsubscribe link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from essaim.directory.models import Sector, Structure
from essaim.sourcing import forecasts, notifications, services
from essaim.sourcing.models import ForecastInterest, Need, NeedAnswer, NeedNotification
from tests.url_matrix import NOT_ALLOWED, OK, everyone, logged_in, only

from .factories import ensure_sectors, make_need, make_toy_structure

BUYERS = ["buyer", "buyer_admin", "other_buyer"]
NEED_MANAGERS = ["buyer", "buyer_admin", "superuser"]
ANSWER_VIEWERS = ["buyer", "buyer_admin", "supplier", "superuser"]


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    ensure_sectors()
    structure = Structure.objects.filter(organisation=world.supplier_org).first() or make_toy_structure(
        organisation=world.supplier_org
    )
    if not structure.email:
        structure.email = "contact@rejoue.exemple.fr"  # test set-up: the directory's sample has no email
        structure.save(update_fields=["email"])
    need = make_need(world.buyer_org, publish=True)
    notification = NeedNotification.objects.create(
        need=need,
        structure=structure,
        rank=1,
        score=90.0,
        reasons=["secteur : jouets"],
        email=structure.email,
    )
    answer = services.answer_record(
        actor=world.users["supplier"],
        need=need,
        organisation=world.supplier_org,
        kind=NeedAnswer.Kind.INTERESTED,
        answers=["Sous 15 jours", "Norme EN 71"],
    )
    question = services.answer_record(
        actor=world.users["supplier"],
        need=need,
        organisation=world.supplier_org,
        kind=NeedAnswer.Kind.QUESTION,
        message="Les jouets en bois sont-ils acceptés ?",
    )
    forecast = forecasts.forecast_create(
        actor=None,
        buyer=world.buyer_org,
        data=forecasts.ForecastData(
            title="Jouets des centres de loisirs",
            year=timezone.localdate().year + 1,
            quarter=2,
            sector=Sector.objects.get(slug="jouets"),
            amount_band="40k-90k",
            procedure="mapa",
            place_code="94081",
        ),
    )
    samples.update(
        sourcing_forecast=forecast,
        sourcing_need=need,
        sourcing_structure=structure,
        sourcing_answer=answer,
        sourcing_question=question,
        sourcing_link=notifications.need_link_token(notification),
        sourcing_unsubscribe=notifications.unsubscribe_token(structure),
    )


def _need(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["sourcing_need"].pk}


EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "sourcing:need_list": (None, logged_in(OK)),
    "sourcing:need_mine": (None, only([*BUYERS, "superuser"])),
    "sourcing:need_to_validate": (None, only(["facilitator", "superuser"])),
    "sourcing:need_create": (None, only(BUYERS)),
    "sourcing:need_detail": (_need, logged_in(OK)),
    "sourcing:need_update": (_need, only(NEED_MANAGERS)),
    "sourcing:need_action": (_need, logged_in(NOT_ALLOWED)),
    "sourcing:need_close": (_need, only(NEED_MANAGERS)),
    # A buyer never sees another buyer's answers; a supplier sees its own answer only.
    "sourcing:need_answers": (_need, only(NEED_MANAGERS)),
    "sourcing:need_answer": (_need, only(["supplier"])),
    "sourcing:need_follow_up": (_need, only(ANSWER_VIEWERS)),
    "sourcing:answer_detail": (lambda s: {"pk": s["sourcing_answer"].pk}, only(ANSWER_VIEWERS)),
    "sourcing:question_reply": (lambda s: {"pk": s["sourcing_question"].pk}, only(NEED_MANAGERS)),
    "sourcing:need_open": (lambda s: {"token": s["sourcing_link"]}, everyone(OK)),
    "sourcing:unsubscribe": (lambda s: {"token": s["sourcing_unsubscribe"]}, everyone(OK)),
    "sourcing:preferences": (None, only(["supplier", "superuser"])),
    "sourcing:forecast_list": (None, logged_in(OK)),
    "sourcing:forecast_detail": (lambda s: {"pk": s["sourcing_forecast"].pk}, logged_in(OK)),
    "sourcing:forecast_interest": (lambda s: {"pk": s["sourcing_forecast"].pk}, logged_in(NOT_ALLOWED)),
    "sourcing:forecast_to_need": (lambda s: {"pk": s["sourcing_forecast"].pk}, logged_in(NOT_ALLOWED)),
    "sourcing:forecast_create": (None, only(BUYERS)),
    "sourcing:forecast_import": (None, only(BUYERS)),
}

POST_EXPECTED: dict[
    str, tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]], list[str]]
] = {
    "sourcing:need_action": (_need, lambda s: {"action": "remind"}, NEED_MANAGERS),
    "sourcing:need_close": (_need, lambda s: {"outcome": "annule"}, NEED_MANAGERS),
    "sourcing:need_answer": (
        _need,
        lambda s: {"kind": "question", "message": "Combien de crèches ?"},
        ["supplier"],
    ),
    "sourcing:need_follow_up": (_need, lambda s: {"signed": "non"}, ANSWER_VIEWERS),
    "sourcing:question_reply": (
        lambda s: {"pk": s["sourcing_question"].pk},
        lambda s: {"reply": "Oui, le bois est accepté."},
        NEED_MANAGERS,
        lambda s: list(NeedAnswer.objects.values_list("reply", flat=True).order_by("pk")),
    ),
    "sourcing:forecast_interest": (
        lambda s: {"pk": s["sourcing_forecast"].pk},
        lambda s: {"capacity": "2 000 jouets par an"},
        ["supplier"],
        lambda s: ForecastInterest.objects.count(),
    ),
    "sourcing:forecast_to_need": (
        lambda s: {"pk": s["sourcing_forecast"].pk},
        lambda s: {},
        ["buyer", "buyer_admin"],
        lambda s: Need.objects.count(),
    ),
}
