"""What people joining Essaim on their own leave behind: their requests to join an organisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from essaim.accounts.models import Organisation
from essaim.core.models import RequestForDecision


class JoinRequest(RequestForDecision):
    """A person asks to join an organisation, or proposes one that Essaim does not know yet.

    Decided by the organisation's administrators when it has any, otherwise by the facilitators (their
    review queue, `accounts.review.JoinRequestReview`). A proposal holds the organisation's details
    (`proposed_*`); the organisation is created only when the request is approved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandeur",
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    proposed_kind = models.CharField(
        "type proposé", max_length=20, choices=Organisation.Kind.choices, blank=True
    )
    proposed_name = models.CharField("nom proposé", max_length=200, blank=True)
    proposed_siret = models.CharField("SIRET proposé", max_length=14, blank=True)
    proposed_buyer_category = models.CharField(
        "catégorie d'acheteur proposée",
        max_length=30,
        choices=Organisation.BuyerCategory.choices,
        blank=True,
    )
    proposed_website = models.URLField("site web proposé", blank=True)

    class Meta:
        verbose_name = "demande d'adhésion"
        verbose_name_plural = "demandes d'adhésion"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="join_request_pending_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(organisation=None) | ~models.Q(proposed_name=""),
                name="join_request_organisation_or_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation else self.proposed_name

    @property
    def is_proposal(self) -> bool:
        return self.organisation_id is None
