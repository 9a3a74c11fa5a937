from django.apps import AppConfig

from essaim.core import demo, home
from essaim.insight import sections


class ClausesConfig(AppConfig):
    name = "essaim.clauses"
    label = "clauses"
    verbose_name = "Clauses sociales d'insertion"

    def ready(self) -> None:
        from . import perms  # noqa: F401  (registers the named rules)

        sections.register(
            key="clauses-sociales",
            title="Clauses sociales d'insertion",
            order=10,
            build="essaim.clauses.spaser.section",
            template="clauses/includes/spaser_section.html",
        )
        demo.register_step("essaim.clauses.demo.load_demo", label="clauses", order=80)
        home.register_waiting("essaim.clauses.waiting.waiting_items", order=50)
