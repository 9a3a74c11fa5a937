"""Forms of the directory pages. Validation messages are in French; services validate again."""

from __future__ import annotations

from typing import Any

from django import forms

from essaim.territory.fields import COMMUNE_ONLY, PlaceField, PlacesField

from . import references
from .models import ProfileReport, Sector, Structure
from .selectors import MAX_PAGE, SORTS, SearchFilters


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    sector = forms.MultipleChoiceField(label="Secteur", required=False, widget=forms.CheckboxSelectMultiple)
    family = forms.MultipleChoiceField(
        label="Famille de l'ESS", required=False, choices=list(references.ESS_FAMILIES.items())
    )
    kind = forms.MultipleChoiceField(
        label="Structure inclusive", required=False, choices=list(references.INCLUSION_KINDS.items())
    )
    reservation = forms.MultipleChoiceField(
        label="Marchés réservés", required=False, choices=list(references.RESERVATIONS.items())
    )
    works_in = PlaceField(label="Intervient à", returns="code", help_text="Commune, EPT, département…")
    located_in = PlaceField(label="Située à", returns="code", help_text="Commune, EPT, département…")
    sort = forms.ChoiceField(label="Trier par", required=False, choices=list(SORTS.items()))
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s.slug, s.name) for s in Sector.objects.all()]

    def search_args(self) -> tuple[str, SearchFilters, str, int]:
        """The search of the valid fields: a place that cannot be read is reported and left out."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # computes cleaned_data: the fields that are valid
            data = self.cleaned_data
        filters = SearchFilters(
            sectors=tuple(data.get("sector") or ()),
            families=tuple(data.get("family") or ()),
            kinds=tuple(data.get("kind") or ()),
            reservations=tuple(data.get("reservation") or ()),
            works_in=(data.get("works_in") or "").strip(),
            located_in=(data.get("located_in") or "").strip(),
        )
        return data.get("q") or "", filters, data.get("sort") or "relevance", data.get("page") or 1


class StructureForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    brand = forms.CharField(label="Enseigne", max_length=200, required=False)
    siret = forms.CharField(label="SIRET", max_length=20, required=False, help_text="14 chiffres.")
    legal_form_code = forms.ChoiceField(
        label="Catégorie juridique",
        required=False,
        choices=[("", "—")] + [(code, f"{code} — {label}") for code, label in references.LEGAL_FORMS.items()],
    )
    year_founded = forms.IntegerField(
        label="Année de création", required=False, min_value=1800, max_value=2100
    )
    headcount = forms.IntegerField(label="Effectif total", required=False, min_value=0)
    insertion_headcount = forms.IntegerField(label="Effectif en insertion", required=False, min_value=0)
    revenue_band = forms.ChoiceField(
        label="Chiffre d'affaires", required=False, choices=Structure.RevenueBand.choices
    )
    address = forms.CharField(label="Adresse", max_length=250, required=False)
    postal_code = forms.CharField(label="Code postal", max_length=5, required=False)
    commune = PlaceField(label="Commune", kinds=COMMUNE_ONLY, returns="code")
    website = forms.CharField(label="Site web", max_length=200, required=False)
    email = forms.EmailField(label="Adresse électronique de contact", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    ess_families = forms.MultipleChoiceField(
        label="Familles de l'ESS",
        required=False,
        choices=list(references.ESS_FAMILIES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    inclusion_kinds = forms.MultipleChoiceField(
        label="Structure inclusive",
        required=False,
        choices=list(references.INCLUSION_KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    is_ressourcerie = forms.BooleanField(label="Ressourcerie ou structure de réemploi", required=False)
    description = forms.CharField(
        label="Présentation", widget=forms.Textarea, required=False, max_length=10_000
    )
    offers = forms.CharField(
        label="Ce que vous proposez", widget=forms.Textarea, required=False, max_length=10_000
    )
    client_references = forms.CharField(
        label="Références clients", widget=forms.Textarea, required=False, max_length=10_000
    )
    labels = forms.CharField(label="Labels et agréments", max_length=500, required=False)

    @classmethod
    def initial_for(cls, structure: Structure) -> dict[str, Any]:
        initial = {name: getattr(structure, name) for name in cls.base_fields if hasattr(structure, name)}
        initial["commune"] = structure.commune_id or ""
        return initial


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Motif",
        choices=ProfileReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le motif du signalement."},
    )
    message = forms.CharField(
        label="Précisions (facultatif)",
        help_text="Ce qui est inexact, la fiche en double… L'équipe du territoire lit chaque signalement.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="État", choices=Structure.Status.choices)


class MediaForm(forms.Form):
    """Logo and photos (checked and re-encoded by `media.clean_image`)."""

    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG, WebP ou GIF, 5 Mo au plus. Transparence conservée.",
    )
    remove_logo = forms.BooleanField(label="Retirer le logo", required=False)
    photo = forms.FileField(
        label="Ajouter une photo",
        required=False,
        help_text="JPEG, PNG ou WebP, 5 Mo au plus ; les métadonnées (position GPS…) sont effacées.",
    )
    photo_caption = forms.CharField(label="Légende de la photo", max_length=200, required=False)
    remove_photos = forms.MultipleChoiceField(
        label="Photos à retirer", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, structure: Structure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove_photos"].choices = [
            (str(p.pk), p.caption or f"Photo {i}") for i, p in enumerate(structure.photos.all(), start=1)
        ]
        if not structure.logo:
            del self.fields["remove_logo"]
        if not self.fields["remove_photos"].choices:
            del self.fields["remove_photos"]


class ActivityForm(forms.Form):
    sector = forms.ChoiceField(label="Secteur")
    service_types = forms.MultipleChoiceField(
        label="Types de prestation",
        required=False,
        choices=list(references.SERVICE_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    perimeters = PlacesField(
        label="Où intervenez-vous ?",
        returns="code",
        help_text="Communes, EPT ou EPCI, départements, régions séparés par des virgules, par exemple "
        "« Vitry-sur-Seine, Grand-Orly Seine Bièvre, Val-de-Marne ».",
    )
    is_national = forms.BooleanField(label="Dans toute la France", required=False)
    description = forms.CharField(label="Précisions", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "—")] + [
            (s.slug, f"{s.parent.name} › {s.name}" if s.parent_id and s.parent else s.name)
            for s in Sector.objects.select_related("parent").order_by("position", "name")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = (
            not data.get("perimeters") and not data.get("is_national") and "perimeters" not in self.errors
        )
        if data.get("sector") and missing:
            self.add_error("perimeters", "Indiquez où vous intervenez, ou cochez « Dans toute la France ».")
        return data


ActivityFormSet = forms.formset_factory(ActivityForm, extra=1, can_delete=True, max_num=20)


def activity_initial(structure: Structure) -> list[dict[str, Any]]:
    return [
        {
            "sector": a.sector.slug,
            "service_types": a.service_types,
            "perimeters": " ".join(p.code for p in a.perimeters.all()),
            "is_national": a.is_national,
            "description": a.description,
        }
        for a in structure.activities.select_related("sector").prefetch_related("perimeters")
    ]
