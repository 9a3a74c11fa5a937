"""Forms of the insight pages. They parse input; the selectors compute."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from essaim.directory.sector_mappings import SECTORS
from essaim.sourcing.selectors import amount_band_choices

from . import renewals
from .errors import InsightError
from .indicators import buyer_filter
from .references import PURCHASE_TYPES
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


class RenewalFilterForm(forms.Form):
    """The renewal radar's buyer, window and filters (a GET form: every field optional)."""

    acheteur = forms.ChoiceField(label="Acheteur du territoire", required=False)
    identifiant = forms.CharField(
        label="Ou un autre acheteur (SIRET, SIREN ou epci:SIREN)", required=False, max_length=20
    )
    debut = forms.DateField(
        label="Échéance à partir du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    mois = forms.IntegerField(
        label="Pendant (mois)", required=False, min_value=1, max_value=renewals.MAX_MONTHS
    )
    secteur = forms.ChoiceField(label="Secteur", required=False)
    montant = forms.ChoiceField(label="Montant", required=False)
    type = forms.ChoiceField(label="Type d'achat", required=False)
    reservable = forms.BooleanField(
        label="Seulement les marchés que le conseil propose de réserver (en tout ou par lot)", required=False
    )

    def __init__(self, *args: Any, buyers: list[BuyerChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acheteur"].choices = [("", "— Choisir un acheteur —")] + [
            (b.value, b.label) for b in buyers
        ]
        self.fields["secteur"].choices = [("", "Tous"), *[(slug, v[0]) for slug, v in SECTORS.items()]]
        self.fields["montant"].choices = [("", "Tous"), *amount_band_choices()]
        self.fields["type"].choices = [("", "Tous"), *PURCHASE_TYPES.items()]

    def clean_identifiant(self) -> str:
        typed: str = self.cleaned_data.get("identifiant", "")
        if not typed:
            return ""
        try:
            return normalise_buyer(typed)
        except InsightError as error:
            raise forms.ValidationError(error.message) from error


class SpendUploadForm(forms.Form):
    """A buyer's yearly spend file; a facilitator names the buyer by its SIRET."""

    siret = forms.CharField(
        label="SIRET de l'acheteur",
        max_length=20,
        required=False,
        help_text="L'acheteur pour qui vous importez (créé à partir de son SIRET s'il n'est pas encore sur Essaim).",
    )
    year = forms.IntegerField(label="Année des dépenses", min_value=2000)
    ttc = forms.TypedChoiceField(
        label="Les montants du fichier sont",
        choices=[("ht", "hors taxes (HT)"), ("ttc", "toutes taxes comprises (TTC)")],
        coerce=lambda value: value == "ttc",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="Fichier de dépenses (CSV ou XLSX)",
        help_text="Une ligne par fournisseur ou par facture ; colonnes siret ou siren, supplier_name (ou "
        "fournisseur), amount (ou montant) et, si besoin, date. CSV séparé par des points-virgules ou des "
        "virgules, en UTF-8 ou Windows-1252 ; montants au format français (12 500,50) acceptés. Le fichier "
        "n'est pas conservé : seuls les totaux par fournisseur le sont.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, for_facilitator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        if for_facilitator:
            self.fields["siret"].required = True
        else:
            del self.fields["siret"]


class SpendChoiceForm(forms.Form):
    """The year (and, for a facilitator, the buyer) of the spend page."""

    acheteur = forms.TypedChoiceField(label="Acheteur", coerce=int, required=False)
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False)

    def __init__(
        self, *args: Any, buyers: list[tuple[int, str]] | None, years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if buyers is None:
            del self.fields["acheteur"]
        else:
            self.fields["acheteur"].choices = [("", "— Choisir un acheteur —"), *buyers]
        self.fields["annee"].choices = [(y, str(y)) for y in years] or [("", "Aucune année importée")]
