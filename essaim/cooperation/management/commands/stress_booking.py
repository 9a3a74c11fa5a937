"""`essaim stress_booking`: many concurrent booking acceptances on one throwaway resource; counts overlaps.

Each worker thread has its own database connection. Every attempt asks for a random period inside a short
window (so that most attempts collide) and accepts it at once. Afterwards the accepted bookings are
re-read from the database and every overlapping pair is counted: the answer must be 0.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection, connections
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.cooperation import services
from essaim.cooperation.models import Booking, Conditions, Resource, ResourceKind
from essaim.core.errors import DomainError


def count_overlaps(resource_id: int) -> int:
    """Pairs of accepted bookings of the resource whose periods overlap, counted by the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*) FROM cooperation_booking a JOIN cooperation_booking b
              ON a.resource_id = b.resource_id AND a.id < b.id
             AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
             WHERE a.resource_id = %s AND a.status = %s AND b.status = %s
            """,
            [resource_id, Booking.Status.ACCEPTED, Booking.Status.ACCEPTED],
        )
        return int(cursor.fetchone()[0])


def run_stress(*, attempts: int, workers: int, seed: int | None = None, keep: bool = False) -> dict[str, int]:
    owner = Organisation.objects.create(
        kind=Organisation.Kind.SUPPLIER, name="Essai de charge — propriétaire"
    )
    requester = Organisation.objects.create(
        kind=Organisation.Kind.SUPPLIER, name="Essai de charge — demandeur"
    )
    resource = Resource.objects.create(
        owner=owner,
        kind=ResourceKind.VEHICLE,
        title="Véhicule d'essai de charge",
        description="Ressource jetable créée par stress_booking.",
        conditions=Conditions.FREE,
    )
    rng = random.Random(seed)  # noqa: S311  (test data, not security)
    origin = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    periods = []
    for _ in range(attempts):
        start = origin + timedelta(hours=rng.randrange(0, 72))
        periods.append((start, start + timedelta(hours=rng.randrange(1, 8))))

    def attempt(period: tuple[Any, Any]) -> bool:
        close_old_connections()
        try:
            booking = services.booking_request(
                actor=None, resource=resource, organisation=requester, starts_at=period[0], ends_at=period[1]
            )
            services.booking_accept(actor=None, booking=booking)
        except DomainError:
            return False
        finally:
            connections.close_all()
        return True

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(attempt, periods))
    result = {
        "accepted": sum(outcomes),
        "refused": len(outcomes) - sum(outcomes),
        "overlaps": count_overlaps(resource.pk),
    }
    if not keep:
        owner.delete()
        requester.delete()
    return result


class Command(BaseCommand):
    help = (
        "Réservations concurrentes d'une ressource jetable ; affiche le nombre de chevauchements (0 attendu)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--attempts", type=int, default=200)
        parser.add_argument("--workers", type=int, default=20)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--keep", action="store_true", help="Garder la ressource et ses réservations.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_stress(
            attempts=options["attempts"],
            workers=options["workers"],
            seed=options["seed"],
            keep=options["keep"],
        )
        self.stdout.write(json.dumps(result))
