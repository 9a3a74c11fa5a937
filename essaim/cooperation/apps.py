from django.apps import AppConfig

from essaim.core import demo, home
from essaim.directory import dashboard


class CooperationConfig(AppConfig):
    name = "essaim.cooperation"
    label = "cooperation"
    verbose_name = "Coopération"

    def ready(self) -> None:
        demo.register_step("essaim.cooperation.demo.load_demo", label="cooperation", order=70)
        home.register_waiting("essaim.cooperation.waiting.waiting_items", order=40)
        dashboard.register_panel(
            "cooperation/includes/support_offers.html", "essaim.cooperation.selectors.structure_support_panel"
        )
