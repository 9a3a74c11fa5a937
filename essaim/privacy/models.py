"""What the privacy app keeps: the marker of a deleted account, and the warnings sent before an inactive
account is deleted. Neither holds personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccountErasure(models.Model):
    """A deleted account. The person's row stays (their organisations' records point to it), emptied of
    personal data and named after this row: "Personne supprimée n°<id>"."""

    class Reason(models.TextChoices):
        REQUEST = "demande", "À la demande de la personne"
        INACTIVITY = "inactivite", "Compte inactif"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure")
    reason = models.CharField("motif", max_length=12, choices=Reason.choices)
    erased_at = models.DateTimeField("supprimé le", auto_now_add=True)

    class Meta:
        verbose_name = "compte supprimé"
        verbose_name_plural = "comptes supprimés"
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"Personne supprimée n°{self.pk}"


class InactivityNotice(models.Model):
    """The email telling a person that their inactive account will be deleted. A login afterwards
    cancels it (the next purge forgets it); otherwise the account goes once the notice period is over."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inactivity_notice"
    )
    warned_at = models.DateTimeField("averti le")

    class Meta:
        verbose_name = "avertissement d'inactivité"
        verbose_name_plural = "avertissements d'inactivité"

    def __str__(self) -> str:
        return f"Avertissement du {self.warned_at:%d/%m/%Y}"
