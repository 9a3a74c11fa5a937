"""Forms of the sourcing pages. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from essaim.accounts.models import Organisation
from essaim.core.idempotency import IdempotentForm
from essaim.directory import references
from essaim.directory.models import Sector
from essaim.territory.fields import PlaceField, PlacesField

from . import selectors, services
from .forecasts import ForecastData
from .models import Need, NeedAnswer, PurchaseForecast
from .services import NeedData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPT = ".pdf,.odt,.docx,.ods,.xlsx"


class SectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id and obj.parent else obj.name


def _sectors() -> Any:
    return Sector.objects.select_related("parent").order_by(
        "parent__position", "parent__name", "position", "name"
    )


class NeedForm(IdempotentForm):
    kind = forms.ChoiceField(label="Type de besoin", choices=Need.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Titre", max_length=200)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )
    sectors = SectorChoiceField(
        label="Secteurs",
        queryset=Sector.objects.none(),
        required=False,
        help_text="Laissés vides, Essaim vous en propose d'après le titre et la description, à confirmer.",
    )
    suggested_sectors = SectorChoiceField(
        label="Secteurs proposés d'après votre texte",
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez ceux qui conviennent : seuls les secteurs que vous confirmez servent à choisir les "
        "structures.",
    )
    sectors_reviewed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    service_types = forms.MultipleChoiceField(
        label="Types de prestation",
        choices=list(references.SERVICE_TYPES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place_code = PlaceField(label="Lieu d'exécution", returns="code")
    amount = forms.DecimalField(
        label="Montant estimé (€ HT)", required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    amount_band = forms.ChoiceField(
        label="Ou tranche de montant",
        choices=[("", "Non précisée"), *Need.AmountBand.choices],
        required=False,
    )
    duration_months = forms.IntegerField(
        label="Durée du contrat (mois)", min_value=1, max_value=120, initial=12
    )
    reserved = forms.ChoiceField(
        label="Marché réservé", choices=[("", "Non réservé"), *Need.Reservation.choices], required=False
    )
    deadline = forms.DateField(label="Date limite de réponse", widget=DATE)
    questions_deadline = forms.DateField(
        label="Date limite des questions",
        required=False,
        widget=DATE,
        help_text="Les structures posent leurs questions jusqu'à cette date ; chaque réponse est publiée à "
        "toutes. Sans date : jusqu'à la date limite de réponse.",
    )
    start_date = forms.DateField(label="Début de la prestation", required=False, widget=DATE)
    questions = forms.CharField(
        label="Questions aux fournisseurs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une question par ligne.",
        max_length=3000,
    )
    how_to_answer = forms.CharField(
        label="Comment répondre", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    show_buyer_name = forms.BooleanField(
        label="Afficher le nom de mon organisation", required=False, initial=True
    )
    attachment = forms.FileField(
        label="Pièce jointe",
        required=False,
        help_text="PDF ou document bureautique (ODT, DOCX, ODS, XLSX), 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, suggestions: list[Sector] | None = None, **kwargs: Any) -> None:
        """`suggestions`: the sectors to offer for confirmation (unticked); a bound form keeps those posted."""
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = _sectors()  # type: ignore[attr-defined]
        if suggestions is not None:
            offered = [sector.pk for sector in suggestions]
        elif self.is_bound:
            offered = [int(v) for v in self.data.getlist("suggested_sectors", []) if str(v).isdigit()]
        else:
            offered = []
        if offered:
            self.fields["suggested_sectors"].queryset = _sectors().filter(pk__in=offered)  # type: ignore[attr-defined]
        else:
            del self.fields["suggested_sectors"]

    def clean_attachment(self) -> Any:
        uploaded = self.cleaned_data.get("attachment")
        if uploaded:
            try:
                services.check_attachment(uploaded, uploaded.name or "document", uploaded.size or 0)
            except services.NeedError as error:
                raise forms.ValidationError(error.message) from error
        return uploaded

    def clean(self) -> dict[str, Any]:
        """Every error at once: the fields', the amount-or-band rule and the service's own rules."""
        cleaned = super().clean() or {}
        if cleaned.get("amount") is None and not cleaned.get("amount_band") and "amount" not in self.errors:
            self.add_error("amount", "Indiquez un montant estimé ou une tranche de montant.")
        if cleaned.get("deadline") is not None:
            partial = NeedData(
                title=cleaned.get("title") or "",
                description=cleaned.get("description") or "",
                deadline=cleaned["deadline"],
                questions_deadline=cleaned.get("questions_deadline"),
                kind=cleaned.get("kind") or Need.Kind.SOURCING,
                service_types=list(cleaned.get("service_types") or []),
                amount=cleaned.get("amount"),
                amount_band=cleaned.get("amount_band") or "",
                duration_months=cleaned.get("duration_months") or 12,
                reserved=cleaned.get("reserved") or "",
                start_date=cleaned.get("start_date"),
            )
            for field, message in services.need_problems(partial):
                if field and field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def confirmed_sectors(self) -> list[Sector]:
        """The sectors the buyer chose or confirmed among the suggestions: never a guess left unticked."""
        c = self.cleaned_data
        chosen = list(c.get("sectors") or [])
        return chosen + [s for s in c.get("suggested_sectors") or [] if s not in chosen]

    def need_data(self) -> NeedData:
        c = self.cleaned_data
        sectors = self.confirmed_sectors()
        return NeedData(
            title=c["title"],
            description=c["description"],
            deadline=c["deadline"],
            questions_deadline=c["questions_deadline"],
            kind=c["kind"],
            sectors=sectors,
            service_types=list(c["service_types"]),
            place_code=c["place_code"] or "",
            place_name=selectors.place_name(c["place_code"] or ""),
            amount=c["amount"],
            amount_band=c["amount_band"] or "",
            duration_months=c["duration_months"],
            reserved=c["reserved"] or "",
            start_date=c["start_date"],
            questions=c["questions"],
            how_to_answer=c["how_to_answer"],
            show_buyer_name=c["show_buyer_name"],
        )

    @staticmethod
    def initial_from(need: Need) -> dict[str, Any]:
        return {
            "kind": need.kind,
            "title": need.title,
            "description": need.description,
            "sectors": list(need.sectors.all()),
            "service_types": need.service_types,
            "place_code": need.place_code,
            "amount": need.amount,
            "amount_band": need.amount_band,
            "duration_months": need.duration_months,
            "reserved": need.reserved,
            "deadline": need.deadline,
            "questions_deadline": need.questions_deadline,
            "start_date": need.start_date,
            "questions": need.questions,
            "how_to_answer": need.how_to_answer,
            "show_buyer_name": need.show_buyer_name,
        }


class NeedFilterForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=100)
    sector = forms.ModelChoiceField(
        label="Secteur",
        queryset=Sector.objects.filter(parent__isnull=True),
        required=False,
        empty_label="Tous",
    )
    kind = forms.ChoiceField(label="Type", choices=[("", "Tous"), *Need.Kind.choices], required=False)
    place = PlaceField(label="Lieu", returns="code")


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Issue", choices=Need.Outcome.choices, widget=forms.RadioSelect)
    supplier = forms.ModelChoiceField(
        label="Titulaire (si attribué)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="—",
    )
    amount = forms.DecimalField(
        label="Montant du contrat (€ HT)",
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    signed_on = forms.DateField(label="Date de signature", required=False, widget=DATE)

    def __init__(self, *args: Any, suppliers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = (  # type: ignore[attr-defined]
            suppliers
            if suppliers is not None
            else Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)
        )


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label="Votre réponse", choices=NeedAnswer.Kind.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label="Message ou question à l'acheteur", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label="Si vous n'êtes pas intéressé, pourquoi ?", required=False, max_length=300)
    attachment = forms.FileField(
        label="Pièce jointe (présentation, références)",
        required=False,
        help_text="PDF ou document bureautique, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, questions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions or []
        for index, question in enumerate(self.questions):
            self.fields[f"question_{index}"] = forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=3000
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"question_{i}", "") for i in range(len(self.questions))]


class ContractForm(forms.Form):
    signed = forms.TypedChoiceField(
        label="Un contrat a-t-il été signé ?",
        choices=[("oui", "Oui"), ("non", "Non"), ("pas-encore", "Pas encore")],
        widget=forms.RadioSelect,
    )
    supplier = forms.ModelChoiceField(
        label="Avec quelle structure ?", queryset=Organisation.objects.none(), required=False, empty_label="—"
    )
    amount = forms.DecimalField(
        label="Montant (€ HT)", required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    signed_on = forms.DateField(label="Date de signature", required=False, widget=DATE)

    def __init__(self, *args: Any, suppliers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers if suppliers is not None else Organisation.objects.none()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("signed") == "oui" and not cleaned.get("supplier"):
            self.add_error("supplier", "Indiquez la structure avec qui le contrat a été signé.")
        return cleaned


class AdviceForm(forms.Form):
    """The reservation advisor's editable inputs (read with GET: the page never writes)."""

    amount = forms.DecimalField(
        label="Montant (€ HT)",
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="Laissé vide : la tranche de montant du besoin.",
    )
    duration_months = forms.IntegerField(label="Durée (mois)", min_value=1, max_value=120)
    labour_share = forms.DecimalField(
        label="Part de main-d'œuvre (%)", min_value=Decimal(0), max_value=Decimal(100), decimal_places=1
    )
    insertion_rate = forms.DecimalField(
        label="Taux d'insertion (%)", min_value=Decimal(0), max_value=Decimal(100), decimal_places=1
    )
    hourly_cost = forms.DecimalField(label="Coût horaire (€)", min_value=Decimal(1), decimal_places=2)


