"""The confirmation form of an account deletion: the person types their password again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from .errors import WRONG_PASSWORD


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Pour confirmer que c'est bien vous.",
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        """Checked through `authenticate`, so that login throttling (django-axes) counts the failures."""
        password = self.cleaned_data["password"]
        person = self.request.user
        checked = authenticate(self.request, username=person.get_username(), password=password)
        if checked is None or checked.pk != person.pk:
            raise forms.ValidationError(WRONG_PASSWORD)
        return password
