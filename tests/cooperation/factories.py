"""Builders for cooperation tests: a private textile group, a pooled van, a booking, a partner's offer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.cooperation import services
from essaim.cooperation.models import GroupMember, Resource, SupportOffer, WorkingGroup


def make_group(
    *,
    coordinator: Organisation,
    members: list[Organisation] = (),  # type: ignore[assignment]
    name: str = "Filière textile — vers un PTCE",
    is_private: bool = True,
    access: str = WorkingGroup.Access.REQUEST,
    tracks_material_flows: bool = True,
) -> WorkingGroup:
    group = services.group_create(
        actor=None,
        organisation=coordinator,
        name=name,
        purpose="Fédérer les acteurs du textile autour d'un pôle territorial de coopération économique.",
        access=access,
        is_private=is_private,
        tracks_material_flows=tracks_material_flows,
    )
    for organisation in members:
        GroupMember.objects.create(
            group=group,
            organisation=organisation,
            member_type=GroupMember.MemberType.PARTNER,
            status=GroupMember.Status.ACTIVE,
        )
    return group


def make_resource(owner: Organisation, **fields: Any) -> Resource:
    values = {
        "kind": "vehicule",
        "title": "Camion 12 m³ partagé",
        "description": "Camion utilitaire pour les collectes et les livraisons.",
        "conditions": "partage-frais",
        "capacity": "12 m³",
    }
    values.update(fields)
    return services.resource_publish(actor=None, organisation=owner, **values)


def period(days_from_now: int, hours: int = 4) -> tuple[Any, Any]:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=days_from_now)
    return start, start + timedelta(hours=hours)


def make_offer(organisation: Organisation, **fields: Any) -> SupportOffer:
    values: dict[str, Any] = {
        "title": "Accompagnement aux achats responsables",
        "description": "Conseil aux acheteurs pour ouvrir leurs marchés à l'ESS.",
        "audience": SupportOffer.Audience.BUYERS,
        "topics": ["sourcing", "clauses-sociales"],
        "how_to_access": "Écrire à l'équipe.",
        "contact_email": "contact@cress.fr",
    }
    values.update(fields)
    return services.support_offer_publish(actor=None, organisation=organisation, **values)


def tonnes(value: str) -> Decimal:
    return Decimal(value)
