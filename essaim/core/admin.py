from django.contrib import admin
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult

from .models import AuditLog, BackgroundTask, ContactMessage


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_repr", "organisation_id"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "topic", "name", "email", "handled"]
    list_filter = ["topic", "handled"]
    search_fields = ["name", "email", "message"]


# django-tasks' database results, under French names: the package's admin is replaced by this one.
admin.site.unregister(DBTaskResult)


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(admin.ModelAdmin):
    list_display = ["task", "state", "enqueued", "finished", "queue"]
    list_filter = ["status", "queue_name"]
    ordering = ["-enqueued_at"]
    fields = ("task", "state", "enqueued", "started", "finished", "queue", "error")
    readonly_fields = fields

    @admin.display(description="tâche", ordering="task_path")
    def task(self, obj: BackgroundTask) -> str:
        return str(obj.task_path)

    @admin.display(description="état", ordering="status")
    def state(self, obj: BackgroundTask) -> str:
        return str(obj.get_status_display())

    @admin.display(description="mise en file le", ordering="enqueued_at")
    def enqueued(self, obj: BackgroundTask) -> object:
        return obj.enqueued_at

    @admin.display(description="commencée le")
    def started(self, obj: BackgroundTask) -> object:
        return obj.started_at

    @admin.display(description="terminée le")
    def finished(self, obj: BackgroundTask) -> object:
        return obj.finished_at

    @admin.display(description="file")
    def queue(self, obj: BackgroundTask) -> str:
        return str(obj.queue_name)

    @admin.display(description="erreur")
    def error(self, obj: BackgroundTask) -> str:
        return str(obj.traceback or "—")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
