from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "essaim.insight"
    label = "insight"
