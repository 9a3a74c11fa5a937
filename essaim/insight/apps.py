from django.apps import AppConfig

from essaim.core import demo


class InsightConfig(AppConfig):
    name = "essaim.insight"
    label = "insight"
    verbose_name = "Indicateurs"

    def ready(self) -> None:
        demo.register_step("essaim.insight.demo.load_demo", label="insight", order=60)
