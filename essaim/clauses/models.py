"""Models of the social clauses capability: contracts with an insertion clause, the people who work on them
(pseudonymous), their monthly hours and their pathways.

Personal data is split on purpose (docs/clauses.md, « Données personnelles »):
- `Participant` holds the pseudonymous tracking data (reference `P-0042`, eligibility, sex, birth year, QPV);
- `ParticipantIdentity` holds the identity (name, birth date, contact, address), in its own table, read by
  facilitators only, and every read is recorded in `IdentityRead` (who, when, which page);
- nothing identifying is written to the audit log: participants appear there by their reference.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

from essaim.core.models import TimeStampedModel


class LegalBasis(models.TextChoices):
    EXECUTION_CONDITION = "condition-execution", "Condition d'exécution (article L2112-2)"
    AWARD_CRITERION = "critere-attribution", "Critère d'attribution (article L2152-7)"
    RESERVED = "marche-reserve", "Marché réservé (articles L2113-12 et L2113-13)"
    MIXED = "clause-mixte", "Clause mixte (condition d'exécution et critère d'attribution)"


class Modality(models.TextChoices):
    """How the clause is met, for one participant on one contract."""

    DIRECT_HIRE = "embauche-directe", "Embauche directe par le titulaire"
    ETTI = "etti", "Intérim d'insertion (ETTI)"
    AI_GEIQ = "ai-geiq", "Mise à disposition par une AI ou un GEIQ"
    SIAE_SUBCONTRACTING = "sous-traitance-siae", "Sous-traitance ou cotraitance avec une EI ou un ACI"
    TRAINING = "formation", "Heures de formation"


class Eligibility(models.TextChoices):
    DELD = "deld", "Demandeur d'emploi de longue durée (12 mois et plus)"
    RSA = "rsa", "Allocataire du RSA"
    RQTH = "rqth", "Travailleur handicapé (RQTH)"
    ASS_AAH = "ass-aah", "Allocataire de l'ASS, de l'AAH ou d'une pension d'invalidité"
    YOUTH = "jeune-26", "Jeune de moins de 26 ans sans qualification"
    SIAE = "siae", "Salarié d'une SIAE"
    OTHER = "autre-valide", "Autre public, validé sur avis d'un prescripteur"


class Situation(models.TextChoices):
    """Where a participant stands at the end of the mission and six months later."""

    CDI = "cdi", "CDI"
    CDD_LONG = "cdd-6-mois-plus", "CDD de 6 mois et plus"
    CDD_SHORT = "cdd-moins-6-mois", "CDD de moins de 6 mois"
    INTERIM = "interim", "Intérim"
    TRAINING = "formation-qualifiante", "Formation qualifiante"
    BUSINESS = "creation-activite", "Création d'activité"
    JOBLESS = "sans-emploi", "Sans emploi"
    UNKNOWN = "inconnu", "Situation inconnue"


class Prescriber(models.TextChoices):
    FRANCE_TRAVAIL = "france-travail", "France Travail"
    MISSION_LOCALE = "mission-locale", "Mission locale"
    PLIE = "plie", "PLIE"
    CAP_EMPLOI = "cap-emploi", "Cap emploi"
    SIAE = "siae", "Structure d'insertion (SIAE)"
    OTHER = "autre", "Autre prescripteur"


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"


class Contract(TimeStampedModel):
    """A public contract carrying an insertion clause, followed by the territory's facilitators."""

    class Origin(models.TextChoices):
        MANUAL = "saisie", "Saisi par l'équipe d'animation"
        IMPORT = "import", "Importé d'un tableur"
        NEED = "besoin", "Créé à partir d'un besoin publié"
        DECP = "decp", "Créé à partir des données essentielles (DECP)"

    reference = models.CharField(
        "référence", max_length=60, unique=True, help_text="La référence du marché, unique sur la plateforme."
    )
    title = models.CharField("objet du marché", max_length=300)
    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="acheteur",
        on_delete=models.PROTECT,
        related_name="clause_contracts_as_buyer",
    )
    holder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="titulaire",
        on_delete=models.PROTECT,
        related_name="clause_contracts_as_holder",
    )
    legal_basis = models.CharField("fondement juridique", max_length=30, choices=LegalBasis.choices)
    amount_ht = models.DecimalField("montant (€ HT)", max_digits=14, decimal_places=2)
    labour_share = models.DecimalField("part de main-d'œuvre", max_digits=5, decimal_places=4)
    insertion_rate = models.DecimalField("taux d'insertion", max_digits=5, decimal_places=4)
    hourly_cost = models.DecimalField("coût horaire chargé (€)", max_digits=8, decimal_places=2)
    hours_owed = models.PositiveIntegerField("heures dues")
    hours_owed_is_manual = models.BooleanField("heures dues fixées à la main", default=False)
    hours_owed_reason = models.TextField("motif des heures fixées à la main", blank=True)
    start_date = models.DateField("début d'exécution")
    end_date = models.DateField("fin d'exécution")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chargé·e de suivi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declarant_email = models.EmailField(
        "adresse des relevés mensuels",
        blank=True,
        help_text="Où envoyer le lien de déclaration mensuel ; à défaut, aux administrateurs du titulaire.",
    )
    origin = models.CharField("origine", max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    need = models.ForeignKey(
        "sourcing.Need",
        verbose_name="besoin d'origine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    advice_summary = models.CharField("conseil de réservation", max_length=300, blank=True)
    advice_hours = models.PositiveIntegerField("heures du conseil de réservation", null=True, blank=True)
    decp_buyer_siret = models.CharField("SIRET acheteur (DECP)", max_length=14, blank=True)
    decp_id = models.CharField("identifiant du marché (DECP)", max_length=40, blank=True)

    class Meta:
        verbose_name = "marché à clause sociale"
        verbose_name_plural = "marchés à clause sociale"
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="contract_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(labour_share__gte=0, labour_share__lte=1), name="contract_labour_share"
            ),
            models.CheckConstraint(
                condition=models.Q(insertion_rate__gte=0, insertion_rate__lte=1),
                name="contract_insertion_rate",
            ),
            models.CheckConstraint(condition=models.Q(hourly_cost__gt=0), name="contract_hourly_cost"),
            models.CheckConstraint(condition=models.Q(amount_ht__gte=0), name="contract_amount"),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="contract_period")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def is_active_in(self, year: int) -> bool:
        return self.start_date <= date(year, 12, 31) and self.end_date >= date(year, 1, 1)


