from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "essaim.privacy"
    label = "privacy"
    verbose_name = "Données personnelles"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the retention settings check)
