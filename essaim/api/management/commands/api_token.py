"""`essaim api_token --organisation SIRET --scopes needs:write,forecasts:write`: a new API token for an
organisation's scripts, printed once on its own line (only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.accounts.models import ApiToken, Organisation
from essaim.accounts.services import api_token_create
from essaim.core.errors import DomainError


class Command(BaseCommand):
    help = "Crée un jeton d'API pour l'organisation de ce SIRET et l'affiche (une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="SIRET de l'organisation (14 chiffres)")
        parser.add_argument(
            "--scopes",
            default="",
            help=f"droits d'écriture séparés par des virgules ({', '.join(ApiToken.SCOPES)}) ; aucun : lecture",
        )
        parser.add_argument("--name", default="Script (commande api_token)", help="nom du jeton")

    def handle(self, *args: Any, **options: Any) -> None:
        siret = "".join(options["organisation"].split())
        organisation = Organisation.objects.filter(siret=siret).first() if siret else None
        if organisation is None:
            raise CommandError(f"Aucune organisation n'a le SIRET « {options['organisation']} ».")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            _, raw = api_token_create(
                actor=None, organisation=organisation, name=options["name"], scopes=scopes
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(raw)
