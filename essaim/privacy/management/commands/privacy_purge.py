"""`essaim privacy_purge`: apply the retention periods of personal data (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from essaim.privacy.services import privacy_purge


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation des données personnelles (PRIVACY_RETENTION_DAYS) : "
        "comptes inactifs (avertis puis supprimés), invitations, tentatives de connexion, sessions, "
        "tâches terminées, messages de contact. À lancer chaque jour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for key, removed in privacy_purge().items():
            self.stdout.write(f"{key}: {'fait' if removed is None else removed}")
