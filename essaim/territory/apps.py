from django.apps import AppConfig

from essaim.core import demo, home


class TerritoryConfig(AppConfig):
    name = "essaim.territory"
    label = "territory"
    verbose_name = "Territoire"

    def ready(self) -> None:
        home.register_figures("essaim.territory.selectors.home_figures", order=20)
        demo.register_step("essaim.territory.demo.load_demo", label="territory", order=10)
