"""Named permission rules of the sourcing capability (django-rules). One rule per action.

A buyer sees the answers to its own needs only; a supplier sees its own answer only. Facilitators oversee
(validation, follow-up); superusers pass every rule through Django's model backend.
"""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.acting import memberships_by_organisation
from essaim.accounts.perms import is_buyer, is_facilitator, is_supplier

from .models import Need, NeedAnswer, PurchaseForecast


@rules.predicate
def is_need_buyer(user: Any, need: Need | None) -> bool:
    return need is not None and need.buyer_id in memberships_by_organisation(user)


@rules.predicate
def need_is_published(user: Any, need: Need | None) -> bool:
    return need is not None and need.status in (Need.Status.PUBLISHED, Need.Status.CLOSED)


@rules.predicate
def is_answer_author(user: Any, answer: NeedAnswer | None) -> bool:
    return answer is not None and answer.organisation_id in memberships_by_organisation(user)


@rules.predicate
def is_answer_buyer(user: Any, answer: NeedAnswer | None) -> bool:
    return answer is not None and answer.need.buyer_id in memberships_by_organisation(user)


@rules.predicate
def answered_interested(user: Any, need: Need | None) -> bool:
    if need is None:
        return False
    return need.answers.filter(
        organisation_id__in=list(memberships_by_organisation(user)), kind=NeedAnswer.Kind.INTERESTED
    ).exists()


@rules.predicate
def is_forecast_buyer(user: Any, forecast: PurchaseForecast | None) -> bool:
    return forecast is not None and forecast.buyer_id in memberships_by_organisation(user)


rules.add_perm("sourcing.create_need", is_buyer)
rules.add_perm("sourcing.view_need", need_is_published | is_need_buyer | is_facilitator)
rules.add_perm("sourcing.manage_need", is_need_buyer)
rules.add_perm("sourcing.view_matches", is_need_buyer | is_facilitator)
rules.add_perm("sourcing.validate_need", is_facilitator)
rules.add_perm("sourcing.view_answers", is_need_buyer)
rules.add_perm("sourcing.answer_need", is_supplier & need_is_published)
rules.add_perm("sourcing.view_answer", is_answer_buyer | is_answer_author)
rules.add_perm("sourcing.report_contract", is_need_buyer | answered_interested)
rules.add_perm("sourcing.manage_preferences", is_supplier)
rules.add_perm("sourcing.create_forecast", is_buyer)
rules.add_perm("sourcing.reply_question", is_answer_buyer)
rules.add_perm("sourcing.mark_forecast_interest", is_supplier)
rules.add_perm("sourcing.view_forecast_interests", is_forecast_buyer | is_facilitator)
rules.add_perm("sourcing.forecast_to_need", is_forecast_buyer & is_buyer)
