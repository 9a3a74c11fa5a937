"""French names, in the back office, of the third-party apps it shows (INSTALLED_APPS names these classes)."""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Connexions (limitation des tentatives)"


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "Tâches en arrière-plan"