class PreferenceForm(forms.Form):
    stop_emails = forms.BooleanField(label="Ne plus recevoir aucun besoin par courriel", required=False)
    muted_sectors = SectorChoiceField(
        label="Secteurs dont je ne veux pas recevoir les besoins",
        queryset=Sector.objects.none(),
        required=False,
    )
    digest_sectors = SectorChoiceField(
        label="Secteurs suivis dans la lettre hebdomadaire",
        queryset=Sector.objects.none(),
        required=False,
    )
    digest_places = PlacesField(label="Lieux suivis dans la lettre hebdomadaire", returns="code")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["muted_sectors"].queryset = _sectors()  # type: ignore[attr-defined]
        self.fields["digest_sectors"].queryset = _sectors()  # type: ignore[attr-defined]


class ForecastForm(forms.Form):
    title = forms.CharField(label="Objet de l'achat", max_length=200)
    year = forms.IntegerField(label="Année")
    quarter = forms.TypedChoiceField(
        label="Trimestre", choices=[(q, f"T{q}") for q in (1, 2, 3, 4)], coerce=int
    )
    sector = forms.ModelChoiceField(label="Secteur", queryset=Sector.objects.none())
    place_code = PlaceField(label="Lieu", returns="code")
    amount_band = forms.ChoiceField(label="Tranche de montant", choices=Need.AmountBand.choices)
    procedure = forms.ChoiceField(label="Procédure envisagée", choices=PurchaseForecast.Procedure.choices)
    reference = forms.CharField(label="Référence interne", required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = _sectors()  # type: ignore[attr-defined]

    def forecast_data(self) -> ForecastData:
        """The forecast as the services take it (call once the form is valid)."""
        c = self.cleaned_data
        return ForecastData(
            title=c["title"],
            year=c["year"],
            quarter=c["quarter"],
            sector=c["sector"],
            amount_band=c["amount_band"],
            procedure=c["procedure"],
            place_code=c["place_code"] or "",
            reference=c["reference"],
        )


class ForecastFilterForm(forms.Form):
    sector = forms.ModelChoiceField(
        label="Secteur",
        queryset=Sector.objects.filter(parent__isnull=True),
        required=False,
        empty_label="Tous",
    )
    year = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)


class ForecastImportForm(forms.Form):
    file = forms.FileField(
        label="Plan d'achat (CSV ou XLSX)",
        help_text="Colonnes : objet, annee, trimestre, secteur, lieu, tranche, procedure, reference.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    commit = forms.BooleanField(
        label="Enregistrer les lignes valides (sinon, vérification seulement)", required=False
    )


class ForecastInterestForm(forms.Form):
    capacity = forms.CharField(
        label="Votre capacité (facultatif)",
        required=False,
        max_length=200,
        help_text="Par exemple : « 2 000 pièces par an » ou « une équipe de 6 personnes ».",
    )
    message = forms.CharField(
        label="Message à l'acheteur (facultatif)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionReplyForm(forms.Form):
    reply = forms.CharField(
        label="Votre réponse, publiée à toutes les structures",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Elle paraît sur la page du besoin et part par courriel à chaque structure prévenue ou "
        "intéressée, sans dire qui a posé la question.",
    )
