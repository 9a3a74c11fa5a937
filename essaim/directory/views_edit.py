"""Helpers of the edit view: form data to service inputs, and domain errors back to the right form field."""

from __future__ import annotations

from typing import Any

from django.forms import BaseFormSet, Form
from django.forms.utils import ErrorList
from django.http import HttpRequest

from essaim.core.errors import DomainError
from essaim.core.views_utils import report_domain_error

from .profile_edit import MediaInput
from .services import ActivityInput


def activity_inputs(formset: BaseFormSet[Any]) -> list[ActivityInput]:
    inputs = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("sector") or data.get("DELETE"):
            continue
        perimeters = tuple(data.get("perimeters") or ()) + (("national",) if data.get("is_national") else ())
        inputs.append(
            ActivityInput(
                sector=data["sector"],
                service_types=tuple(data.get("service_types") or ()),
                perimeters=perimeters,
                description=data.get("description") or "",
            )
        )
    return inputs


def media_inputs(form: Form) -> MediaInput:
    data = form.cleaned_data
    return MediaInput(
        logo=data.get("logo") or None,
        remove_logo=bool(data.get("remove_logo")),
        photo=data.get("photo") or None,
        photo_caption=data.get("photo_caption") or "",
        remove_photo_ids=[int(pk) for pk in data.get("remove_photos") or ()],
    )


def report_edit_error(
    request: HttpRequest, error: DomainError, form: Form, media_form: Form, activities: BaseFormSet[Any]
) -> None:
    if error.field == "activities":
        activities._non_form_errors = ErrorList([error.message])  # noqa: SLF001 - shown above the formset
    elif error.field and error.field in media_form.fields:
        media_form.add_error(error.field, error.message)
    else:
        report_domain_error(request, error, form)
