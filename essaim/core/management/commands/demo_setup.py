"""`essaim demo_setup`: migrate, then run every app's demo step (territory reference data, structures,
people, needs, events, DECP sample, cooperation), in the order the apps registered (see `core.demo`).

Idempotent: running it twice changes nothing. Prints one login per role.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from essaim.core import demo
from essaim.core.links import absolute_url


class Command(BaseCommand):
    help = (
        "Prépare la base de démonstration (migrations, territoire, organisations, données de démonstration)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--skip-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("Base de données à jour.")
        logins: list[demo.DemoLogin] = []
        for step in demo.steps():
            result = step.load()
            if isinstance(result, list) and all(isinstance(item, demo.DemoLogin) for item in result):
                logins.extend(result)
                result = f"{len(result)} comptes"
            self.stdout.write(f"Démonstration « {step.label} » : {result or 'prête'}")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Comptes de démonstration (mot de passe commun : {demo.DEMO_PASSWORD})")
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<48} {login.email:<32} {login.organisation}")
        self.stdout.write("")
        site = absolute_url("/")
        self.stdout.write(f"Site : {site}   Back-office : {absolute_url(reverse('admin:index'))}")
