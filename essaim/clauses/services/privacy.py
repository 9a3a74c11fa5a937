"""Personal data of participants: the right of access (their record), erasure, and the automatic purge of
identities after the retention period (`settings.CLAUSES_IDENTITY_RETENTION_YEARS`, 3 years after the
participant's last declared month by default; `essaim clauses_purge`, run daily).

Erasing or purging removes the identity (name, birth date, contact, address) and the prescriber's name; the
pseudonymous tracking data (reference, category, sex, birth year, QPV, missions, hours) stays, so that the
totals of the contracts and of the territory do not change.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.core.audit import log_action

from ..models import Participant, ParticipantIdentity
from ..progress import add_months


def retention_years() -> int:
    return int(getattr(settings, "CLAUSES_IDENTITY_RETENTION_YEARS", 3))


@transaction.atomic
def participant_erase(*, actor: Actor, participant: Participant) -> Participant:
    """Erase a participant's identity at their request; the hours stay, pseudonymous, in the totals."""
    ParticipantIdentity.objects.filter(participant=participant).delete()
    participant.prescriber_name = ""
    participant.identity_removed_at = timezone.now()
    participant.save(update_fields=["prescriber_name", "identity_removed_at", "updated_at"])
    log_action(actor=actor, action="clauses.participant.erased", target=participant)
    return participant


def identities_due(today: date | None = None, years: int | None = None) -> list[int]:
    """Ids of the participants whose identity has outlived the retention period at `today`: their last
    declared month (or, without any declaration, the day they were recorded) is more than `years` old."""
    today = today or timezone.localdate()
    keep = years if years is not None else retention_years()
    # A month counts until its last day: it is due once the month after it is `keep` years behind today.
    limit = add_months(today, -12 * keep)
    try:
        recorded_limit = today.replace(year=today.year - keep)
    except ValueError:  # 29 February
        recorded_limit = today.replace(year=today.year - keep, day=28)
    rows = (
        Participant.objects.filter(identity__isnull=False)
        .annotate(last_month=Max("missions__declarations__month"))
        .filter(Q(last_month__lt=limit) | Q(last_month__isnull=True, created_at__date__lt=recorded_limit))
        .values_list("pk", flat=True)
    )
    return list(rows)


@transaction.atomic
def identities_purge(*, today: date | None = None, years: int | None = None) -> int:
    """Delete the identities past the retention period. Returns how many were removed."""
    due = identities_due(today, years)
    if not due:
        return 0
    ParticipantIdentity.objects.filter(participant_id__in=due).delete()
    Participant.objects.filter(pk__in=due).update(prescriber_name="", identity_removed_at=timezone.now())
    log_action(
        actor=None,
        action="clauses.identities.purged",
        data={"count": len(due), "retention_years": years if years is not None else retention_years()},
    )
    return len(due)
