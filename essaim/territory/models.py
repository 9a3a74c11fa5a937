"""French administrative geography and perimeters (from @etalab/decoupage-administratif)."""

from __future__ import annotations

from django.db import models

from .codes import departement_code_of_commune


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    postal_codes = models.JSONField("codes postaux", default=list, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    is_arrondissement = models.BooleanField("arrondissement municipal", default=False)
    # A municipal arrondissement (Paris, Lyon, Marseille) points to its city; null for every other commune.
    parent = models.ForeignKey(
        "self",
        verbose_name="commune de rattachement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrondissements",
    )
    # Lower-case ASCII name with punctuation turned into spaces, for accent-insensitive prefix search.
    search_name = models.CharField("nom normalisé", max_length=100, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Epci(models.Model):
    """An EPCI (métropole, CU, CA, CC) or an EPT of the Métropole du Grand Paris."""

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=5)  # METRO, MET69, CU, CA, CC, EPT
    population = models.PositiveIntegerField("population", null=True, blank=True)
    communes = models.ManyToManyField(Commune, related_name="epcis", blank=True)

    class Meta:
        verbose_name = "EPCI / EPT"
        verbose_name_plural = "EPCI / EPT"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Perimeter(models.Model):
    """A place a structure works in or a need is carried out in.

    Codes: "national", "reg:11", "dep:94", "epci:200058014" (EPCI and EPT alike) and the bare INSEE code
    of a commune ("94081"). Membership rows (`PerimeterCommune`) list the communes inside each perimeter,
    so "which perimeters contain commune X" and "is X inside P" are one query each.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", "France entière"
        REGION = "region", "Région"
        DEPARTEMENT = "departement", "Département"
        EPCI = "epci", "EPCI / EPT"
        COMMUNE = "commune", "Commune"

    # Rank of each kind from the narrowest (0) to the widest; matching ranks places with it.
    KIND_RANK = {Kind.COMMUNE: 0, Kind.EPCI: 1, Kind.DEPARTEMENT: 2, Kind.REGION: 3, Kind.NATIONAL: 4}

    code = models.CharField("code", max_length=20, unique=True)
    kind = models.CharField("type", max_length=12, choices=Kind.choices, db_index=True)
    name = models.CharField("nom", max_length=200, db_index=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    communes = models.ManyToManyField(Commune, through="PerimeterCommune", related_name="perimeters")
    search_name = models.CharField("nom normalisé", max_length=200, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = "périmètre"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name with what tells homonyms apart: "Val-de-Marne (94)", "Saint-Denis (93)"."""
        if self.kind == self.Kind.DEPARTEMENT:
            return f"{self.name} ({self.code.split(':', 1)[1]})"
        if self.kind == self.Kind.COMMUNE:
            return f"{self.name} ({departement_code_of_commune(self.code)})"
        return self.name

    @property
    def rank(self) -> int:
        return self.KIND_RANK[self.Kind(self.kind)]


class PerimeterCommune(models.Model):
    perimeter = models.ForeignKey(
        Perimeter, verbose_name="périmètre", on_delete=models.CASCADE, related_name="memberships"
    )
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.CASCADE, related_name="perimeter_memberships"
    )

    class Meta:
        verbose_name = "commune d'un périmètre"
        verbose_name_plural = "communes des périmètres"
        constraints = [
            models.UniqueConstraint(fields=["commune", "perimeter"], name="perimeter_commune_unique")
        ]
        indexes = [models.Index(fields=["perimeter", "commune"])]

    def __str__(self) -> str:
        return f"{self.commune_id} ∈ {self.perimeter_id}"
