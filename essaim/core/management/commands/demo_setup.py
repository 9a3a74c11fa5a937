"""`essaim demo_setup`: migrate, load the territory reference data and every capability's demo data.

Idempotent: running it twice changes nothing. Prints one login per role.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from essaim.core.demo import DEMO_PASSWORD, load_demo_people
from essaim.core.links import absolute_url
from essaim.territory.models import Commune

# Each capability may provide `essaim/<app>/demo.py` with a `load_demo()` function. The directory comes
# first (the demo people then join the organisations of its structures); the others after the people.
DIRECTORY_DEMO = "directory"
DEMO_APPS_AFTER_PEOPLE = ["sourcing", "events", "insight", "cooperation"]


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
        if not Commune.objects.exists():
            call_command("territory_load", verbosity=0, stdout=self.stdout)
        self.load_app_demo(DIRECTORY_DEMO)
        logins = load_demo_people()
        for label in DEMO_APPS_AFTER_PEOPLE:
            self.load_app_demo(label)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<48} {login.email:<32} {login.organisation}")
        self.stdout.write("")
        site = absolute_url("/")
        self.stdout.write(f"Site : {site}   Back-office : {absolute_url(reverse('admin:index'))}")

    def load_app_demo(self, label: str) -> None:
        module_name = f"essaim.{label}.demo"
        if not apps.is_installed(f"essaim.{label}") or importlib.util.find_spec(module_name) is None:
            return
        loader = getattr(importlib.import_module(module_name), "load_demo", None)
        if loader is not None:
            summary = loader()
            self.stdout.write(f"Démonstration « {label} » : {summary or 'prête'}")
