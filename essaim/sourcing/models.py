"""Models of the sourcing capability.

`Collaboration` is the record shared by sourcing and events: a buyer and a supplier who worked together
(or will follow up) after a need or a meeting at an event.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from essaim.core.models import TimeStampedModel
from essaim.core.private_files import RandomName, private_storage


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
    need = models.ForeignKey(
        "sourcing.Need",
        verbose_name="besoin",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborations",
    )
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
    # The public contract (DECP) that followed, confirmed by the buyer or a facilitator: its national key
    # (buyer SIRET + id), notification date and amount (the collaboration's amount then comes from it).
    contract_buyer_siret = models.CharField("SIRET de l'acheteur du marché", max_length=14, blank=True)
    contract_id = models.CharField("identifiant du marché", max_length=100, blank=True)
    contract_object = models.CharField("objet du marché", max_length=500, blank=True)
    contract_notified_on = models.DateField("marché notifié le", null=True, blank=True)
    contract_amount = models.DecimalField(
        "montant du marché (€ HT)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    contract_linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="marché confirmé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contract_linked_at = models.DateTimeField("marché confirmé le", null=True, blank=True)

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


class Need(TimeStampedModel):
    """A buyer's need: a market study, a quote request or a tender, told to the suppliers that fit it."""

    class Kind(models.TextChoices):
        SOURCING = "sourcing", "Sourcing (étude de marché)"
        QUOTE = "devis", "Demande de devis"
        TENDER = "appel-offres", "Appel d'offres (à venir ou en cours)"

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        TO_VALIDATE = "a-valider", "À valider par l'équipe du territoire"
        PUBLISHED = "publie", "Publié"
        CLOSED = "clos", "Clos"

    class Outcome(models.TextChoices):
        AWARDED = "attribue", "Attribué"
        UNSUCCESSFUL = "infructueux", "Infructueux"
        CANCELLED = "annule", "Annulé"

    class AmountBand(models.TextChoices):
        LT_40K = "lt-40k", "Moins de 40 000 €"
        B40_90K = "40k-90k", "De 40 000 à 90 000 €"
        B90_221K = "90k-221k", "De 90 000 à 221 000 €"
        B221K_1M = "221k-1m", "De 221 000 € à 1 M€"
        GTE_1M = "gte-1m", "Plus de 1 M€"

    class Reservation(models.TextChoices):
        L2113_12 = "L2113-12", "Réservé aux EA et ESAT (L2113-12)"
        L2113_13 = "L2113-13", "Réservé aux SIAE (L2113-13)"
        L2113_14 = "L2113-14", "Réservé aux EA, ESAT et SIAE (L2113-14)"
        L2113_15 = "L2113-15", "Réservé aux entreprises de l'ESS (L2113-15)"

    buyer = models.ForeignKey(
        "accounts.Organisation", verbose_name="acheteur", on_delete=models.CASCADE, related_name="needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rédigé par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("type de besoin", max_length=20, choices=Kind.choices, default=Kind.SOURCING)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description")
    sectors = models.ManyToManyField(
        "directory.Sector", verbose_name="secteurs", blank=True, related_name="needs"
    )
    service_types = models.JSONField("types de prestation", default=list, blank=True)
    place_code = models.CharField(
        "lieu d'exécution", max_length=30, blank=True, help_text="code de commune (94081) ou de périmètre"
    )
    place_name = models.CharField("nom du lieu", max_length=200, blank=True)
    amount = models.DecimalField(
        "montant estimé (€ HT)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_band = models.CharField(
        "tranche de montant", max_length=12, choices=AmountBand.choices, blank=True
    )
    duration_months = models.PositiveSmallIntegerField("durée (mois)", default=12)
    reserved = models.CharField("réservation", max_length=10, choices=Reservation.choices, blank=True)
    deadline = models.DateField("date limite de réponse")
    questions_deadline = models.DateField(
        "date limite des questions",
        null=True,
        blank=True,
        help_text="après cette date, plus de question ; sans date, jusqu'à la date limite de réponse",
    )
    start_date = models.DateField("date de début", null=True, blank=True)
    questions = models.TextField("questions aux fournisseurs", blank=True, help_text="une question par ligne")
    how_to_answer = models.TextField("comment répondre", blank=True)
    show_buyer_name = models.BooleanField("afficher le nom de l'acheteur", default=True)
    status = models.CharField(
        "état", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    outcome = models.CharField("issue", max_length=12, choices=Outcome.choices, blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField("relances envoyées", default=0)
    follow_up_sent_at = models.DateTimeField("enquête de suivi envoyée le", null=True, blank=True)
    external_reference = models.CharField(
        "référence externe",
        max_length=100,
        blank=True,
        help_text="l'identifiant du besoin dans le logiciel qui l'a envoyé par l'API",
    )
    forecast = models.ForeignKey(
        "sourcing.PurchaseForecast",
        verbose_name="prévision d'origine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )

    class Meta:
        verbose_name = "besoin"
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="need_status_deadline")]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="need_unique_external_reference",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def questions_open(self, today: date) -> bool:
        """Suppliers may still ask questions (published, before the questions' deadline, else the deadline)."""
        last_day = self.questions_deadline or self.deadline
        return self.status == Need.Status.PUBLISHED and today <= last_day

    @property
    def buyer_label(self) -> str:
        return self.buyer.name if self.show_buyer_name else "Acheteur public du territoire"


class NeedAttachment(TimeStampedModel):
    need = models.ForeignKey(
        Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("fichier", storage=private_storage, upload_to=RandomName("besoins"))
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10)
    size = models.PositiveIntegerField("taille (octets)")

    class Meta:
        verbose_name = "pièce jointe d'un besoin"
        verbose_name_plural = "pièces jointes des besoins"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NeedNotification(TimeStampedModel):
    """A structure told about a need: one per need and structure, whatever happens (the funnel's first step)."""

    need = models.ForeignKey(
        Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="notifications"
    )
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="need_notifications"
    )
    rank = models.PositiveIntegerField("rang")
    score = models.FloatField("score")
    reasons = models.JSONField("raisons", default=list)
    batch = models.PositiveSmallIntegerField("vague", default=1)
    email = models.EmailField("adresse", blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    opened_at = models.DateTimeField("lien ouvert le", null=True, blank=True)
    viewed_at = models.DateTimeField("besoin consulté le", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("relances", default=0)

    class Meta:
        verbose_name = "fournisseur informé"
        verbose_name_plural = "fournisseurs informés"
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "structure"], name="need_notification_one_per_structure")
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.structure}"


