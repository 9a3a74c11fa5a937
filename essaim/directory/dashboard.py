"""The structure's own dashboard part of its profile: what partners offer to help it (cooperation app)."""

from __future__ import annotations

from typing import Any

from .models import Structure


def support_topics(structure: Structure) -> list[str]:
    """The support topics (`cooperation.SupportOffer.Topic` values) most useful to this structure."""
    topics = ["sourcing", "cooperation", "financement"]
    if structure.reservations:
        topics.insert(0, "reservation")
    if structure.eligible_l2113_13:
        topics.insert(1, "clauses-sociales")
    if structure.is_ressourcerie:
        topics.append("locaux")
    return topics


def dashboard_context(structure: Structure) -> dict[str, Any]:
    """Context of `cooperation/includes/support_offers.html` for the structure's members."""
    from essaim.cooperation.models import SupportOffer
    from essaim.cooperation.selectors import relevant_support_offers

    return {
        "support_offers": relevant_support_offers(
            audience=SupportOffer.Audience.SUPPLIERS,
            topics=support_topics(structure),
            commune_code=structure.commune_id,
            limit=3,
        ),
        "heading_level": 3,
        "title": "Des partenaires peuvent accompagner votre structure",
    }
