"""Interest in purchase forecasts: a supplier marks a buyer's forecast "intéressé" (with a short message and
its capacity, both optional) or withdraws; the buyer turns the forecast into a need in one step, and the
structures that were interested are told first when that need is published (`notifications.notify_batch`).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.accounts.selectors import member_emails
from essaim.core.audit import log_action, save_changes
from essaim.core.errors import Problem
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.directory.models import Structure
from essaim.sourcing.models import ForecastInterest, Need, PurchaseForecast

from ..errors import ForecastError
from .needs import NeedData, need_create

MAX_MESSAGE = 500
MAX_CAPACITY = 200
NEED_DEADLINE_AFTER = timedelta(days=30)  # the draft's deadline, for the buyer to change before publishing

# The kind of need a forecast's procedure becomes.
KIND_OF_PROCEDURE = {
    PurchaseForecast.Procedure.WITHOUT: Need.Kind.QUOTE,
    PurchaseForecast.Procedure.FORMAL: Need.Kind.TENDER,
}


def interest_problems(message: str, capacity: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(message.strip()) > MAX_MESSAGE:
        problems.append(("message", f"Le message tient en {MAX_MESSAGE} caractères au plus."))
    if len(capacity.strip()) > MAX_CAPACITY:
        problems.append(("capacity", f"La capacité tient en {MAX_CAPACITY} caractères au plus."))
    return problems


@transaction.atomic
def forecast_interest_mark(
    *,
    actor: Actor,
    forecast: PurchaseForecast,
    organisation: Organisation,
    message: str = "",
    capacity: str = "",
) -> ForecastInterest:
    """Mark (or update) the supplier's interest. Idempotent: the same interest again changes nothing and
    the buyer is told once, when the interest is first marked."""
    if organisation.kind != Organisation.Kind.SUPPLIER:
        raise ForecastError("Seules les structures de l'ESS marquent leur intérêt pour une prévision.")
    problems = interest_problems(message, capacity)
    if problems:
        raise ForecastError(errors=problems)
    values = {
        "message": message.strip(),
        "capacity": capacity.strip(),
        "author": acting_user(actor),
        "structure": Structure.objects.filter(organisation=organisation).first(),
    }
    existing = ForecastInterest.objects.select_for_update().filter(
        forecast=forecast, organisation=organisation
    )
    interest = existing.first()
    if interest is not None:
        if interest.message != values["message"] or interest.capacity != values["capacity"]:
            save_changes(
                interest,
                {"message": values["message"], "capacity": values["capacity"]},
                actor=actor,
                action="forecast.interest_updated",
                organisation_id=organisation.pk,
            )
        return interest
    try:
        with transaction.atomic():
            interest = ForecastInterest.objects.create(forecast=forecast, organisation=organisation, **values)
    except IntegrityError:  # the same supplier in two tabs at once
        return ForecastInterest.objects.get(forecast=forecast, organisation=organisation)
    log_action(
        actor=actor,
        action="forecast.interest_marked",
        target=interest,
        organisation_id=organisation.pk,
        data={"forecast": forecast.pk},
    )
    send_mail(
        template="sourcing/emails/forecast_interest",
        to=member_emails(forecast.buyer_id),
        context={
            "interest": interest,
            "forecast": forecast,
            "link": absolute_url(reverse("sourcing:forecast_detail", args=[forecast.pk])),
        },
    )
    return interest


@transaction.atomic
def forecast_interest_withdraw(
    *, actor: Actor, forecast: PurchaseForecast, organisation: Organisation
) -> bool:
    """Withdraw the supplier's interest; False when there was none."""
    interest = ForecastInterest.objects.filter(forecast=forecast, organisation=organisation).first()
    if interest is None:
        return False
    log_action(
        actor=actor,
        action="forecast.interest_withdrawn",
        target=forecast,
        organisation_id=organisation.pk,
        data={"forecast": forecast.pk},
    )
    interest.delete()
    return True


def need_data_from_forecast(forecast: PurchaseForecast) -> NeedData:
    """The need a forecast becomes: its object, sector, place and amount band carried over."""
    procedure = forecast.get_procedure_display()
    return NeedData(
        title=forecast.title,
        description=(
            f"Besoin issu de la prévision d'achat « {forecast.title} » ({forecast.year}, trimestre "
            f"{forecast.quarter}). Procédure envisagée : {procedure.lower()}."
        ),
        deadline=timezone.localdate() + NEED_DEADLINE_AFTER,
        kind=KIND_OF_PROCEDURE.get(PurchaseForecast.Procedure(forecast.procedure), Need.Kind.SOURCING),
        sectors=[forecast.sector],
        place_code=forecast.place_code,
        place_name=forecast.place_name,
        amount_band=forecast.amount_band,
    )


@transaction.atomic
def need_from_forecast(*, actor: Actor, forecast: PurchaseForecast) -> Need:
    """Turn the forecast into a draft need (fields carried over) for the buyer to complete and publish.
    Done twice, it returns the need made the first time while that need is not closed."""
    forecast = PurchaseForecast.objects.select_for_update().get(pk=forecast.pk)
    earlier = forecast.needs.exclude(status=Need.Status.CLOSED).order_by("-id").first()
    if earlier is not None:
        return earlier
    need = need_create(actor=actor, buyer=forecast.buyer, data=need_data_from_forecast(forecast))
    need.forecast = forecast
    need.save(update_fields=["forecast", "updated_at"])
    log_action(
        actor=actor,
        action="forecast.turned_into_need",
        target=forecast,
        organisation_id=forecast.buyer_id,
        data={"need": need.pk},
    )
    return need
