"""Models of the events capability: events and their programme, registrations, stands, meeting requests
and the scheduled buyer–supplier meetings.

States change only through `services.py`; every change is recorded in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from essaim.core.models import TimeStampedModel


class Event(TimeStampedModel):
    class Kind(models.TextChoices):
        MATINALE = "matinale", "Matinale"
        SECTOR_MEETING = "rencontre-filiere", "Rencontre de filière"
        FAIR = "salon", "Salon"
        WORKSHOP = "atelier", "Atelier"

    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.MATINALE)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisateur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
    )
    place = models.CharField("lieu", max_length=250, blank=True)
    commune = models.ForeignKey(
        "territory.Commune", verbose_name="commune", null=True, blank=True, on_delete=models.SET_NULL
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    is_published = models.BooleanField("publié", default=True)

    # Registration
    capacity = models.PositiveIntegerField("places", default=100)
    capacity_buyer = models.PositiveIntegerField("places pour les acheteurs", null=True, blank=True)
    capacity_supplier = models.PositiveIntegerField("places pour les fournisseurs", null=True, blank=True)
    capacity_partner = models.PositiveIntegerField("places pour les partenaires", null=True, blank=True)
    capacity_visitor = models.PositiveIntegerField("places pour les visiteurs", null=True, blank=True)
    registration_opens_at = models.DateTimeField("ouverture des inscriptions", null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        "clôture des inscriptions",
        null=True,
        blank=True,
        help_text="Sans date, les inscriptions ferment au début de l'événement.",
    )

    # Buyer–supplier meetings
    offers_meetings = models.BooleanField("rendez-vous acheteurs–fournisseurs", default=False)
    meetings_start_at = models.DateTimeField("début des rendez-vous", null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField("durée d'un créneau (minutes)", default=15)
    slot_count = models.PositiveSmallIntegerField("nombre de créneaux", default=0)
    breaks = models.JSONField(
        "pauses",
        default=list,
        blank=True,
        help_text="Numéros des créneaux qui commencent une nouvelle session.",
    )
    break_minutes = models.PositiveSmallIntegerField("durée d'une pause (minutes)", default=15)
    tables = models.PositiveSmallIntegerField("tables", default=0)
    agendas_published_at = models.DateTimeField("agendas publiés le", null=True, blank=True)
    schedule_report = models.JSONField("dernier calcul du planning", default=dict, blank=True)

    class Meta:
        verbose_name = "événement"
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title

    # --- derived, no writes
    @property
    def closes_at(self) -> datetime:
        return self.registration_closes_at or self.starts_at

    def registration_is_open(self, now: datetime | None = None) -> bool:
        """Registration opens and closes by itself, from the dates (no scheduled task needed)."""
        now = now or timezone.now()
        if not self.is_published:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return now < self.closes_at

    def capacity_for(self, role: str) -> int | None:
        return getattr(self, f"capacity_{ROLE_FIELDS[role]}", None)

    def slot_start(self, slot: int) -> datetime | None:
        if self.meetings_start_at is None:
            return None
        breaks_before = sum(1 for b in self.breaks if 0 < b <= slot)
        return self.meetings_start_at + timedelta(
            minutes=slot * self.slot_minutes + breaks_before * self.break_minutes
        )

    def slot_end(self, slot: int) -> datetime | None:
        start = self.slot_start(slot)
        return start + timedelta(minutes=self.slot_minutes) if start else None

    def slot_label(self, slot: int) -> str:
        start, end = self.slot_start(slot), self.slot_end(slot)
        if start is None or end is None:
            return f"Créneau {slot + 1}"
        start, end = timezone.localtime(start), timezone.localtime(end)
        return f"{start:%H:%M}–{end:%H:%M}"

    @property
    def slot_labels(self) -> list[tuple[int, str]]:
        return [(slot, self.slot_label(slot)) for slot in range(self.slot_count)]


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "pleniere", "Plénière"
        ROUND_TABLE = "table-ronde", "Table ronde"
        WORKSHOP = "atelier", "Atelier"
        MEETINGS = "rendez-vous", "Rendez-vous d'affaires"
        OTHER = "autre", "Autre"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.PLENARY)
    title = models.CharField("titre", max_length=200)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    speakers = models.CharField("intervenants", max_length=500, blank=True)

    class Meta:
        verbose_name = "temps du programme"
        verbose_name_plural = "temps du programme"
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    BUYER = "acheteur", "Acheteur"
    SUPPLIER = "fournisseur", "Fournisseur"
    PARTNER = "partenaire", "Partenaire"
    VISITOR = "visiteur", "Visiteur"


ROLE_FIELDS: dict[str, str] = {
    Role.BUYER: "buyer",
    Role.SUPPLIER: "supplier",
    Role.PARTNER: "partner",
    Role.VISITOR: "visitor",
}


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)


class Registration(TimeStampedModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmee", "Confirmée"
        WAITLISTED = "attente", "Sur liste d'attente"
        CANCELLED = "annulee", "Annulée"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="event_registrations"
    )
    role = models.CharField("participe comme", max_length=20, choices=Role.choices)
    status = models.CharField("état", max_length=12, choices=Status.choices, db_index=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    promoted_at = models.DateTimeField("sortie de la liste d'attente le", null=True, blank=True)
    checked_in_at = models.DateTimeField("arrivée le", null=True, blank=True)
    # Meetings
    offer = models.TextField("ce que je propose", blank=True, max_length=2000)
    seek = models.TextField("ce que je recherche", blank=True, max_length=2000)
    availability = models.JSONField("disponibilités", default=list, blank=True)
    agenda_signature = models.CharField("dernier agenda envoyé", max_length=64, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~models.Q(status="annulee"),
                name="registration_one_active_per_person",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "role"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.user} — {self.event}"

    def is_available(self, slot: int) -> bool:
        if not self.availability:
            return True
        return slot < len(self.availability) and bool(self.availability[slot])

    @property
    def participant_id(self) -> str:
        return f"r{self.pk}"


class Stand(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stands")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stands",
    )
    structure = models.ForeignKey(
        "directory.Structure",
        verbose_name="structure de l'annuaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stands",
    )
    name = models.CharField("exposant", max_length=200)
    location = models.CharField("stand (numéro ou emplacement)", max_length=60, blank=True)
    pitch = models.CharField("présentation courte", max_length=500, blank=True)
    sectors = models.ManyToManyField("directory.Sector", verbose_name="secteurs", blank=True)

    class Meta:
        verbose_name = "stand"
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "location"], condition=~models.Q(location=""), name="stand_location_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MeetingRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "en-attente", "En attente de réponse"
        ACCEPTED = "acceptee", "Acceptée"
        DECLINED = "refusee", "Refusée"
        CANCELLED = "annulee", "Annulée"

    class Priority(models.IntegerChoices):
        LOW = 1, "Intéressant"
        MEDIUM = 2, "Important"
        HIGH = 3, "Prioritaire"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_received")
    priority = models.PositiveSmallIntegerField("priorité", choices=Priority.choices, default=Priority.MEDIUM)
    message = models.CharField("message", max_length=500, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    forced = models.BooleanField("ajoutée par l'animation", default=False)
    decided_at = models.DateTimeField("réponse le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de rendez-vous"
        verbose_name_plural = "demandes de rendez-vous"
        ordering = ["-priority", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "recipient"], name="meeting_request_unique"),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("recipient")), name="meeting_request_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient}"


class Meeting(TimeStampedModel):
    """A scheduled meeting between two registrations, at a slot and a table."""

    class Outcome(models.TextChoices):
        NONE = "", "Non renseigné"
        FOLLOW_UP = "a-suivre", "À suivre"
        COLLABORATION = "collaboration", "Collaboration"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    a = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="meetings_as_a")
    b = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="meetings_as_b")
    slot = models.PositiveSmallIntegerField("créneau")
    table = models.PositiveSmallIntegerField("table")
    weight = models.PositiveSmallIntegerField("poids", default=1)
    locked = models.BooleanField("verrouillé", default=False)
    outcome = models.CharField("suite donnée", max_length=20, choices=Outcome.choices, default="", blank=True)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["slot", "table"]
        constraints = [
            models.UniqueConstraint(fields=["event", "a", "b"], name="meeting_pair_unique"),
            models.UniqueConstraint(fields=["event", "slot", "table"], name="meeting_table_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.a.organisation} × {self.b.organisation}"

    @property
    def slot_label(self) -> str:
        return self.event.slot_label(self.slot)

    def other(self, registration: Registration) -> Registration:
        return self.b if registration.pk == self.a_id else self.a
