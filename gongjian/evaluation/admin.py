"""The admin shows the evaluation records to the platform administrator; changes go through
the pages and the API, where the services check and audit them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongjian.evaluation.models import Assessment, Brand, Campaign, Case, Framework, Indicator


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IndicatorInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Indicator
    fields = ("code", "name", "parent", "weight", "max_score", "method", "metric")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnly):
    list_display = ("code", "name", "area", "status")
    inlines = (IndicatorInline,)


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ("name", "framework", "period_start", "period_end", "status")
    list_filter = ("status",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = ("unit", "campaign", "status", "total", "grade", "rank")
    list_filter = ("status", "grade")
    search_fields = ("unit__name",)


@admin.register(Brand)
class BrandAdmin(ReadOnly):
    list_display = ("name", "party_org", "status")


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ("title", "unit", "campaign", "status", "vote_count", "place")
