"""People, organisations, memberships, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from essaim.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Emails are matched without regard to case at login."""
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with their email."""

    email = models.EmailField("adresse électronique", unique=True)
    full_name = models.CharField("nom complet", max_length=150, blank=True)
    is_staff = models.BooleanField("accès au back-office", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    # Set when the person proved they read this mailbox (sign-up confirmation link, accepted invitation).
    email_confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(TimeStampedModel):
    """A public buyer, an ESS supplier, a support partner, or the territory team."""

    class Kind(models.TextChoices):
        BUYER = "buyer", "Acheteur public"
        SUPPLIER = "supplier", "Structure de l'ESS"
        PARTNER = "partner", "Partenaire d'accompagnement"
        TERRITORY = "territory", "Équipe du territoire"

    class BuyerCategory(models.TextChoices):
        COMMUNE = "commune", "Commune"
        EPCI = "epci", "EPT / EPCI"
        DEPARTEMENT = "departement", "Département"
        REGION = "region", "Région"
        PUBLIC_BODY = "etablissement-public", "Établissement public"
        SOCIAL_LANDLORD = "bailleur-social", "Bailleur social"
        HOSPITAL = "hopital", "Hôpital"
        OTHER = "autre", "Autre"

    kind = models.CharField("type", max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    buyer_category = models.CharField(
        "catégorie d'acheteur", max_length=30, choices=BuyerCategory.choices, blank=True
    )
    commune = models.ForeignKey(
        "territory.Commune", verbose_name="commune", null=True, blank=True, on_delete=models.SET_NULL
    )
    website = models.URLField("site web", blank=True)
    description = models.TextField("présentation", blank=True)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="organisation_siret_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(buyer_category="") | models.Q(kind="buyer"),
                name="buyer_category_only_for_buyers",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur"
        MEMBER = "member", "Membre"

    user = models.ForeignKey(
        User, verbose_name="personne", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Invitation(TimeStampedModel):
    """An email link inviting someone to join an organisation. Only the token's hash is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField(
        "rôle", max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, verbose_name="invitée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)
    # Set when the invitation was sent again (new link, new expiry); `created_at` stays the first sending.
    last_sent_at = models.DateTimeField("renvoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(TimeStampedModel):
    """A bearer token acting for an organisation on /api/v1/. Only its hash is stored. Without a scope it
    reads; each scope (`SCOPES`) lets it write one kind of object."""

    SCOPES = {
        "needs:write": "Écrire les besoins de l'organisation",
        "forecasts:write": "Écrire les prévisions d'achat de l'organisation",
    }

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField("préfixe", max_length=8, db_index=True)
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, verbose_name="créé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    scopes = models.JSONField("droits d'écriture", default=list, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
