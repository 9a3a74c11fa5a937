"""Back-office of the cooperation capability (facilitators). Writes of the domain go through the pages."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Booking,
    GroupAction,
    GroupDocument,
    GroupMeeting,
    GroupMember,
    MaterialFlow,
    Resource,
    ResourceRequest,
    SupportOffer,
    WorkingGroup,
)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "access", "is_private", "tracks_material_flows", "created_at"]
    list_filter = ["access", "is_private", "tracks_material_flows"]
    search_fields = ["name", "purpose"]
    raw_id_fields = ["perimeter", "charter", "created_by"]
    inlines = [GroupMemberInline]


@admin.register(GroupAction)
class GroupActionAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "owner", "due_date", "status"]
    list_filter = ["status", "group"]
    search_fields = ["title"]
    raw_id_fields = ["group", "owner"]


@admin.register(GroupMeeting)
class GroupMeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "held_on"]
    raw_id_fields = ["group"]


@admin.register(GroupDocument)
class GroupDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "kind", "size", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["group", "uploaded_by", "organisation"]
    # The file is private (no URL): it is downloaded from the document's page, which checks who asks.
    exclude = ["file"]
    readonly_fields = ["filename", "kind", "size"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(MaterialFlow)
class MaterialFlowAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "group",
        "year",
        "quarter",
        "material",
        "collected_t",
        "reused_t",
        "recycled_t",
    ]
    list_filter = ["year", "quarter", "material"]
    raw_id_fields = ["group", "organisation", "declared_by"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "kind", "conditions", "is_active"]
    list_filter = ["kind", "conditions", "is_active"]
    search_fields = ["title", "owner__name"]
    raw_id_fields = ["owner", "perimeter", "commune"]


@admin.register(ResourceRequest)
class ResourceRequestAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "starts_on", "ends_on", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["organisation", "commune", "created_by"]
    filter_horizontal = ["matches"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: the no-overlap rule is enforced by `services.booking_accept`, not by the admin form."""

    list_display = ["resource", "requester", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    raw_id_fields = ["resource", "requester", "requested_by", "decided_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportOffer)
class SupportOfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "audience", "topics", "is_published"]
    list_filter = ["audience", "is_published"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "perimeter"]
