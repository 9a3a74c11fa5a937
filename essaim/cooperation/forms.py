"""Forms of the cooperation pages. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.core.idempotency import IdempotentForm
from essaim.events.models import Event
from essaim.territory.fields import COMMUNE_ONLY, PlaceField

from .errors import PRIVATE_GROUP_NOT_OPEN
from .models import (
    Conditions,
    GroupAction,
    GroupMember,
    MaterialFlow,
    ResourceKind,
    SupportOffer,
    WorkingGroup,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class GroupForm(IdempotentForm):
    name = forms.CharField(label="Nom du groupe", max_length=200)
    purpose = forms.CharField(label="Objet du groupe", widget=forms.Textarea)
    perimeter = PlaceField(label="Territoire couvert")
    access = forms.ChoiceField(
        label="Adhésion", choices=WorkingGroup.Access.choices, widget=forms.RadioSelect
    )
    is_private = forms.BooleanField(
        label="Groupe privé : les documents ne sont visibles que des membres", required=False
    )
    tracks_material_flows = forms.BooleanField(
        label="Suivre les flux de matières (groupes réemploi et textile)", required=False
    )
    member_type = forms.ChoiceField(
        label="Votre organisation participe en tant que", choices=GroupMember.MemberType.choices
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_private") and cleaned.get("access") == WorkingGroup.Access.OPEN:
            self.add_error("access", PRIVATE_GROUP_NOT_OPEN)
        return cleaned


class GroupUpdateForm(GroupForm):
    member_type = None  # type: ignore[assignment]
    idempotency_key = None  # type: ignore[assignment]


class JoinForm(forms.Form):
    prefix = "join"  # several forms on the group page: field ids and names must not collide

    member_type = forms.ChoiceField(
        label="Votre organisation participe en tant que", choices=GroupMember.MemberType.choices
    )
    message = forms.CharField(
        label="Message aux coordinateurs", required=False, widget=forms.Textarea, max_length=2000
    )


class MemberTypeForm(forms.Form):
    member_type = forms.ChoiceField(label="Type de membre", choices=GroupMember.MemberType.choices)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=GroupMember.Role.choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepter", "Accepter"), ("refuser", "Refuser")])


class ActionForm(forms.Form):
    prefix = "action"  # several forms on the group page: field ids and names must not collide

    title = forms.CharField(label="Action", max_length=200)
    description = forms.CharField(label="Précisions", required=False, widget=forms.Textarea)
    owner = forms.ModelChoiceField(label="Porteur", queryset=None, required=False)  # type: ignore[arg-type]
    due_date = forms.DateField(label="Échéance", required=False, widget=DATE)
    status = forms.ChoiceField(label="Statut", choices=GroupAction.Status.choices)

    def __init__(self, *args: Any, group: WorkingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            working_group_memberships__group=group,
            working_group_memberships__status=GroupMember.Status.ACTIVE,
        ).order_by("name")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Statut", choices=GroupAction.Status.choices)


class CommentForm(forms.Form):
    body = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)


class MeetingForm(forms.Form):
    prefix = "meeting"  # several forms on the group page: field ids and names must not collide

    held_on = forms.DateField(label="Date", widget=DATE)
    title = forms.CharField(label="Titre", max_length=200)
    notes = forms.CharField(label="Compte rendu", required=False, widget=forms.Textarea)
    event = forms.ModelChoiceField(
        label="Événement organisé sur la plateforme",
        queryset=None,
        required=False,
        empty_label="Aucun (simple note datée)",
        help_text="Les inscriptions et le programme se gèrent alors dans l'événement.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.order_by("-starts_at")  # type: ignore[attr-defined]


class DocumentForm(IdempotentForm):
    prefix = "document"  # several forms on the group page: field ids and names must not collide

    title = forms.CharField(label="Titre du document", max_length=200)
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, ODT, DOCX, XLSX, ODS, PNG ou JPEG, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.docx,.xlsx,.ods,.png,.jpg,.jpeg"}),
    )
    as_charter = forms.BooleanField(label="C'est la charte du groupe", required=False)


class FlowForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="Trimestre", coerce=int, choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    material = forms.ChoiceField(label="Matière", choices=MaterialFlow.Material.choices)
    collected_t = forms.DecimalField(label="Collecté (tonnes)", min_value=0, max_digits=9, decimal_places=3)
    reused_t = forms.DecimalField(label="Réemployé (tonnes)", min_value=0, max_digits=9, decimal_places=3)
    recycled_t = forms.DecimalField(label="Recyclé (tonnes)", min_value=0, max_digits=9, decimal_places=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label="Type de ressource", choices=ResourceKind.choices)
    title = forms.CharField(label="Intitulé", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea)
    commune = PlaceField(label="Commune où se trouve la ressource", kinds=COMMUNE_ONLY, returns="commune")
    perimeter = PlaceField(label="Territoire desservi")
    capacity = forms.CharField(
        label="Capacité", required=False, max_length=200, help_text="Par exemple : 12 m³, 3 postes, 80 m²."
    )
    conditions = forms.ChoiceField(label="Conditions", choices=Conditions.choices)
    price = forms.CharField(label="Tarif", required=False, max_length=200)
    available_from = forms.DateField(label="Disponible à partir du", required=False, widget=DATE)
    available_until = forms.DateField(label="Disponible jusqu'au", required=False, widget=DATE)


class ResourceRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Type de ressource", choices=ResourceKind.choices)
    description = forms.CharField(label="Votre besoin", widget=forms.Textarea)
    commune = PlaceField(label="Commune", kinds=COMMUNE_ONLY, returns="commune")
    capacity = forms.CharField(label="Capacité souhaitée", required=False, max_length=200)
    conditions = forms.ChoiceField(
        label="Conditions acceptées", required=False, choices=[("", "Toutes"), *Conditions.choices]
    )
    starts_on = forms.DateField(label="À partir du", widget=DATE)
    ends_on = forms.DateField(label="Jusqu'au", widget=DATE)


class ResourceFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *ResourceKind.choices]
    )
    commune = PlaceField(label="Commune", kinds=COMMUNE_ONLY, returns="code")


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField(label="Début", widget=DATETIME)
    ends_at = forms.DateTimeField(label="Fin", widget=DATETIME)
    message = forms.CharField(label="Message au propriétaire", required=False, widget=forms.Textarea)


class SupportOfferForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea)
    audience = forms.ChoiceField(
        label="Public", choices=SupportOffer.Audience.choices, widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Thèmes", choices=SupportOffer.Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    perimeter = PlaceField(label="Territoire")
    how_to_access = forms.CharField(label="Comment en bénéficier", widget=forms.Textarea)
    contact_email = forms.EmailField(label="Adresse de contact", required=False)
    contact_url = forms.URLField(label="Page de contact", required=False, assume_scheme="https")


class SupportSearchForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=100)
    audience = forms.ChoiceField(
        label="Public",
        required=False,
        choices=[("", "Tous les publics"), *SupportOffer.Audience.choices[:2]],
    )
    topic = forms.ChoiceField(
        label="Thème", required=False, choices=[("", "Tous les thèmes"), *SupportOffer.Topic.choices]
    )
    commune = PlaceField(label="Commune", kinds=COMMUNE_ONLY, returns="code")


class ResourceCreateForm(IdempotentForm, ResourceForm):
    """The resource form of the create page (a double submit creates one resource)."""


class SupportOfferCreateForm(IdempotentForm, SupportOfferForm):
    """The support offer form of the create page (a double submit creates one offer)."""