class ContractLot(TimeStampedModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=200)
    amount_ht = models.DecimalField("montant (€ HT)", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "lot"
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contract_lot_number")]

    def __str__(self) -> str:
        return f"Lot {self.number} — {self.title}"


class ContractParty(TimeStampedModel):
    """A co-contractor or a subcontractor of the holder, known by its SIRET (as an organisation)."""

    class Role(models.TextChoices):
        CO_CONTRACTOR = "cotraitant", "Cotraitant"
        SUBCONTRACTOR = "sous-traitant", "Sous-traitant"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("rôle", max_length=15, choices=Role.choices)

    class Meta:
        verbose_name = "cotraitant ou sous-traitant"
        verbose_name_plural = "cotraitants ou sous-traitants"
        ordering = ["contract", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation"], name="contract_party_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Participant(TimeStampedModel):
    """A person working on clause hours, known by a pseudonymous reference in all tracking data."""

    reference = models.CharField("référence", max_length=20, unique=True)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    qpv = models.BooleanField("réside dans un quartier prioritaire (QPV)", null=True, blank=True)
    eligibility = models.CharField("public éligible", max_length=20, choices=Eligibility.choices, blank=True)
    eligibility_validated_on = models.DateField("éligibilité validée le", null=True, blank=True)
    eligibility_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="éligibilité validée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    prescriber = models.CharField("prescripteur", max_length=20, choices=Prescriber.choices, blank=True)
    prescriber_name = models.CharField("structure prescriptrice", max_length=120, blank=True)
    identity_removed_at = models.DateTimeField("identité supprimée le", null=True, blank=True)

    class Meta:
        verbose_name = "participant"
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class ParticipantIdentity(TimeStampedModel):
    """Who a participant is. Read by facilitators only (and the first name by the holder), every read logged."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="identity")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.TextField("adresse postale", blank=True)

    class Meta:
        verbose_name = "identité d'un participant"
        verbose_name_plural = "identités des participants"

    def __str__(self) -> str:
        return f"Identité de {self.participant_id}"


class IdentityRead(models.Model):
    """One read of one participant's identity: who read it (a user, or a signed link), when, on which page."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="identity_reads")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reader_label = models.CharField("lecteur", max_length=200)
    read_at = models.DateTimeField("lu le", auto_now_add=True, db_index=True)
    page = models.CharField("page", max_length=300)
    fields = models.CharField("données lues", max_length=200)

    class Meta:
        verbose_name = "lecture d'une identité"
        verbose_name_plural = "journal des lectures d'identité"
        ordering = ["-read_at", "-id"]

    def __str__(self) -> str:
        return f"{self.read_at:%Y-%m-%d %H:%M} {self.reader_label} → {self.participant_id}"


class Mission(TimeStampedModel):
    """A participant working on a contract: how the clause is met, and where the person stands after it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="missions")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="missions")
    modality = models.CharField("modalité", max_length=20, choices=Modality.choices)
    employer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure employeuse (ETTI, AI, GEIQ, SIAE)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_on = models.DateField("début de la mission", null=True, blank=True)
    ended_on = models.DateField("fin de la mission", null=True, blank=True)
    exit_situation = models.CharField(
        "situation à la sortie", max_length=25, choices=Situation.choices, blank=True
    )
    exit_recorded_on = models.DateField("situation à la sortie connue le", null=True, blank=True)
    six_months_situation = models.CharField(
        "situation à six mois", max_length=25, choices=Situation.choices, blank=True
    )
    six_months_recorded_on = models.DateField("situation à six mois connue le", null=True, blank=True)

    class Meta:
        verbose_name = "mission"
        ordering = ["contract", "participant__reference"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "participant"], name="mission_once_per_contract")
        ]

    def __str__(self) -> str:
        return f"Mission {self.pk} sur le marché {self.contract_id}"


class MonthlyStatement(TimeStampedModel):
    """One month of one contract: declared by the holder (account, signed link) or imported, then validated."""

    class Channel(models.TextChoices):
        ACCOUNT = "compte", "Compte du titulaire"
        LINK = "lien", "Lien mensuel sans mot de passe"
        IMPORT = "import", "Import d'un tableur"
        FACILITATOR = "animation", "Saisie par l'équipe d'animation"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="statements")
    month = models.DateField("mois", help_text="Le premier jour du mois.")
    submitted_at = models.DateTimeField("déclaré le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_sent_at = models.DateTimeField("lien envoyé le", null=True, blank=True)
    reminded_at = models.DateTimeField("relance envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "relevé mensuel"
        verbose_name_plural = "relevés mensuels"
        ordering = ["contract", "month"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="statement_once_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="statement_first_day"),
        ]

    def __str__(self) -> str:
        return f"Relevé {self.month:%m/%Y} du marché {self.contract_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None


MAX_MONTHLY_HOURS = Decimal(200)


class Declaration(TimeStampedModel):
    """Hours one participant worked (and trained) on one contract in one month."""

    statement = models.ForeignKey(MonthlyStatement, on_delete=models.CASCADE, related_name="declarations")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="declarations")
    month = models.DateField("mois")
    hours = models.DecimalField("heures travaillées", max_digits=6, decimal_places=2)
    training_hours = models.DecimalField(
        "heures de formation", max_digits=6, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = "déclaration d'heures"
        verbose_name_plural = "déclarations d'heures"
        ordering = ["month", "mission"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "month"], name="declaration_once_per_month"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0, hours__lte=MAX_MONTHLY_HOURS), name="declaration_hours"
            ),
            models.CheckConstraint(
                condition=models.Q(training_hours__gte=0, training_hours__lte=MAX_MONTHLY_HOURS),
                name="declaration_training_hours",
            ),
        ]
        indexes = [models.Index(fields=["month"], name="declaration_month")]

    def __str__(self) -> str:
        return f"Heures de {self.month:%m/%Y} (mission {self.mission_id})"
