"""Create forms submitted twice (a double click, a reload, three tabs) create one object.

A create form carries a one-time hidden token (`IdempotentForm`, a fresh `idempotency_key` each time the
empty form is shown). The create service, inside its transaction, calls `replayed_object(key, Model)`
first: it claims the token, or returns the object an earlier submission of the same token created (waiting
for that submission to commit when it is still running: the token is a unique row). After creating, the
service calls `remember_object(key, obj)`. A service called without a token (API, commands) is unchanged.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import TypeVar

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .errors import DomainError
from .models import IdempotencyKey

M = TypeVar("M", bound=models.Model)
KEY_FIELD = "idempotency_key"
KEEP_FOR = timedelta(days=2)
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ALREADY_SENT = "Ce formulaire a déjà été envoyé ; rechargez la page pour en remplir un nouveau."


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


class IdempotentForm(forms.Form):
    """Mixin for create forms: the hidden one-time token. `form.cleaned_data["idempotency_key"]`."""

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=new_idempotency_key
    )

    def clean_idempotency_key(self) -> str:
        value: str = self.cleaned_data.get(KEY_FIELD) or ""
        return value if _VALID.match(value) else ""


def replayed_object(key: str, model: type[M]) -> M | None:
    """Claim `key` for the current transaction, or return the `model` object its first use created.

    Call it inside the create service's transaction, before creating. Raises a DomainError when the key
    was used for something else or its object is gone."""
    if not key:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("replayed_object belongs inside the create service's transaction")
    IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key)
        return None
    except IntegrityError:
        pass
    row = IdempotencyKey.objects.filter(key=key).first()
    content_type = ContentType.objects.get_for_model(model)
    if row is None or row.content_type_id != content_type.pk:
        raise DomainError(ALREADY_SENT)
    earlier = model._default_manager.filter(pk=row.object_id).first()
    if earlier is None:
        raise DomainError(ALREADY_SENT)
    return earlier


def remember_object(key: str, obj: models.Model) -> None:
    """Record that `key` created `obj` (same transaction as `replayed_object`)."""
    if key:
        IdempotencyKey.objects.filter(key=key).update(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
