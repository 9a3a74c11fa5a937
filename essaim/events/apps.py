from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "essaim.events"
    label = "events"
