"""Forms of the insight pages. They parse input; the selectors compute."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .indicators import InsightError, buyer_filter
from .selectors import BuyerChoice


def normalise_buyer(value: str) -> str:
    """Spaces removed, `EPCI:` lower-cased; raises InsightError (French) when it is not an identifier."""
    text = (value or "").strip().replace(" ", "").replace("\u00a0", "")
    if text.lower().startswith("epci:"):
        text = "epci:" + text[5:]
    buyer_filter(text, resolver=lambda _siren: [])
    return text


class ReportChoiceForm(forms.Form):
    """Choose a buyer of the territory (or type an identifier) and a year."""

    acheteur = forms.ChoiceField(label="Acheteur du territoire", required=False)
    identifiant = forms.CharField(
        label="Ou un autre acheteur (SIRET, SIREN ou epci:SIREN)",
        required=False,
        max_length=20,
        help_text="Exemple : 21940081900018 (un établissement), 219400819 (toute la collectivité) "
        "ou epci:200058014 (l'EPT et ses communes membres).",
    )
    annee = forms.TypedChoiceField(label="Année de notification", coerce=int)

    def __init__(self, *args: Any, buyers: list[BuyerChoice], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acheteur"].choices = [("", "— Choisir un acheteur —")] + [
            (b.value, b.label) for b in buyers
        ]
        current = timezone.localdate().year
        years = sorted(set(years) or {current - 1, current - 2}, reverse=True)
        self.fields["annee"].choices = [(y, str(y)) for y in years]
        self.fields["annee"].initial = years[0] if years[0] < current or len(years) == 1 else years[1]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        typed = data.get("identifiant", "")
        chosen = data.get("acheteur", "")
        if typed:
            try:
                data["buyer"] = normalise_buyer(typed)
            except InsightError as error:
                self.add_error("identifiant", error.message)
        elif chosen:
            data["buyer"] = chosen
        else:
            self.add_error("acheteur", "Choisissez un acheteur du territoire ou saisissez un identifiant.")
        return data
