"""Shared models: a timestamped base, a request awaiting a decision, the audit log, and messages sent through the contact form."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_tasks_db.models import DBTaskResult


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class RequestForDecision(TimeStampedModel):
    """A person's request that someone decides on (a claim of a profile, a request to join): its message,
    its state and who decided when. The concrete model adds what is requested and its requester."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        APPROVED = "approved", "Acceptée"
        REJECTED = "rejected", "Refusée"

    message = models.TextField("message", blank=True, max_length=2000)
    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
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
        abstract = True

    @property
    def requester_label(self) -> str:
        """The requester as a reviewer reads it: "Marie Dupont <marie@rejoue.fr>", or the address alone."""
        user = self.user  # type: ignore[attr-defined]  # every concrete request has a requester
        return f"{user.full_name} <{user.email}>" if user.full_name else user.email


class AuditLog(models.Model):
    """Who did what to which object, when. Every state change of the domain is recorded here."""

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation_id = models.BigIntegerField("organisation", null=True, blank=True, db_index=True)
    action = models.CharField("action", max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name="type d'objet", null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=200, blank=True)
    data = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal d'audit"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ContactMessage(TimeStampedModel):
    """A message sent through the contact form (accessibility problems and others). Kept, then emailed."""

    class Topic(models.TextChoices):
        ACCESSIBILITY = "accessibilite", "Problème d'accessibilité"
        PERSONAL_DATA = "donnees", "Données personnelles"
        OTHER = "autre", "Autre question"

    topic = models.CharField("sujet", max_length=20, choices=Topic.choices, default=Topic.ACCESSIBILITY)
    name = models.CharField("nom", max_length=120)
    email = models.EmailField("adresse électronique")
    page_url = models.CharField("page concernée", max_length=500, blank=True)
    message = models.TextField("message", max_length=5000)
    handled = models.BooleanField("traité", default=False)

    class Meta:
        verbose_name = "message de contact"
        verbose_name_plural = "messages de contact"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} — {self.name}"


class RateLimitHit(models.Model):
    """One counted action (a contact message, an answer through a link...) for the database-backed rate limits
    of `essaim.core.rate_limits`: shared by every application instance. The key is a hash, never an address."""

    scope = models.CharField("portée", max_length=40)
    key = models.CharField("clé", max_length=64)
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "action comptée"
        verbose_name_plural = "actions comptées (limites de fréquence)"
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="core_ratelimit_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """A create form's one-time token (`essaim.core.idempotency`): the object its first submission created."""

    key = models.CharField("jeton", max_length=64, unique=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "jeton de formulaire"
        verbose_name_plural = "jetons de formulaire"

    def __str__(self) -> str:
        return f"{self.content_type} {self.object_id}"


class BackgroundTask(DBTaskResult):
    """The background tasks of django-tasks' database backend (emails, notifications…), shown in the back
    office under French names (the package's own admin is English)."""

    class Meta:
        proxy = True
        verbose_name = "tâche en arrière-plan"
        verbose_name_plural = "tâches en arrière-plan"
