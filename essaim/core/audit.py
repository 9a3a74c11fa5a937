"""The audit trail: `log_action` is called by services for every state change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditLog

# Who made a change, as the core sees it (it does not import the accounts app): services type their
# actor with `essaim.accounts.acting.Actor`, which is narrower.
_Actor = AbstractBaseUser | AnonymousUser | None


def log_action(
    *,
    actor: _Actor,
    action: str,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Record that `actor` did `action` (e.g. "need.published") to `target`."""
    entry = AuditLog(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        organisation_id=organisation_id,
        data=data or {},
    )
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:200]
    entry.save()
    return entry


def save_changes(
    obj: models.Model,
    values: dict[str, Any],
    *,
    actor: _Actor,
    action: str,
    organisation_id: int | None = None,
    also_changed: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    check: Callable[[Any], None] | None = None,
) -> list[str]:
    """The one way to update a row: set the `values` that differ on `obj`, save only those (and
    `updated_at`), and log `action` with the changed names (plus `also_changed`: what the caller changed
    beside the row, such as many-to-many links or files) and `data`. `check(obj)` runs once the values
    are set, before saving, and may raise. Nothing is saved nor logged when nothing changed. Returns the
    changed field names."""
    changed = sorted(key for key, value in values.items() if getattr(obj, key) != value)
    for key in changed:
        setattr(obj, key, values[key])
    if check is not None:
        check(obj)
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])
    logged = sorted({*changed, *also_changed})
    if logged:
        log_action(
            actor=actor,
            action=action,
            target=obj,
            organisation_id=organisation_id,
            data={"fields": logged, **(data or {})},
        )
    return changed


def history_for(target: models.Model) -> models.QuerySet[AuditLog]:
    """The audit entries about one object, newest first, with their actors."""
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
