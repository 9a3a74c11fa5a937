from django.apps import AppConfig

from essaim.core import demo, home, review


class DirectoryConfig(AppConfig):
    name = "essaim.directory"
    label = "directory"
    verbose_name = "Annuaire"

    def ready(self) -> None:
        demo.register_step("essaim.directory.demo.load_demo", label="directory", order=20)
        review.register_kind("essaim.directory.review.ClaimReview", order=20)
        review.register_kind("essaim.directory.review.ImportedStructureReview", order=25)
        review.register_kind("essaim.directory.review.ProfileReportReview", order=26)
        home.register_waiting("essaim.directory.waiting.waiting_items", order=10)
