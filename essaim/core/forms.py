from django import forms

from .idempotency import IdempotentForm
from .models import ContactMessage


class ContactForm(IdempotentForm, forms.ModelForm):
    class Meta:
        model = ContactMessage
        fields = ["topic", "name", "email", "page_url", "message"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "page_url": "Facultatif : l'adresse ou le nom de la page où vous avez rencontré le problème.",
            "email": "Pour vous répondre. Format attendu : nom@domaine.fr",
        }
