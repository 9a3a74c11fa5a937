"""Support offers: publishing, editing and withdrawing what a structure offers to help others."""

from __future__ import annotations

from django.db import transaction

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes
from essaim.core.idempotency import remember_object, replayed_object
from essaim.territory.models import Perimeter

from ..errors import CooperationError
from ..models import (
    SupportOffer,
)
from .acting import require_organisation


def _check_offer_fields(*, topics: list[str], contact_email: str, contact_url: str) -> None:
    unknown = set(topics) - set(SupportOffer.Topic.values)
    if not topics or unknown:
        raise CooperationError("Choisissez au moins un thème parmi la liste.", field="topics")
    if not contact_email and not contact_url:
        raise CooperationError("Indiquez une adresse ou une page de contact.", field="contact_email")


@transaction.atomic
def support_offer_publish(
    *,
    actor: Actor,
    organisation: Organisation | None,
    title: str,
    description: str,
    audience: str,
    topics: list[str],
    how_to_access: str,
    perimeter: Perimeter | None = None,
    contact_email: str = "",
    contact_url: str = "",
    idempotency_key: str = "",
) -> SupportOffer:
    """Publish a support offer. A replayed form token returns the offer its first submission created."""
    earlier = replayed_object(idempotency_key, SupportOffer)
    if earlier is not None:
        return earlier
    organisation = require_organisation(organisation)
    _check_offer_fields(topics=topics, contact_email=contact_email, contact_url=contact_url)
    offer = SupportOffer.objects.create(
        organisation=organisation,
        title=title,
        description=description,
        audience=audience,
        topics=SupportOffer.encode_topics(topics),
        how_to_access=how_to_access,
        perimeter=perimeter,
        contact_email=contact_email,
        contact_url=contact_url,
    )
    log_action(
        actor=actor,
        action="cooperation.support_offer.published",
        target=offer,
        organisation_id=organisation.pk,
    )
    remember_object(idempotency_key, offer)
    return offer


@transaction.atomic
def support_offer_update(
    *,
    actor: Actor,
    offer: SupportOffer,
    title: str,
    description: str,
    audience: str,
    topics: list[str],
    how_to_access: str,
    perimeter: Perimeter | None = None,
    contact_email: str = "",
    contact_url: str = "",
) -> SupportOffer:
    """Change a published offer (its organisation or a facilitator); a withdrawn offer stays as it was."""
    if not offer.is_published:
        raise CooperationError("Cette offre est retirée : elle ne peut plus être modifiée.")
    _check_offer_fields(topics=topics, contact_email=contact_email, contact_url=contact_url)
    values = {
        "title": title,
        "description": description,
        "audience": audience,
        "topics": SupportOffer.encode_topics(topics),
        "how_to_access": how_to_access,
        "perimeter": perimeter,
        "contact_email": contact_email,
        "contact_url": contact_url,
    }
    save_changes(
        offer,
        values,
        actor=actor,
        action="cooperation.support_offer.updated",
        organisation_id=offer.organisation_id,
    )
    return offer


@transaction.atomic
def support_offer_withdraw(*, actor: Actor, offer: SupportOffer) -> SupportOffer:
    offer.is_published = False
    offer.save(update_fields=["is_published", "updated_at"])
    log_action(actor=actor, action="cooperation.support_offer.withdrawn", target=offer)
    return offer
