from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "essaim.sourcing"
    label = "sourcing"
    verbose_name = "Besoins et sourcing"

    def ready(self) -> None:
        from . import perms  # noqa: F401  (registers the named rules)
