"""Models of the sourcing capability.

`Collaboration` is the record shared by sourcing and events: a buyer and a supplier who worked together
(or will follow up) after a need or a meeting at an event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from essaim.core.models import TimeStampedModel


class Collaboration(TimeStampedModel):
    class Source(models.TextChoices):
        SOURCING = "sourcing", "Besoin publié"
        EVENT = "evenement", "Rendez-vous d'un événement"

    class Status(models.TextChoices):
        FOLLOW_UP = "a-suivre", "À suivre"
        COLLABORATION = "collaboration", "Collaboration"

    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="acheteur",
        on_delete=models.CASCADE,
        related_name="collaborations_as_buyer",
    )
    supplier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="fournisseur",
        on_delete=models.CASCADE,
        related_name="collaborations_as_supplier",
    )
    structure = models.ForeignKey(
        "directory.Structure",
        verbose_name="structure de l'annuaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborations",
    )
    # The need it came from; an integer until the sourcing models exist (then a foreign key).
    need_id = models.BigIntegerField("besoin", null=True, blank=True, db_index=True)
    meeting = models.ForeignKey(
        "events.Meeting",
        verbose_name="rendez-vous",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborations",
    )
    amount = models.DecimalField("montant (€ HT)", max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField("date")
    source = models.CharField("origine", max_length=20, choices=Source.choices)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.FOLLOW_UP)
    notes = models.TextField("notes", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisie par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "collaboration"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(meeting__isnull=False),
                name="collaboration_one_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.buyer} × {self.supplier} ({self.get_status_display()})"
