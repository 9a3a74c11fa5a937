"""The decision form of the review queue: the items ticked, approve or reject, the reason told to the asker."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from .registry import APPROVE, MAX_REASON, REJECT


class DecisionForm(forms.Form):
    items = forms.TypedMultipleChoiceField(
        label="Éléments", coerce=int, error_messages={"required": "Cochez au moins un élément."}
    )
    decision = forms.ChoiceField(label="Décision", choices=[(APPROVE, "Accepter"), (REJECT, "Refuser")])
    reason = forms.CharField(
        label="Motif (envoyé à la personne en cas de refus)",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any identifier is accepted here: the kind says whether it is still pending.
        posted = self.data.getlist("items") if hasattr(self.data, "getlist") else []
        items = cast(forms.TypedMultipleChoiceField, self.fields["items"])
        items.choices = [(value, value) for value in posted if str(value).isdigit()]
