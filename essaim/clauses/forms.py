"""Forms of the social clauses pages. They parse input; the services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from essaim.accounts.models import Organisation, User

from .models import (
    ContractParty,
    Eligibility,
    LegalBasis,
    Mission,
    Modality,
    Prescriber,
    Sex,
    Situation,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HUNDRED = Decimal(100)
BLANK = [("", "—")]


def _percent(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, max_digits=6, decimal_places=2, help_text=help_text
    )


class ContractForm(forms.Form):
    reference = forms.CharField(label="Référence du marché", max_length=60)
    title = forms.CharField(label="Objet du marché", max_length=300)
    buyer = forms.ModelChoiceField(
        label="Acheteur", queryset=Organisation.objects.none(), empty_label="Choisir l'acheteur"
    )
    holder = forms.ModelChoiceField(
        label="Titulaire (organisation connue)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choisir dans la liste, ou indiquer un SIRET",
    )
    holder_siret = forms.CharField(
        label="… ou SIRET du titulaire",
        max_length=20,
        required=False,
        help_text="14 chiffres ; une entreprise qu'Essaim ne connaît pas encore est créée à partir de son SIRET.",
    )
    holder_name = forms.CharField(label="Nom du titulaire (si nouveau)", max_length=200, required=False)
    legal_basis = forms.ChoiceField(label="Fondement juridique de la clause", choices=LegalBasis.choices)
    amount_ht = forms.DecimalField(label="Montant (€ HT)", min_value=0, max_digits=14, decimal_places=2)
    labour_share = _percent(
        "Part de main-d'œuvre (%)", "Par exemple 50 pour des travaux, 60 pour de l'entretien."
    )
    insertion_rate = _percent(
        "Taux d'insertion (%)", "Usuellement de 5 à 20 % ; l'ANRU retient 5 % pour les travaux."
    )
    hourly_cost = forms.DecimalField(
        label="Coût horaire chargé (€)", min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    hours_owed = forms.IntegerField(
        label="Heures dues fixées à la main",
        min_value=0,
        required=False,
        help_text="Laisser vide : montant × part de main-d'œuvre × taux ÷ coût horaire, arrondi à l'heure.",
    )
    hours_owed_reason = forms.CharField(
        label="Motif des heures fixées à la main",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Obligatoire si les heures sont fixées à la main (avenant, décision du comité de suivi…).",
    )
    start_date = forms.DateField(label="Début d'exécution", widget=DATE)
    end_date = forms.DateField(label="Fin d'exécution", widget=DATE)
    facilitator = forms.ModelChoiceField(
        label="Chargé·e de suivi", queryset=User.objects.none(), required=False, empty_label="Personne"
    )
    declarant_email = forms.EmailField(
        label="Adresse des relevés mensuels",
        required=False,
        help_text="Le lien de déclaration y est envoyé chaque mois (titulaire, ETTI ou SIAE) ; "
        "à défaut, aux administrateurs du titulaire.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(is_active=True).order_by("name")
        self.fields["buyer"].queryset = organisations.filter(kind=Organisation.Kind.BUYER)  # type: ignore[attr-defined]
        self.fields["holder"].queryset = organisations.exclude(kind=Organisation.Kind.TERRITORY)  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(memberships__organisation__kind=Organisation.Kind.TERRITORY, is_active=True)
            .distinct()
            .order_by("full_name", "email")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("holder") and not (data.get("holder_siret") or "").strip():
            self.add_error("holder", "Choisissez le titulaire ou indiquez son SIRET.")
        for name in ("labour_share", "insertion_rate"):
            if data.get(name) is not None:
                data[name] = data[name] / HUNDRED
        return data

    @staticmethod
    def initial_from(contract: Any) -> dict[str, Any]:
        return {
            "reference": contract.reference,
            "title": contract.title,
            "buyer": contract.buyer_id,
            "holder": contract.holder_id,
            "legal_basis": contract.legal_basis,
            "amount_ht": contract.amount_ht,
            "labour_share": (contract.labour_share * HUNDRED).normalize(),
            "insertion_rate": (contract.insertion_rate * HUNDRED).normalize(),
            "hourly_cost": contract.hourly_cost,
            "hours_owed": contract.hours_owed if contract.hours_owed_is_manual else None,
            "hours_owed_reason": contract.hours_owed_reason,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "facilitator": contract.facilitator_id,
            "declarant_email": contract.declarant_email,
        }


class LotForm(forms.Form):
    number = forms.IntegerField(label="Numéro du lot", min_value=1, max_value=999)
    title = forms.CharField(label="Intitulé du lot", max_length=200)
    amount_ht = forms.DecimalField(
        label="Montant du lot (€ HT)", min_value=0, max_digits=14, decimal_places=2, required=False
    )


class PartyForm(forms.Form):
    siret = forms.CharField(label="SIRET", max_length=20)
    name = forms.CharField(label="Nom (si Essaim ne la connaît pas)", max_length=200, required=False)
    role = forms.ChoiceField(label="Rôle", choices=ContractParty.Role.choices)


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        empty_value=None,
        required=False,
    )


class ParticipantForm(forms.Form):
    """Identity (kept apart) and pseudonymous tracking data of a participant."""

    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE, required=False)
    email = forms.EmailField(label="Adresse électronique", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    address = forms.CharField(
        label="Adresse postale", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    sex = forms.ChoiceField(label="Sexe", choices=[("", "Non renseigné"), *Sex.choices], required=False)
    qpv = _yes_no("Réside dans un quartier prioritaire de la ville (QPV)")
    eligibility = forms.ChoiceField(
        label="Public éligible (validé par vous)",
        choices=[("", "Pas encore validé"), *Eligibility.choices],
        required=False,
    )
    prescriber = forms.ChoiceField(
        label="Prescripteur", choices=[("", "—"), *Prescriber.choices], required=False
    )
    prescriber_name = forms.CharField(
        label="Structure prescriptrice",
        max_length=120,
        required=False,
        help_text="Le nom de la structure (par exemple « PLIE d'Ivry »), jamais celui d'une personne.",
    )

    def clean_birth_date(self) -> date | None:
        value = self.cleaned_data.get("birth_date")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
        return value

    @staticmethod
    def initial_from(participant: Any, identity: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "sex": participant.sex,
            "qpv": "" if participant.qpv is None else ("oui" if participant.qpv else "non"),
            "eligibility": participant.eligibility,
            "prescriber": participant.prescriber,
            "prescriber_name": participant.prescriber_name,
        }
        if identity is not None:
            initial.update(
                first_name=identity.first_name,
                last_name=identity.last_name,
                birth_date=identity.birth_date,
                email=identity.email,
                phone=identity.phone,
                address=identity.address,
            )
        return initial


class MissionForm(ParticipantForm):
    """A participant joins the contract: an existing one by reference, or a new one (identity and data)."""

    existing = forms.CharField(
        label="Référence d'un participant déjà suivi",
        max_length=20,
        required=False,
        help_text="Par exemple P-0042. Laisser vide pour enregistrer une nouvelle personne ci-dessous.",
    )
    modality = forms.ChoiceField(label="Modalité de réalisation", choices=Modality.choices)
    started_on = forms.DateField(label="Début de la mission", widget=DATE, required=False)
    employer_siret = forms.CharField(
        label="SIRET de la structure employeuse (ETTI, AI, GEIQ, SIAE)", max_length=20, required=False
    )

    field_order = ["existing", "modality", "started_on", "employer_siret"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("existing") or "").strip():
            for name, message in (("first_name", "Indiquez le prénom."), ("last_name", "Indiquez le nom.")):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        return data


class PathwayForm(forms.Form):
    ended_on = forms.DateField(label="Fin de la mission", widget=DATE, required=False)
    exit_situation = forms.ChoiceField(
        label="Situation à la sortie", choices=[("", "Pas encore connue"), *Situation.choices], required=False
    )
    six_months_situation = forms.ChoiceField(
        label="Situation six mois après la sortie",
        choices=[("", "Pas encore connue"), *Situation.choices],
        required=False,
    )


class StatementForm(forms.Form):
    """One month of a contract: worked and training hours for each participant running in that month."""

    def __init__(self, *args: Any, missions: list[Mission], names: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.missions = missions
        for mission in missions:
            line = next(iter(mission.declarations.all()), None)
            who = mission.participant.reference
            if names.get(mission.participant_id):
                who = f"{names[mission.participant_id]} ({who})"
            self.fields[f"hours_{mission.pk}"] = forms.DecimalField(
                label=f"Heures travaillées — {who}",
                min_value=0,
                max_value=200,
                max_digits=6,
                decimal_places=2,
                initial=line.hours if line else None,
                required=False,
                localize=True,
            )
            self.fields[f"training_{mission.pk}"] = forms.DecimalField(
                label=f"Heures de formation — {who}",
                min_value=0,
                max_value=200,
                max_digits=6,
                decimal_places=2,
                initial=line.training_hours if line else None,
                required=False,
                localize=True,
            )

    def rows(self) -> list[tuple[Mission, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"hours_{m.pk}"], self[f"training_{m.pk}"]) for m in self.missions]

    def lines(self) -> list[tuple[Mission, Decimal, Decimal]]:
        data = self.cleaned_data
        return [
            (m, data.get(f"hours_{m.pk}") or Decimal(0), data.get(f"training_{m.pk}") or Decimal(0))
            for m in self.missions
        ]


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(
        label="Heures travaillées", min_value=0, max_value=200, max_digits=6, decimal_places=2, localize=True
    )
    training_hours = forms.DecimalField(
        label="Heures de formation", min_value=0, max_value=200, max_digits=6, decimal_places=2, localize=True
    )
    reason = forms.CharField(
        label="Motif de la correction",
        max_length=300,
        help_text="Par exemple « bulletin de paie reçu » ; sans nom ni donnée personnelle.",
    )


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]

    def year(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data.get("annee"):
            return int(self.cleaned_data["annee"])
        return default
