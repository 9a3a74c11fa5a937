from django.apps import AppConfig

from essaim.core import demo


class DirectoryConfig(AppConfig):
    name = "essaim.directory"
    label = "directory"

    def ready(self) -> None:
        demo.register_step("essaim.directory.demo.load_demo", label="directory", order=20)
