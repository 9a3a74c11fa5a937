"""Forms of sign-up, of finding one's structure or organisation, and of the facilitators' console.
Errors are shown next to their field, in French; services validate again."""

from __future__ import annotations

from django import forms

from essaim.accounts.forms import NewPasswordForm
from essaim.accounts.models import Organisation

JOINABLE_KIND_CHOICES = [
    (Organisation.Kind.BUYER.value, "Un acheteur public (collectivité, bailleur, hôpital…)"),
    (Organisation.Kind.PARTNER.value, "Un partenaire d'accompagnement (réseau, CRESS, financeur…)"),
]


class SignupForm(NewPasswordForm):
    full_name = forms.CharField(
        label="Nom complet", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Celle de votre travail : elle permet de vous rattacher plus vite à votre structure.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]


class FindForm(forms.Form):
    q = forms.CharField(label="Nom ou SIRET", max_length=200, required=False)


class MessageForm(forms.Form):
    message = forms.CharField(
        label="Votre fonction et ce qui vous lie à l'organisation",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StructureProposeForm(MessageForm):
    name = forms.CharField(label="Nom de la structure", max_length=200)
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, espaces permis."
    )
    website = forms.URLField(label="Site web", required=False, assume_scheme="https")
    description = forms.CharField(
        label="Ce que fait la structure",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["name", "siret", "website", "description", "message"]


class OrganisationProposeForm(MessageForm):
    kind = forms.ChoiceField(
        label="Type d'organisation", choices=JOINABLE_KIND_CHOICES, widget=forms.RadioSelect
    )
    name = forms.CharField(label="Nom de l'organisation", max_length=200)
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, espaces permis."
    )
    buyer_category = forms.ChoiceField(
        label="Catégorie d'acheteur (pour un acheteur public)",
        required=False,
        choices=[("", "—"), *Organisation.BuyerCategory.choices],
    )
    website = forms.URLField(label="Site web", required=False, assume_scheme="https")
    field_order = ["kind", "name", "siret", "buyer_category", "website", "message"]


class InviteForm(forms.Form):
    name = forms.CharField(label="Nom de l'organisation", max_length=200, required=False)
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        required=False,
        help_text="Retrouve l'organisation ou la structure de l'annuaire.",
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=[(k, label) for k, label in Organisation.Kind.choices],
        initial=Organisation.Kind.SUPPLIER,
    )
    email = forms.EmailField(label="Adresse électronique de la personne invitée", max_length=254)


class InviteFileForm(forms.Form):
    file = forms.FileField(
        label="Tableau des invitations (CSV ou XLSX)",
        help_text="Une ligne par personne, colonnes : nom, SIRET, type (acheteur, structure ou partenaire), email.",
    )
