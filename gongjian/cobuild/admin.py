from __future__ import annotations

from django.contrib import admin

from gongjian.cobuild.models import (
    Agreement,
    Campaign,
    Demand,
    Match,
    MatchRun,
    Project,
    Rating,
    Resource,
)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ("name", "year", "district", "status", "lists_due", "signing_due")
    list_filter = ("status", "year")
    search_fields = ("name",)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin[Resource]):
    list_display = ("title", "unit", "campaign", "category", "capacity", "area")
    list_filter = ("campaign", "category")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit", "area")


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin[Demand]):
    list_display = ("title", "community", "campaign", "category", "priority", "needed_by")
    list_filter = ("campaign", "category", "priority")
    search_fields = ("title", "community__name")
    raw_id_fields = ("community",)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin[MatchRun]):
    list_display = ("campaign", "created_at", "method", "demand_count", "proposed_count")
    readonly_fields = [f.name for f in MatchRun._meta.fields]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin[Match]):
    list_display = ("demand", "resource", "score", "status", "run")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Match._meta.fields]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin[Agreement]):
    list_display = ("project_name", "unit_signed_at", "community_signed_at")
    readonly_fields = [f.name for f in Agreement._meta.fields]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("name", "campaign", "status", "starts_on", "ends_on")
    list_filter = ("status", "campaign")
    search_fields = ("name",)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin[Rating]):
    list_display = ("project", "stars", "created_at")
