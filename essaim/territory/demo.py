"""The territory's demo step: the reference data (every commune and perimeter), loaded once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from .models import Commune


def load_demo() -> str:
    if Commune.objects.exists():
        return "référentiel déjà chargé"
    call_command("territory_load", verbosity=0, stdout=StringIO())
    return "référentiel chargé"
