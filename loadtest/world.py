"""The people and objects the load test plays with, on top of the demo (`essaim demo_setup`).

Run by `loadtest/run.py` in a Django process pointed at the load-test database. Idempotent for the people
(a pool of buyers and suppliers sharing the demo password); each run gets a new event, so that the
registrations counted in the database after the run are exactly those of this run. Prints a JSON summary.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

import django

BUYERS = int(os.environ.get("LOADTEST_BUYERS", "120"))
SUPPLIERS = int(os.environ.get("LOADTEST_SUPPLIERS", "120"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from essaim.accounts.models import Membership, Organisation, User
    from essaim.accounts.services import membership_add
    from essaim.core.demo import DEMO_PASSWORD
    from essaim.directory.models import Structure
    from essaim.events.services import event_create
    from essaim.sourcing.models import Need

    need = Need.objects.filter(status=Need.Status.PUBLISHED).select_related("buyer").order_by("pk").first()
    if need is None:
        sys.exit("No published need: run `essaim demo_setup` on this database first.")
    suppliers = list(
        Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER, structure__isnull=False)
        .distinct()
        .order_by("pk")
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: the pool shares it

    def pool(prefix: str, count: int, organisations: list[Organisation]) -> list[list[object]]:
        """[email, organisation id] of `count` people, spread over `organisations`."""
        people = []
        for number in range(count):
            email = f"{prefix}{number:03d}@charge.essaim.test"
            organisation = organisations[number % len(organisations)]
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create(
                    email=email, password=password, full_name=f"Charge {prefix} {number}"
                )
            membership_add(actor=None, organisation=organisation, user=user, role=Membership.Role.MEMBER)
            people.append([email, organisation.pk])
        return people

    now = timezone.now()
    event = event_create(
        actor=None,
        title=f"Rencontre de charge {now:%Y-%m-%d %H:%M:%S}",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=3),
        place="Salle des fêtes",
        capacity=10_000,
    )
    structures = list(
        Structure.objects.filter(status=Structure.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    json.dump(
        {
            "need": need.pk,
            "event": event.pk,
            "structures": structures,
            "buyers": pool("acheteur", BUYERS, [need.buyer]),
            "suppliers": pool("fournisseur", SUPPLIERS, suppliers),
            "password": DEMO_PASSWORD,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
