from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "essaim.cooperation"
    label = "cooperation"
