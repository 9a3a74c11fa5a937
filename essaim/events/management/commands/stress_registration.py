"""`essaim stress_registration`: many people register at once for one event; never more confirmed than seats.

Runs against the configured database (PostgreSQL in CI): it creates a throwaway event, organisation and
people, runs the registrations from `--workers` threads (each with its own database connection; one in
ten people tries twice at the same time), prints the counts as JSON and deletes what it created.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from essaim.accounts.models import Organisation, User
from essaim.accounts.services import membership_add
from essaim.core.models import AuditLog
from essaim.events.models import Registration
from essaim.events.services import EventError, event_create, registration_create


def run_stress(*, seats: int, attempts: int, workers: int) -> dict[str, int]:
    tag = uuid.uuid4().hex[:10]
    with transaction.atomic():
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.PARTNER, name=f"Essai de charge {tag}"
        )
        people = []
        for index in range(attempts):
            person = User.objects.create_user(email=f"charge-{tag}-{index}@essaim.invalid", password=None)
            membership_add(actor=None, organisation=organisation, user=person, role="member")
            people.append(person)
        now = timezone.now()
        event = event_create(
            actor=None,
            title=f"Essai de charge {tag}",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=2),
            capacity=seats,
            is_published=True,
        )
    # Every person registers once; one in ten tries a second time at the same moment (a double click).
    jobs: queue.Queue[User] = queue.Queue()
    for index, person in enumerate(people):
        jobs.put(person)
        if index % 10 == 0:
            jobs.put(person)
    outcomes: dict[str, int] = {"ok": 0, "refused": 0}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while True:
                try:
                    person = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    registration_create(
                        actor=person, event=event, organisation=organisation, role="partenaire"
                    )
                    key = "ok"
                except EventError:
                    key = "refused"
                with lock:
                    outcomes[key] += 1
        except BaseException as error:  # noqa: BLE001  (reported after the threads finish)
            errors.append(error)
        finally:
            connection.close()

    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            threads = [threading.Thread(target=work) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
        active = Registration.objects.active().filter(event=event)
        duplicates = sum(
            row["n"] - 1 for row in active.values("user").annotate(n=Count("id")).order_by() if row["n"] > 1
        )
        return {
            "confirmed": active.filter(status=Registration.Status.CONFIRMED).count(),
            "waitlisted": active.filter(status=Registration.Status.WAITLISTED).count(),
            "duplicates": duplicates,
        }
    finally:
        registration_ids = [
            str(pk) for pk in Registration.objects.filter(event=event).values_list("pk", flat=True)
        ]
        AuditLog.objects.filter(object_id__in=registration_ids, action__startswith="registration.").delete()
        AuditLog.objects.filter(action="event.created", object_id=str(event.pk)).delete()
        AuditLog.objects.filter(organisation_id=organisation.pk).delete()
        event.delete()
        User.objects.filter(pk__in=[p.pk for p in people]).delete()
        organisation.delete()


class Command(BaseCommand):
    help = "Inscriptions simultanées sur un événement de test : jamais plus de confirmés que de places."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seats", type=int, default=80)
        parser.add_argument("--attempts", type=int, default=200)
        parser.add_argument("--workers", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_stress(seats=options["seats"], attempts=options["attempts"], workers=options["workers"])
        self.stdout.write(json.dumps(result))
