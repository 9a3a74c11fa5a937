"""Models of the directory: sectors, structures of the ESS, their activities and claims.

Derived columns (`*_mask`, `eligible_*`, `name_normalised`, `search_name`, `search_body`) are recomputed by
`services.structure_refresh_derived` and never edited by hand. Search indexes built on them live in the
database (see `search/backends.py` and migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from essaim.accounts.validators import siret_validator
from essaim.core.models import RequestForDecision, TimeStampedModel

from . import references


class Sector(models.Model):
    """A sector of activity on two levels: 15 shared top-level slugs, then our own sub-sectors."""

    slug = models.SlugField("identifiant", max_length=60, unique=True)
    name = models.CharField("nom", max_length=120)
    keywords = models.CharField("mots-clés", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="secteur parent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "secteur"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class StructureQuerySet(models.QuerySet["Structure"]):
    def published(self) -> StructureQuerySet:
        return self.filter(status=Structure.Status.PUBLISHED)

    def with_listing(self) -> StructureQuerySet:
        """What a result card shows, fetched up front."""
        return self.select_related("commune").prefetch_related(
            models.Prefetch(
                "activities", queryset=Activity.objects.select_related("sector", "sector__parent")
            )
        )


class Structure(TimeStampedModel):
    """A structure of the social and solidarity economy listed in the directory."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publiée"
        DELISTED = "delisted", "Retirée"
        TO_REVIEW = "to_review", "À vérifier"

    class RevenueBand(models.TextChoices):
        UNKNOWN = "", "Non renseigné"
        LT_100K = "lt-100k", "Moins de 100 k€"
        LT_500K = "100k-500k", "100 k€ à 500 k€"
        LT_2M = "500k-2m", "500 k€ à 2 M€"
        LT_10M = "2m-10m", "2 M€ à 10 M€"
        GTE_10M = "gte-10m", "10 M€ et plus"

    # Field groups: provenance is tracked per group, and a structure's own edits lock a group.
    FIELD_GROUPS: dict[str, tuple[str, ...]] = {
        "identity": (
            "name", "brand", "siret", "siren", "legal_form_code", "naf_code", "year_founded",
            "headcount", "insertion_headcount", "revenue_band",
        ),
        "contact": ("address", "postal_code", "commune", "website", "email", "phone"),
        "classification": ("ess_families", "inclusion_kinds", "is_ressourcerie"),
        "presentation": ("description", "offers", "client_references", "labels"),
        "activities": ("activities",),
    }  # fmt: skip

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name="organisation gestionnaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="structure",
    )
    status = models.CharField(
        "état", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    # Identity
    name = models.CharField("nom", max_length=200)
    brand = models.CharField("enseigne", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[siret_validator])
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    legal_form_code = models.CharField("catégorie juridique (code INSEE)", max_length=4, blank=True)
    legal_form_label = models.CharField("catégorie juridique", max_length=200, blank=True)
    naf_code = models.CharField("code NAF", max_length=6, blank=True)
    year_founded = models.PositiveSmallIntegerField("année de création", null=True, blank=True)
    headcount = models.PositiveIntegerField("effectif total", null=True, blank=True)
    insertion_headcount = models.PositiveIntegerField("effectif en insertion", null=True, blank=True)
    revenue_band = models.CharField(
        "chiffre d'affaires", max_length=12, choices=RevenueBand.choices, default="", blank=True
    )

    # Contact
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="structures",
    )
    website = models.URLField("site web", blank=True)
    email = models.EmailField("adresse électronique de contact", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    logo = models.ImageField("logo", upload_to="directory/logos/", blank=True)

    # Classification (bit masks over references.ESS_FAMILIES and references.INCLUSION_KINDS)
    ess_families_mask = models.PositiveIntegerField("familles de l'ESS", default=0)
    inclusion_kinds_mask = models.PositiveIntegerField("types de structure inclusive", default=0)
    is_ressourcerie = models.BooleanField("ressourcerie ou structure de réemploi", default=False)
    # Derived, for fast filtering
    sectors_mask = models.PositiveIntegerField("secteurs (dérivé)", default=0)
    eligible_l2113_12 = models.BooleanField("éligible L2113-12", default=False)
    eligible_l2113_13 = models.BooleanField("éligible L2113-13", default=False)
    eligible_l2113_15 = models.BooleanField("éligible L2113-15", default=False)

    # Presentation
    description = models.TextField("présentation", blank=True)
    offers = models.TextField("offre (produits et services)", blank=True)
    client_references = models.TextField("références clients", blank=True)
    labels = models.CharField("labels et agréments", max_length=500, blank=True)

    # Provenance: {"identity": {"source": "sirene", "source_id": "…", "last_seen": "2026-01-31"}, …}
    source = models.CharField("source", max_length=30, blank=True)
    source_id = models.CharField("identifiant dans la source", max_length=100, blank=True)
    provenance = models.JSONField("provenance", default=dict, blank=True)
    locked_groups = models.JSONField("groupes modifiés par la structure", default=list, blank=True)

    # Search documents (analysed terms, see analysis.py)
    name_normalised = models.CharField("nom normalisé (dérivé)", max_length=400, blank=True, db_index=True)
    search_name = models.TextField("nom indexé (dérivé)", blank=True)
    search_body = models.TextField("texte indexé (dérivé)", blank=True)
    search_tags = models.TextField(
        "filtres indexés (dérivé)", blank=True
    )  # filters as index words (search/columns.py)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        ordering = ["name_normalised"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="structure_siret_unique"
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="structure_source_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "commune"], name="structure_status_commune"),
            models.Index(fields=["status", "updated_at"], name="structure_status_updated"),
            models.Index(fields=["status", "name_normalised"], name="directory_structure_name_sort"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ess_families(self) -> list[str]:
        return references.codes_of(self.ess_families_mask, references.ESS_FAMILIES)

    @property
    def inclusion_kinds(self) -> list[str]:
        return references.codes_of(self.inclusion_kinds_mask, references.INCLUSION_KINDS)

    @property
    def ess_family_labels(self) -> list[str]:
        return [references.ESS_FAMILIES[c] for c in self.ess_families]

    @property
    def inclusion_kind_labels(self) -> list[str]:
        return [references.INCLUSION_KINDS[c] for c in self.inclusion_kinds]

    @property
    def reservations(self) -> list[str]:
        flags = {
            "l2113-12": self.eligible_l2113_12,
            "l2113-13": self.eligible_l2113_13,
            "l2113-15": self.eligible_l2113_15,
        }
        return [code for code, flag in flags.items() if flag]

    @property
    def reservation_labels(self) -> list[str]:
        return [references.RESERVATIONS[c] for c in self.reservations]

    @property
    def top_sectors(self) -> list[Sector]:
        """Top-level sectors of the activities (uses prefetched activities)."""
        seen: dict[str, Sector] = {}
        for activity in self.activities.all():
            top = activity.sector.parent or activity.sector
            seen.setdefault(top.slug, top)
        return list(seen.values())

    def group_of(self, field: str) -> str | None:
        for group, fields in self.FIELD_GROUPS.items():
            if field in fields:
                return group
        return None


class Activity(models.Model):
    """What a structure does in a sector, the kinds of service and where it works."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="activities")
    sector = models.ForeignKey(
        Sector, verbose_name="secteur", on_delete=models.PROTECT, related_name="activities"
    )
    service_types = models.JSONField("types de prestation", default=list, blank=True)
    description = models.CharField("précisions", max_length=300, blank=True)
    is_national = models.BooleanField("intervient dans toute la France", default=False)
    perimeters = models.ManyToManyField(
        "territory.Perimeter", verbose_name="périmètres d'intervention", blank=True, related_name="activities"
    )

    class Meta:
        verbose_name = "activité"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.structure} — {self.sector}"

    @property
    def service_type_labels(self) -> list[str]:
        return [references.SERVICE_TYPES.get(code, code) for code in self.service_types]


class SearchWord(models.Model):
    """A word of the search index (an analysed term of some structure's name or description) and about how
    many structures hold it. Misspelt query words are corrected to these words (`search/partial.py`).
    Written only by the search backends when they index structures (`index`, `index_range`, `rebuild`):
    words are added, never removed, and `documents` is exact after a rebuild, a lower bound otherwise."""

    MAX_LENGTH = 60  # longer index words are left out (nobody types them); queries never correct them

    word = models.CharField("mot", max_length=MAX_LENGTH, unique=True)
    documents = models.PositiveIntegerField("structures qui le contiennent", default=0)

    class Meta:
        verbose_name = "mot de l'index"
        verbose_name_plural = "mots de l'index"

    def __str__(self) -> str:
        return self.word


class ClaimRequest(RequestForDecision):
    """A person asks to manage a structure's profile (join request), found by its SIRET."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandeur",
        on_delete=models.CASCADE,
        related_name="structure_claims",
    )

    class Meta:
        verbose_name = "demande de rattachement"
        verbose_name_plural = "demandes de rattachement"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "user"],
                condition=models.Q(status="pending"),
                name="claim_pending_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.structure}"


class StructurePhoto(TimeStampedModel):
    """A photo of a structure's work, re-encoded (metadata stripped) by `media.clean_image`."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("photo", upload_to="directory/photos/")
    caption = models.CharField("légende", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "photo"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or f"Photo de {self.structure}"


class SourceRecord(models.Model):
    """The source record an import created a structure from, kept for the facilitators' review (side by
    side with the profile the import prepared) and as provenance. Refreshed when the import sees it again."""

    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="source_record")
    source = models.CharField("source", max_length=30)
    source_id = models.CharField("identifiant dans la source", max_length=100)
    record = models.JSONField("enregistrement de la source", default=dict)
    link = models.URLField("lien vers la source", max_length=2083, blank=True)
    imported_at = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "enregistrement importé"
        verbose_name_plural = "enregistrements importés"

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class ProfileReport(RequestForDecision):
    """A logged-in person reports a profile (wrong, not an ESS structure, closed…): it waits in the
    facilitators' review queue, which delists the profile (approved) or dismisses the report (rejected)."""

    class Reason(models.TextChoices):
        WRONG = "inexacte", "Informations inexactes ou périmées"
        NOT_ESS = "hors-ess", "Ce n'est pas une structure de l'ESS"
        CLOSED = "fermee", "La structure a cessé son activité"
        DUPLICATE = "doublon", "Doublon d'une autre fiche"
        ABUSE = "abus", "Contenu inapproprié"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signalé par",
        on_delete=models.CASCADE,
        related_name="profile_reports",
    )
    reason = models.CharField("motif", max_length=12, choices=Reason.choices)

    class Meta:
        verbose_name = "signalement de fiche"
        verbose_name_plural = "signalements de fiches"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "user"],
                condition=models.Q(status="pending"),
                name="profile_report_pending_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} signale {self.structure}"
