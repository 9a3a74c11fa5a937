"""Forms of the events capability. Each field has a label; services do the validation that needs the DB."""

from __future__ import annotations

from typing import Any

from django import forms

from essaim.accounts.models import Organisation
from essaim.core.idempotency import IdempotentForm
from essaim.directory.models import Sector

from .models import Event, Meeting, MeetingRequest, ProgrammeItem, Role

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "is_published",
            "capacity",
            "capacity_buyer",
            "capacity_supplier",
            "capacity_partner",
            "capacity_visitor",
            "registration_opens_at",
            "registration_closes_at",
            "offers_meetings",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "registration_opens_at": DATETIME,
            "registration_closes_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "capacity_buyer": "Facultatif : laissez vide pour ne pas limiter ce rôle.",
            "capacity_supplier": "Facultatif : laissez vide pour ne pas limiter ce rôle.",
            "capacity_partner": "Facultatif : laissez vide pour ne pas limiter ce rôle.",
            "capacity_visitor": "Facultatif : laissez vide pour ne pas limiter ce rôle.",
        }


class EventCreateForm(IdempotentForm, EventForm):
    """The event form of the create page (a double submit creates one event)."""


class ProgrammeItemForm(forms.ModelForm):
    prefix = "programme"  # beside the event's own form on the edit page: ids must not collide

    class Meta:
        model = ProgrammeItem
        fields = ["kind", "title", "starts_at", "ends_at", "speakers"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}


class RegistrationForm(forms.Form):
    """The organisations are the person's own (the acting one chosen); the roles are those these
    organisations may register with (the acting organisation's role chosen)."""

    organisation = forms.ModelChoiceField(
        label="Pour l'organisation", queryset=Organisation.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label="Je participe comme", choices=Role.choices)

    def __init__(self, *args: Any, organisations: Any, roles: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in roles]


class StandForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation exposante",
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.SUPPLIER, Organisation.Kind.PARTNER], is_active=True
        ),
        required=False,
        help_text="Facultatif : une structure ou un partenaire inscrit sur la plateforme.",
    )
    name = forms.CharField(label="Nom de l'exposant", max_length=200)
    location = forms.CharField(label="Stand (numéro ou emplacement)", max_length=60, required=False)
    pitch = forms.CharField(
        label="Présentation courte", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sectors = forms.ModelMultipleChoiceField(
        label="Secteurs", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.filter(parent__isnull=True)


class StandPitchForm(forms.Form):
    """What exhibitors edit on their own stand."""

    pitch = StandForm.base_fields["pitch"]
    sectors = forms.ModelMultipleChoiceField(
        label="Secteurs", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.filter(parent__isnull=True)


class ExhibitorFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher un exposant", required=False, max_length=100)
    secteur = forms.ChoiceField(label="Secteur", required=False)

    def __init__(self, *args: Any, sectors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secteur"].choices = [("", "Tous les secteurs")] + [(s.slug, s.name) for s in sectors]


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher (organisation, offre, recherche)", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Rôle",
        required=False,
        choices=[("", "Tous")] + [c for c in Role.choices if c[0] != Role.VISITOR],
    )


class MeetingProfileForm(forms.Form):
    offer = forms.CharField(
        label="Ce que je propose", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    seek = forms.CharField(
        label="Ce que je recherche", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    available_slots = forms.TypedMultipleChoiceField(
        label="Mes disponibilités",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez les créneaux où vous pouvez avoir un rendez-vous.",
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["available_slots"].choices = [(slot, label) for slot, label in event.slot_labels]


class MeetingRequestForm(forms.Form):
    priority = forms.TypedChoiceField(
        label="Priorité",
        coerce=int,
        choices=MeetingRequest.Priority.choices,
        initial=MeetingRequest.Priority.MEDIUM,
    )
    message = forms.CharField(label="Message (facultatif)", required=False, max_length=500)


class MeetingForceForm(forms.Form):
    requester = forms.ModelChoiceField(label="Participant", queryset=None)
    recipient = forms.ModelChoiceField(label="Rencontre", queryset=None)

    def __init__(self, *args: Any, registrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = registrations
        self.fields["recipient"].queryset = registrations
        label = lambda r: f"{r.organisation} — {r.user.get_full_name()} ({r.get_role_display()})"  # noqa: E731
        self.fields["requester"].label_from_instance = label
        self.fields["recipient"].label_from_instance = label


class MeetingSetupForm(forms.Form):
    meetings_start_at = forms.DateTimeField(label="Début du premier créneau", widget=DATETIME)
    slot_minutes = forms.IntegerField(
        label="Durée d'un créneau (minutes)", min_value=5, max_value=120, initial=15
    )
    slot_count = forms.IntegerField(label="Nombre de créneaux", min_value=1, max_value=64)
    breaks = forms.CharField(
        label="Pauses",
        required=False,
        help_text="Numéros des créneaux qui suivent une pause, séparés par des virgules (ex. : 4, 7).",
    )
    break_minutes = forms.IntegerField(
        label="Durée d'une pause (minutes)", min_value=0, max_value=240, initial=15
    )
    tables = forms.IntegerField(label="Nombre de tables", min_value=1, max_value=500)

    def clean_breaks(self) -> list[int]:
        raw = self.cleaned_data.get("breaks") or ""
        try:
            # Shown to people numbered from 1; stored as the 0-based index of the slot that starts a session.
            return sorted({int(part) - 1 for part in raw.replace(";", ",").split(",") if part.strip()})
        except ValueError as error:
            raise forms.ValidationError(
                "Indiquez des numéros de créneaux séparés par des virgules."
            ) from error


class MeetingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Suite donnée",
        choices=[(Meeting.Outcome.FOLLOW_UP, "À suivre"), (Meeting.Outcome.COLLABORATION, "Collaboration")],
    )
    amount = forms.DecimalField(
        label="Montant (€ HT, facultatif)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    notes = forms.CharField(label="Notes (facultatif)", required=False, max_length=2000)


class CheckInSearchForm(forms.Form):
    q = forms.CharField(
        label="Nom, adresse ou organisation",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
