from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "essaim.events"
    label = "events"
    verbose_name = "Événements"

    def ready(self) -> None:
        from . import perms  # noqa: F401  (registers the named rules)
