from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from . import home


class CoreConfig(AppConfig):
    name = "essaim.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks once the apps are ready)

        # Every app declares its named permission rules in perms.py (django-rules), and what it holds
        # about people in data_protection.py (the registry of essaim.core.personal_data).
        autodiscover_modules("perms")
        autodiscover_modules("data_protection")
        # The facilitators' review queue on their home page.
        home.register_waiting("essaim.core.review.waiting.waiting_items", order=5)
