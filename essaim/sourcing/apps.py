from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "essaim.sourcing"
    label = "sourcing"
