from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Collaboration,
    ForecastImport,
    Need,
    NeedAnswer,
    NeedAttachment,
    NeedNotification,
    PurchaseForecast,
    SupplierPreference,
)


class NeedAttachmentInline(admin.TabularInline):
    """Attachments are private files (no URL): listed here, downloaded from the need's page."""

    model = NeedAttachment
    extra = 0
    exclude = ("file",)
    readonly_fields = ("name", "kind", "size")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ("title", "buyer", "kind", "status", "outcome", "deadline", "published_at")
    list_filter = ("status", "kind", "outcome")
    search_fields = ("title", "description", "buyer__name")
    raw_id_fields = ("buyer", "created_by")
    readonly_fields = (
        "status",
        "outcome",
        "published_at",
        "closed_at",
        "reminders_sent",
        "follow_up_sent_at",
    )
    inlines = [NeedAttachmentInline]


@admin.register(NeedNotification)
class NeedNotificationAdmin(admin.ModelAdmin):
    list_display = ("need", "structure", "rank", "batch", "sent_at", "opened_at", "viewed_at", "attempts")
    list_filter = ("batch",)
    raw_id_fields = ("need", "structure")


@admin.register(NeedAnswer)
class NeedAnswerAdmin(admin.ModelAdmin):
    list_display = ("need", "organisation", "kind", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("need", "organisation", "structure", "author")
    exclude = ("attachment",)  # a private file (no URL), downloaded from the answer's page
    readonly_fields = ("attachment_name",)


@admin.register(PurchaseForecast)
class PurchaseForecastAdmin(admin.ModelAdmin):
    list_display = ("title", "buyer", "year", "quarter", "sector", "amount_band", "procedure")
    list_filter = ("year", "quarter", "procedure")
    raw_id_fields = ("buyer", "created_by")


@admin.register(ForecastImport)
class ForecastImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "buyer", "committed", "created_count", "updated_count", "created_at")
    readonly_fields = ("rejected",)


@admin.register(SupplierPreference)
class SupplierPreferenceAdmin(admin.ModelAdmin):
    list_display = ("structure", "stop_emails", "digest_sent_at")
    raw_id_fields = ("structure",)


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ("buyer", "supplier", "source", "status", "amount", "date")
    list_filter = ("source", "status")
    raw_id_fields = ("buyer", "supplier", "structure", "need", "meeting", "created_by")
