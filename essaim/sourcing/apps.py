from django.apps import AppConfig

from essaim.core import demo, home, review
from essaim.directory import dashboard


class SourcingConfig(AppConfig):
    name = "essaim.sourcing"
    label = "sourcing"
    verbose_name = "Besoins et sourcing"

    def ready(self) -> None:
        demo.register_step("essaim.sourcing.demo.load_demo", label="sourcing", order=40)
        demo.register_step("essaim.sourcing.demo.load_market_demo", label="sourcing-market", order=45)
        home.register_waiting("essaim.sourcing.waiting.waiting_items", order=20)
        review.register_kind("essaim.sourcing.review.NeedReview", order=22)
        dashboard.register_panel(
            "sourcing/includes/profile_completeness.html",
            "essaim.sourcing.selectors.structure_completeness_panel",
        )
