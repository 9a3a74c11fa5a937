from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "essaim.api"
    label = "api"
    verbose_name = "API"
