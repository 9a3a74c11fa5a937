from django.apps import AppConfig

from essaim.core import demo, home


class EventsConfig(AppConfig):
    name = "essaim.events"
    label = "events"
    verbose_name = "Événements"

    def ready(self) -> None:
        demo.register_step("essaim.events.demo.load_demo", label="events", order=50)
        home.register_waiting("essaim.events.waiting.waiting_items", order=30)
        home.register_upcoming("essaim.events.waiting.upcoming", order=30)
