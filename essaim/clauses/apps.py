from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "essaim.clauses"
    label = "clauses"
    verbose_name = "Clauses sociales d'insertion"

    def ready(self) -> None:
        from . import perms  # noqa: F401  (registers the named rules)
