from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "essaim.directory"
    label = "directory"
