"""Writes of the sourcing capability: a structure's email preferences and one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from essaim.accounts.acting import Actor
from essaim.core.audit import log_action
from essaim.directory.models import Sector, Structure
from essaim.sourcing.models import SupplierPreference


@transaction.atomic
def preference_update(
    *,
    actor: Actor,
    structure: Structure,
    stop_emails: bool,
    muted_sectors: list[Sector],
    digest_sectors: list[Sector],
    digest_places: list[str],
) -> Any:
    preference, _ = SupplierPreference.objects.get_or_create(structure=structure)
    preference.stop_emails = stop_emails
    preference.digest_places = sorted(set(digest_places))
    preference.save()
    preference.muted_sectors.set(muted_sectors)
    preference.digest_sectors.set(digest_sectors)
    log_action(
        actor=actor,
        action="sourcing.preferences_updated",
        target=preference,
        organisation_id=structure.organisation_id,
        data={"stop_emails": stop_emails},
    )
    return preference


@transaction.atomic
def emails_stop(*, structure: Structure) -> None:
    """One-click unsubscribe (RFC 8058): the structure receives no more needs nor digests."""
    preference, _ = SupplierPreference.objects.get_or_create(structure=structure)
    if not preference.stop_emails:
        preference.stop_emails = True
        preference.save(update_fields=["stop_emails", "updated_at"])
        log_action(
            actor=None,
            action="sourcing.unsubscribed",
            target=preference,
            organisation_id=structure.organisation_id,
        )
