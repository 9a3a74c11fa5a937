from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "essaim.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers system checks)

        # Every app declares its named permission rules in perms.py (django-rules), and what it holds
        # about people in data_protection.py (the registry of essaim.core.personal_data).
        autodiscover_modules("perms")
        autodiscover_modules("data_protection")