class NeedAnswer(TimeStampedModel):
    """A supplier's answer: interested (with answers and a file), not interested (with a reason), a question."""

    class Kind(models.TextChoices):
        INTERESTED = "interesse", "Intéressé"
        NOT_INTERESTED = "pas-interesse", "Pas intéressé"
        QUESTION = "question", "Question"

    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="fournisseur",
        on_delete=models.CASCADE,
        related_name="need_answers",
    )
    structure = models.ForeignKey(
        "directory.Structure", null=True, blank=True, on_delete=models.SET_NULL, related_name="need_answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("réponse", max_length=20, choices=Kind.choices)
    answers = models.JSONField("réponses aux questions", default=list, blank=True)
    message = models.TextField("message", blank=True)
    reason = models.CharField("raison", max_length=300, blank=True)
    attachment = models.FileField(
        "pièce jointe", storage=private_storage, upload_to=RandomName("reponses"), blank=True
    )
    attachment_name = models.CharField("nom de la pièce jointe", max_length=200, blank=True)
    # A question's answer by the buyer: published on the need's page and emailed to every structure told
    # about the need or interested in it, never to the asker alone, never naming the asker.
    reply = models.TextField("réponse de l'acheteur", blank=True)
    replied_at = models.DateTimeField("réponse publiée le", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="réponse rédigée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "réponse à un besoin"
        verbose_name_plural = "réponses à un besoin"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=~models.Q(kind="question"),
                name="need_answer_one_position_per_supplier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_kind_display()}"


class SupplierPreference(TimeStampedModel):
    """What a structure wants to hear about: muted sectors, no email at all, the weekly digest's subscriptions."""

    structure = models.OneToOneField(
        "directory.Structure", on_delete=models.CASCADE, related_name="sourcing_preference"
    )
    stop_emails = models.BooleanField("ne plus recevoir de besoins par courriel", default=False)
    muted_sectors = models.ManyToManyField(
        "directory.Sector", verbose_name="secteurs en sourdine", blank=True, related_name="+"
    )
    digest_sectors = models.ManyToManyField(
        "directory.Sector", verbose_name="secteurs suivis (lettre hebdomadaire)", blank=True, related_name="+"
    )
    digest_places = models.JSONField("lieux suivis (codes)", default=list, blank=True)
    digest_sent_at = models.DateTimeField("dernière lettre envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "préférences d'un fournisseur"
        verbose_name_plural = "préférences des fournisseurs"

    def __str__(self) -> str:
        return f"Préférences de {self.structure}"


class PurchaseForecast(TimeStampedModel):
    """A planned purchase a buyer makes public ahead of the procedure (non-binding)."""

    class Procedure(models.TextChoices):
        WITHOUT = "sans-publicite", "Sans publicité ni mise en concurrence"
        ADAPTED = "mapa", "Procédure adaptée (MAPA)"
        FORMAL = "formalisee", "Procédure formalisée (appel d'offres)"
        RESERVED = "reserve", "Marché réservé"
        OTHER = "autre", "Autre"

    buyer = models.ForeignKey(
        "accounts.Organisation", verbose_name="acheteur", on_delete=models.CASCADE, related_name="forecasts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("objet", max_length=200)
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField("trimestre", choices=[(q, f"T{q}") for q in (1, 2, 3, 4)])
    sector = models.ForeignKey(
        "directory.Sector", verbose_name="secteur", on_delete=models.PROTECT, related_name="forecasts"
    )
    place_code = models.CharField("lieu (code)", max_length=30, blank=True)
    place_name = models.CharField("lieu", max_length=200, blank=True)
    amount_band = models.CharField("tranche de montant", max_length=12, choices=Need.AmountBand.choices)
    procedure = models.CharField("procédure envisagée", max_length=20, choices=Procedure.choices)
    reference = models.CharField("référence interne", max_length=60, blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "prévision d'achat"
        verbose_name_plural = "prévisions d'achat"
        ordering = ["year", "quarter", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "reference"],
                condition=~models.Q(reference=""),
                name="forecast_unique_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year} T{self.quarter})"


class ForecastImport(TimeStampedModel):
    """One import of a purchase plan: counts and every rejected row with its reasons, kept."""

    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="acheteur",
        on_delete=models.CASCADE,
        related_name="forecast_imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField("fichier", max_length=200)
    committed = models.BooleanField("enregistré", default=False)
    created_count = models.PositiveIntegerField("lignes créées", default=0)
    updated_count = models.PositiveIntegerField("lignes mises à jour", default=0)
    unchanged_count = models.PositiveIntegerField("lignes inchangées", default=0)
    rejected = models.JSONField("lignes rejetées", default=list)

    class Meta:
        verbose_name = "import de plan d'achat"
        verbose_name_plural = "imports de plan d'achat"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class ForecastInterest(TimeStampedModel):
    """A supplier marked a buyer's forecast "intéressé" (one per forecast and supplier; withdrawn = deleted).

    The buyer sees who is interested before writing the need; the need made from the forecast tells these
    structures first."""

    forecast = models.ForeignKey(
        PurchaseForecast, verbose_name="prévision", on_delete=models.CASCADE, related_name="interests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="fournisseur",
        on_delete=models.CASCADE,
        related_name="forecast_interests",
    )
    structure = models.ForeignKey(
        "directory.Structure",
        verbose_name="structure de l'annuaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forecast_interests",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.CharField("message", max_length=500, blank=True)
    capacity = models.CharField("capacité", max_length=200, blank=True)

    class Meta:
        verbose_name = "intérêt pour une prévision"
        verbose_name_plural = "intérêts pour des prévisions"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "organisation"], name="forecast_interest_one_per_supplier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.forecast}"
