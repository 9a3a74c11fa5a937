"""Back office of the directory for facilitators: moderation states, claims, possible duplicates."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from essaim.core.french import counted, plural

from . import services
from .models import Activity, ClaimRequest, Sector, Structure
from .selectors import possible_duplicates


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    raw_id_fields = ["perimeters"]
    fields = ["sector", "service_types", "is_national", "perimeters", "description"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "commune", "status", "source", "updated_at"]
    list_filter = ["status", "source", "is_ressourcerie", "eligible_l2113_12", "eligible_l2113_13"]
    search_fields = ["name", "siret", "siren", "name_normalised"]
    list_select_related = ["commune"]
    raw_id_fields = ["organisation", "commune"]
    readonly_fields = [
        "ess_families_mask", "inclusion_kinds_mask", "sectors_mask", "eligible_l2113_12", "eligible_l2113_13",
        "eligible_l2113_15", "legal_form_label", "provenance", "locked_groups", "name_normalised",
        "search_name", "search_body", "source", "source_id",
    ]  # fmt: skip
    actions = ["publish", "delist", "to_review"]
    change_list_template = "directory/admin_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path("doublons/", self.admin_site.admin_view(self.duplicates_view), name="directory_duplicates"),
            *super().get_urls(),
        ]

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Doublons possibles",
            "pairs": possible_duplicates(),
        }
        return TemplateResponse(request, "directory/admin_duplicates.html", context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.structure_refresh_derived(form.instance)  # masks and search index follow back-office edits

    def _set_status(self, request: HttpRequest, queryset: Any, status: str) -> None:
        done = 0
        for structure in queryset:
            try:
                services.structure_set_status(actor=request.user, structure=structure, status=status)  # type: ignore[arg-type]
                done += 1
            except services.DirectoryError as error:
                messages.warning(request, f"{structure} : {error.message}")
        messages.success(request, f"{counted(done, 'fiche')} mise{plural(done)} à jour.")

    @admin.action(description="Publier")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Structure.Status.PUBLISHED)

    @admin.action(description="Retirer de l'annuaire")
    def delist(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Structure.Status.DELISTED)

    @admin.action(description="Marquer « à vérifier »")
    def to_review(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Structure.Status.TO_REVIEW)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]


@admin.register(ClaimRequest)
class ClaimRequestAdmin(admin.ModelAdmin):
    list_display = ["structure", "user", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["structure", "user", "decided_by"]
    actions = ["approve", "reject"]

    @admin.action(description="Accepter les demandes")
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        for claim in queryset.select_related("structure", "user"):
            try:
                services.claim_approve(actor=request.user, claim=claim)  # type: ignore[arg-type]
            except services.DirectoryError as error:
                messages.warning(request, f"{claim} : {error.message}")

    @admin.action(description="Refuser les demandes")
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        for claim in queryset.select_related("structure"):
            try:
                services.claim_reject(actor=request.user, claim=claim)  # type: ignore[arg-type]
            except services.DirectoryError as error:
                messages.warning(request, f"{claim} : {error.message}")
