"""The place picker: one form field and one widget for every place of the site.

A plain text input that takes names ("Vitry-sur-Seine", "Grand-Orly Seine Bièvre", "Val-de-Marne") or codes
("94081", "dep:94", "epci:200058014"), resolved on the server by `selectors.resolve_place`, so it works
without JavaScript. `territory/place-picker.js` adds suggestions from `territory:place_suggestions`. Values
are shown by name ("Vitry-sur-Seine (94)"), never as codes.

    commune = PlaceField(label="Commune", kinds=COMMUNE_ONLY, returns="commune")
    perimeters = PlacesField(label="Où intervenez-vous ?", returns="code")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from django import forms
from django.http import HttpRequest, QueryDict
from django.urls import reverse_lazy

from .errors import AmbiguousPlaceError, UnknownPerimeterError
from .models import Commune, Perimeter
from .selectors import place_labels, resolve_place, resolve_places, split_places

Returns = Literal["perimeter", "code", "commune"]
COMMUNE_ONLY = (Perimeter.Kind.COMMUNE,)
SUGGESTIONS_URL = reverse_lazy("territory:place_suggestions")


class PlaceInput(forms.TextInput):
    """A text input showing places by name; `place-picker.js` turns it into a combobox with suggestions."""

    def __init__(
        self, *, kinds: Sequence[str] = (), multiple: bool = False, attrs: dict[str, Any] | None = None
    ):
        attrs = {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        super().__init__(attrs)
        self.kinds = tuple(kinds)
        self.multiple = multiple

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-place-suggest"] = str(SUGGESTIONS_URL)
        if self.kinds:
            widget_attrs["data-place-kinds"] = ",".join(self.kinds)
        if self.multiple:
            widget_attrs["data-place-multiple"] = "true"
        return context

    def format_value(self, value: Any) -> str | None:
        """Codes and places become names; text typed by hand is shown as typed."""
        if value is None or value == "" or value == []:
            return None
        if isinstance(value, Perimeter):
            return value.label
        if isinstance(value, Commune):
            return place_labels([value.code]).get(value.code, value.name)
        if isinstance(value, list | tuple):
            items = list(value)
            if all(isinstance(item, Perimeter) for item in items):
                return ", ".join(item.label for item in items)
            value = " ".join(str(item) for item in items)
        text = str(value)
        parts = split_places(text)
        labels = place_labels(parts)
        if parts and all(part in labels for part in parts):
            return ", ".join(labels[part] for part in parts)
        return text


class PlaceField(forms.CharField):
    """One place, typed by name or code. `kinds` limits the kinds of place (default: all);
    `returns` chooses the cleaned value: the `Perimeter`, its code, or the `Commune` (communes only)."""

    widget = PlaceInput
    multiple = False

    def __init__(self, *, kinds: Sequence[str] = (), returns: Returns = "perimeter", **kwargs: Any) -> None:
        if returns == "commune" and tuple(kinds) != COMMUNE_ONLY:
            raise ValueError("returns='commune' needs kinds=COMMUNE_ONLY")
        self.kinds = tuple(kinds)
        self.returns = returns
        kwargs.setdefault("max_length", 1000 if self.multiple else 200)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PlaceInput(kinds=self.kinds, multiple=self.multiple))
        kwargs.setdefault("help_text", self.default_help_text())
        super().__init__(**kwargs)

    def default_help_text(self) -> str:
        if self.kinds == COMMUNE_ONLY:
            return "Le nom de la commune, par exemple « Vitry-sur-Seine »."
        several = "un ou plusieurs lieux séparés par des virgules" if self.multiple else "un lieu"
        return (
            f"Le nom d'{several} : commune, EPT ou EPCI, département, région ou « France entière » "
            "(par exemple « Vitry-sur-Seine, Grand-Orly Seine Bièvre »)."
        )

    def _convert(self, perimeter: Perimeter) -> Any:
        if self.returns == "code":
            return perimeter.code
        if self.returns == "commune":
            return Commune.objects.get(code=perimeter.code)
        return perimeter

    def clean(self, value: Any) -> Any:
        text = super().clean(value).strip()
        if not text:
            return [] if self.multiple else (None if self.returns != "code" else "")
        try:
            if self.multiple:
                return [self._convert(p) for p in resolve_places(text, kinds=self.kinds or None)]
            parts = split_places(text)
            if len(parts) > 1:
                raise forms.ValidationError("Indiquez un seul lieu.", code="several")
            return self._convert(resolve_place(parts[0], kinds=self.kinds or None))
        except AmbiguousPlaceError as error:
            raise forms.ValidationError([message for _, message in error.errors], code="ambiguous") from error
        except UnknownPerimeterError as error:
            raise forms.ValidationError([message for _, message in error.errors], code="unknown") from error

    def canonical(self, cleaned: Any) -> str:
        """The cleaned value written as codes, for URLs: "94081", "dep:94 epci:200058014"."""
        items = cleaned if self.multiple else [cleaned]
        codes = [getattr(item, "code", item) for item in items if item]
        return " ".join(str(code) for code in codes)


class PlacesField(PlaceField):
    """Several places separated by commas (codes may be separated by spaces); cleans to a list."""

    multiple = True


def place_query_redirect(request: HttpRequest, form: forms.Form) -> str | None:
    """For a GET filter form: the same URL with every place typed by name replaced by its codes, or None
    when the URL already has codes (or the form is invalid). Codes stay in URLs, so they can be shared."""
    if not form.is_bound or not form.is_valid():
        return None
    query: QueryDict = request.GET.copy()
    changed = False
    for name, field in form.fields.items():
        if not isinstance(field, PlaceField) or name not in query:
            continue
        codes = field.canonical(form.cleaned_data.get(name))
        if query.get(name, "") != codes:
            query[name] = codes
            changed = True
    return f"{request.path}?{query.urlencode()}" if changed else None
