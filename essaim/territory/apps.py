from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "essaim.territory"
    label = "territory"
