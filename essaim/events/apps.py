from django.apps import AppConfig

from essaim.core import demo


class EventsConfig(AppConfig):
    name = "essaim.events"
    label = "events"
    verbose_name = "Événements"

    def ready(self) -> None:
        demo.register_step("essaim.events.demo.load_demo", label="events", order=50)
