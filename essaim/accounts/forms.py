"""Forms about people and organisations. Errors are shown next to their field, in French."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse

from essaim.core.links import absolute_url
from essaim.core.mail import send_mail

from .models import ApiToken, Membership, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its email sent the one way (`core.mail`, link on `ESSAIM_SITE_URL`)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]])
        send_mail(
            template="accounts/emails/password_reset",
            to=[to_email],
            context={"email": context["email"], "reset_url": absolute_url(path)},
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)


class NewPasswordForm(forms.Form):
    """Choosing a password, the one way: the project's rules (AUTH_PASSWORD_VALIDATORS) checked against the
    person's email and name, errors in French next to the field. Subclasses put `full_name` and the email
    (the `email` argument, or an `email` field) before these fields."""

    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 10 caractères, pas uniquement des chiffres, pas un mot de passe courant.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        if p1:
            email = cleaned.get("email") or self.person_email
            try:
                password_validation.validate_password(
                    p1, User(email=email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class AcceptInvitationForm(NewPasswordForm):
    """Creates the account of an invited person."""

    full_name = forms.CharField(
        label="Nom complet", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "password1", "password2"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton", max_length=100, help_text="Par exemple : « Logiciel de marchés »."
    )
    scopes = forms.MultipleChoiceField(
        label="Droits d'écriture",
        choices=list(ApiToken.SCOPES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sans droit coché, le jeton lit seulement.",
    )
