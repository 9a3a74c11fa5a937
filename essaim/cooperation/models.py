"""Models of the cooperation capability: working groups, pooling of resources, partners' support offers.

The rule "a resource is never booked twice for overlapping accepted periods" is enforced by
`services.booking_accept` (row lock + check inside one transaction) and, on PostgreSQL, by an exclusion
constraint created in migration 0002 (see docs/cooperation.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from essaim.core.models import TimeStampedModel
from essaim.core.private_files import RandomName, private_storage

# ---------------------------------------------------------------- working groups


class WorkingGroup(TimeStampedModel):
    """A group of organisations working together (e.g. towards a PTCE)."""

    class Access(models.TextChoices):
        OPEN = "ouvert", "Ouvert : toute organisation peut rejoindre"
        REQUEST = "sur-demande", "Sur demande : les coordinateurs valident"

    name = models.CharField("nom", max_length=200)
    purpose = models.TextField("objet du groupe")
    perimeter = models.ForeignKey(
        "territory.Perimeter",
        verbose_name="territoire couvert",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    access = models.CharField("adhésion", max_length=12, choices=Access.choices, default=Access.REQUEST)
    is_private = models.BooleanField(
        "groupe privé", default=False, help_text="Les documents ne sont visibles que des membres."
    )
    tracks_material_flows = models.BooleanField(
        "suivi des flux de matières",
        default=False,
        help_text="Pour les groupes réemploi et textile : les membres déclarent leurs tonnages chaque trimestre.",
    )
    charter = models.ForeignKey(
        "GroupDocument",
        verbose_name="charte",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "groupe de travail"
        verbose_name_plural = "groupes de travail"
        ordering = ["name"]
        constraints = [
            # A private group admits members one by one (open joining would let anyone read its documents).
            models.CheckConstraint(
                condition=~models.Q(is_private=True, access="ouvert"), name="private_group_not_open"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(TimeStampedModel):
    """An organisation in a working group, typed, with its role and the state of its request."""

    class MemberType(models.TextChoices):
        ESS = "structure-ess", "Structure de l'ESS"
        BUSINESS = "entreprise", "Entreprise"
        LOCAL_AUTHORITY = "collectivite", "Collectivité"
        RESEARCH = "recherche", "Recherche"
        TRAINING = "formation", "Organisme de formation"
        PARTNER = "partenaire", "Partenaire"

    class Role(models.TextChoices):
        COORDINATOR = "coordinateur", "Coordinateur"
        MEMBER = "membre", "Membre"

    class Status(models.TextChoices):
        PENDING = "en-attente", "Demande en attente"
        ACTIVE = "actif", "Membre"
        DECLINED = "refuse", "Demande refusée"

    group = models.ForeignKey(
        WorkingGroup, verbose_name="groupe", on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="working_group_memberships"
    )
    member_type = models.CharField("type de membre", max_length=20, choices=MemberType.choices)
    role = models.CharField("rôle", max_length=14, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.PENDING)
    message = models.TextField("message", blank=True, max_length=2000)

    class Meta:
        verbose_name = "membre d'un groupe"
        verbose_name_plural = "membres des groupes"
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["group", "organisation"], name="group_member_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.group}"


class GroupAction(TimeStampedModel):
    """One line of a group's action plan."""

    class Status(models.TextChoices):
        TODO = "a-faire", "À faire"
        IN_PROGRESS = "en-cours", "En cours"
        DONE = "fait", "Fait"
        ABANDONED = "abandonne", "Abandonné"

    group = models.ForeignKey(
        WorkingGroup, verbose_name="groupe", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField("action", max_length=200)
    description = models.TextField("précisions", blank=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="porteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.TODO)

    class Meta:
        verbose_name = "action"
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        open_statuses = (self.Status.TODO, self.Status.IN_PROGRESS)
        return bool(self.due_date and self.status in open_statuses and self.due_date < timezone.localdate())


class ActionComment(TimeStampedModel):
    action = models.ForeignKey(GroupAction, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField("commentaire", max_length=3000)

    class Meta:
        verbose_name = "commentaire"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:50]


class GroupMeeting(TimeStampedModel):
    """A meeting of the group: a dated note, linked to the event that organises it when there is one."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name="groupe", on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField("date")
    title = models.CharField("titre", max_length=200)
    notes = models.TextField("compte rendu", blank=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name="événement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_meetings",
    )

    class Meta:
        verbose_name = "réunion"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class GroupDocument(TimeStampedModel):
    """A file shared in a group. Its type is checked on its first bytes, not on its name only."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        ODT = "odt", "Texte OpenDocument"
        DOCX = "docx", "Texte Word"
        XLSX = "xlsx", "Tableur Excel"
        ODS = "ods", "Tableur OpenDocument"
        PNG = "png", "Image PNG"
        JPEG = "jpeg", "Image JPEG"

    group = models.ForeignKey(
        WorkingGroup, verbose_name="groupe", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", storage=private_storage, upload_to=RandomName("cooperation/documents"))
    filename = models.CharField("nom du fichier", max_length=200, blank=True)
    kind = models.CharField("type", max_length=5, choices=Kind.choices)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "document partagé"
        verbose_name_plural = "documents partagés"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class MaterialFlow(TimeStampedModel):
    """Tonnes of one material a member collected, reused and recycled in one quarter."""

    class Material(models.TextChoices):
        CLOTHING = "vetements", "Vêtements"
        HOUSEHOLD_LINEN = "linge", "Linge de maison"
        SHOES = "chaussures", "Chaussures"
        LEATHER = "cuir", "Cuir et maroquinerie"
        OFFCUTS = "chutes", "Chutes de production"
        OTHER = "autres", "Autres matières"

    group = models.ForeignKey(
        WorkingGroup, verbose_name="groupe", on_delete=models.CASCADE, related_name="flows"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="material_flows"
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField("trimestre", choices=[(q, f"T{q}") for q in range(1, 5)])
    material = models.CharField("matière", max_length=12, choices=Material.choices)
    collected_t = models.DecimalField(
        "collecté (t)", max_digits=9, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )
    reused_t = models.DecimalField(
        "réemployé (t)", max_digits=9, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )
    recycled_t = models.DecimalField(
        "recyclé (t)", max_digits=9, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déclaré par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "flux de matière"
        verbose_name_plural = "flux de matière"
        verbose_name_plural = "flux de matière"
        ordering = ["year", "quarter", "material"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organisation", "year", "quarter", "material"], name="material_flow_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="material_flow_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}-T{self.quarter} {self.get_material_display()}"


# ---------------------------------------------------------------- pooling


class ResourceKind(models.TextChoices):
    PREMISES = "locaux", "Locaux"
    WORKSHOP = "atelier", "Espace d'atelier"
    EQUIPMENT = "materiel", "Matériel"
    VEHICLE = "vehicule", "Véhicule"
    LOGISTICS = "logistique", "Tournée logistique"
    STORAGE = "stockage", "Stockage"


class Conditions(models.TextChoices):
    FREE = "gratuit", "Gratuit"
    COST_SHARING = "partage-frais", "Partage des frais"
    PRICE = "prix", "Payant"


class Resource(TimeStampedModel):
    """A shared resource an organisation offers to others (a pooling offer)."""

    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="propriétaire",
        on_delete=models.CASCADE,
        related_name="resources",
    )
    kind = models.CharField("type", max_length=12, choices=ResourceKind.choices)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description")
    perimeter = models.ForeignKey(
        "territory.Perimeter",
        verbose_name="territoire desservi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    capacity = models.CharField("capacité", max_length=200, blank=True)
    conditions = models.CharField("conditions", max_length=14, choices=Conditions.choices)
    price = models.CharField("tarif", max_length=200, blank=True)
    available_from = models.DateField("disponible à partir du", null=True, blank=True)
    available_until = models.DateField("disponible jusqu'au", null=True, blank=True)
    is_active = models.BooleanField("publiée", default=True)

    class Meta:
        verbose_name = "ressource partagée"
        verbose_name_plural = "ressources partagées"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ResourceRequest(TimeStampedModel):
    """An organisation looking for a shared resource of some kind, somewhere, for some dates."""

    class Status(models.TextChoices):
        OPEN = "ouverte", "Ouverte"
        CLOSED = "close", "Close"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="resource_requests"
    )
    kind = models.CharField("type", max_length=12, choices=ResourceKind.choices)
    description = models.TextField("besoin")
    commune = models.ForeignKey(
        "territory.Commune", verbose_name="commune", null=True, blank=True, on_delete=models.SET_NULL
    )
    capacity = models.CharField("capacité souhaitée", max_length=200, blank=True)
    conditions = models.CharField(
        "conditions acceptées", max_length=14, choices=Conditions.choices, blank=True
    )
    starts_on = models.DateField("à partir du")
    ends_on = models.DateField("jusqu'au")
    status = models.CharField("statut", max_length=8, choices=Status.choices, default=Status.OPEN)
    matches = models.ManyToManyField(
        Resource, verbose_name="ressources correspondantes", blank=True, related_name="matched_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "demande de ressource"
        verbose_name_plural = "demandes de ressources"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="resource_request_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation}"


class Booking(TimeStampedModel):
    """A member asks to use a resource for a period; its owner accepts or declines."""

    class Status(models.TextChoices):
        REQUESTED = "demandee", "Demandée"
        ACCEPTED = "acceptee", "Acceptée"
        DECLINED = "refusee", "Refusée"
        CANCELLED = "annulee", "Annulée"

    resource = models.ForeignKey(
        Resource, verbose_name="ressource", on_delete=models.CASCADE, related_name="bookings"
    )
    requester = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation demandeuse",
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    message = models.TextField("message", blank=True, max_length=2000)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "réservation"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["resource", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} — {self.requester} ({self.starts_at:%d/%m/%Y})"


# ---------------------------------------------------------------- support offers


class SupportOffer(TimeStampedModel):
    """What a partner organisation offers to buyers and suppliers (advice, funding, training…)."""

    class Audience(models.TextChoices):
        BUYERS = "acheteurs", "Acheteurs publics"
        SUPPLIERS = "fournisseurs", "Structures de l'ESS"
        BOTH = "tous", "Acheteurs et structures de l'ESS"

    class Topic(models.TextChoices):
        SOURCING = "sourcing", "Sourcing"
        RESERVATION = "reservation", "Marchés réservés"
        SOCIAL_CLAUSES = "clauses-sociales", "Clauses sociales"
        FUNDING = "financement", "Financement"
        PREMISES = "locaux", "Locaux"
        TRAINING = "formation", "Formation"
        BUSINESS_CREATION = "creation-activite", "Création d'activité"
        COOPERATION = "cooperation", "Coopération"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="support_offers"
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description")
    audience = models.CharField("public", max_length=12, choices=Audience.choices)
    # Stored as ",sourcing,financement," so that one topic is found with `topics__contains=",sourcing,"`
    # on SQLite and PostgreSQL alike.
    topics = models.CharField("thèmes", max_length=200)
    perimeter = models.ForeignKey(
        "territory.Perimeter",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Laisser vide si l'offre est accessible partout.",
    )
    how_to_access = models.TextField("comment en bénéficier")
    contact_email = models.EmailField("adresse de contact", blank=True)
    contact_url = models.URLField("page de contact", blank=True)
    is_published = models.BooleanField("publiée", default=True)

    class Meta:
        verbose_name = "offre d'accompagnement"
        verbose_name_plural = "offres d'accompagnement"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(self.Topic.choices)
        return [str(labels.get(t, t)) for t in self.topic_list]

    @staticmethod
    def encode_topics(topics: list[str]) -> str:
        return "," + ",".join(sorted(set(topics))) + "," if topics else ""
