"""The audit trail: `log_action` is called by services for every state change."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditLog


def log_action(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Record that `actor` did `action` (e.g. "need.published") to `target`."""
    entry = AuditLog(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
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
    actor: Any | None,
    action: str,
    organisation_id: int | None = None,
) -> list[str]:
    """Set the `values` that differ on `obj`, save only those (and `updated_at`), and log `action` with
    the changed field names. Nothing is saved nor logged when nothing changed. Returns the changed names."""
    changed = sorted(key for key, value in values.items() if getattr(obj, key) != value)
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=[*changed, "updated_at"])
        log_action(
            actor=actor, action=action, target=obj, organisation_id=organisation_id, data={"fields": changed}
        )
    return changed


def history_for(target: models.Model) -> models.QuerySet[AuditLog]:
    """The audit entries about one object, newest first, with their actors."""
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
