"""Sign-up: a person creates their account, which opens once they confirm their address.

`signup_create` never tells whether an address already has an account (the answer is the same page):
- no account: an inactive account is created and the confirmation link is sent;
- an account still waiting for its confirmation: its name and password become the new ones (the last
  sign-up wins, and the earlier links stop working: the token covers the password) and the link is sent
  again;
- any other account: its owner gets an email saying so, with the login and password-reset links.
`signup_confirm` opens the account (`is_active`, `email_confirmed_at`) from the link's token.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from essaim.accounts.models import User
from essaim.core.audit import log_action
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.onboarding.errors import OnboardingError

INVALID_LINK = "Ce lien de confirmation n'est pas valide ou a expiré : inscrivez-vous de nouveau pour en recevoir un autre."


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Valid for PASSWORD_RESET_TIMEOUT; void once the account is confirmed or its password changes."""

    key_salt = "essaim.onboarding.signup_confirmation"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.email_confirmed_at}{user.email}{timestamp}"


confirmation_tokens = ConfirmationTokenGenerator()


def is_waiting_for_confirmation(user: User) -> bool:
    return not user.is_active and user.email_confirmed_at is None and not user.memberships.exists()


def _send_confirmation(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("onboarding:signup_confirm", args=[uid, confirmation_tokens.make_token(user)])
    send_mail(
        template="onboarding/emails/signup_confirm",
        to=[user.email],
        context={
            "user": user,
            "confirm_url": absolute_url(path),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


@transaction.atomic
def signup_create(*, email: str, full_name: str, password: str) -> None:
    """Create (or renew) the account waiting for confirmation, and send the email (see the module)."""
    email = User.objects.normalize_email(email.strip()).lower()
    full_name = full_name.strip()
    if not email or "@" not in email:
        raise OnboardingError("Indiquez une adresse électronique valide.", field="email")
    if not full_name:
        raise OnboardingError("Indiquez votre nom.", field="full_name")
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    try:
        password_validation.validate_password(password, existing or User(email=email, full_name=full_name))
    except ValidationError as exc:
        raise OnboardingError(" ".join(exc.messages), field="password1") from exc
    if existing is not None and not is_waiting_for_confirmation(existing):
        log_action(actor=None, action="signup.existing_account", target=existing)
        send_mail(
            template="onboarding/emails/signup_existing",
            to=[existing.email],
            context={
                "login_url": absolute_url(reverse("accounts:login")),
                "reset_url": absolute_url(reverse("accounts:password_reset")),
            },
        )
        return
    if existing is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name, is_active=False)
        log_action(actor=None, action="signup.created", target=user)
    else:
        user = existing
        user.full_name = full_name
        user.set_password(password)
        user.save(update_fields=["full_name", "password"])
        log_action(actor=None, action="signup.renewed", target=user)
    _send_confirmation(user)


def user_for_confirmation(uidb64: str, token: str) -> User | None:
    """The account the link confirms, or None when the link is wrong, expired or already used."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if (
        user is None
        or user.email_confirmed_at is not None
        or not confirmation_tokens.check_token(user, token)
    ):
        return None
    return user


@transaction.atomic
def signup_confirm(*, uidb64: str, token: str) -> User:
    """Open the account of a valid confirmation link."""
    user = user_for_confirmation(uidb64, token)
    if user is None:
        raise OnboardingError(INVALID_LINK)
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    log_action(actor=user, action="signup.confirmed", target=user)
    return user
