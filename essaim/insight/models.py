"""Models of the insight capability: the buyers' own spend files (the DECP live in the DuckDB store).

A buyer's accounting export is read once, aggregated by supplier, and only the aggregate is kept: one
`SpendImport` per buyer and year (a new import replaces the previous one) with its rejected rows, and
one `SpendSupplier` row per supplier. Supplier amounts are private to the buyer and the facilitators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from essaim.core.models import TimeStampedModel


class SpendImport(TimeStampedModel):
    """One buyer's spending of one year, as imported from its accounting software."""

    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="acheteur",
        on_delete=models.CASCADE,
        related_name="spend_imports",
    )
    year = models.PositiveSmallIntegerField("année")
    ttc = models.BooleanField("montants TTC", default=False, help_text="sinon hors taxes (HT)")
    filename = models.CharField("fichier", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows = models.PositiveIntegerField("lignes lues", default=0)
    rejected = models.JSONField("lignes rejetées", default=list, blank=True)
    total = models.DecimalField("total", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "import de dépenses"
        verbose_name_plural = "imports de dépenses"
        ordering = ["buyer", "-year"]
        constraints = [models.UniqueConstraint(fields=["buyer", "year"], name="spend_one_import_per_year")]

    def __str__(self) -> str:
        return f"{self.buyer} — {self.year}"


class SpendSupplier(models.Model):
    """What the buyer paid one supplier in the year (all its rows added up)."""

    spend = models.ForeignKey(SpendImport, on_delete=models.CASCADE, related_name="suppliers")
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    name = models.CharField("fournisseur", max_length=200)
    amount = models.DecimalField("montant", max_digits=16, decimal_places=2)
    invoices = models.PositiveIntegerField("lignes", default=1)
    structure = models.ForeignKey(
        "directory.Structure",
        verbose_name="structure de l'annuaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spend_rows",
    )

    class Meta:
        verbose_name = "fournisseur d'un import de dépenses"
        verbose_name_plural = "fournisseurs des imports de dépenses"
        ordering = ["-amount", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.amount})"
