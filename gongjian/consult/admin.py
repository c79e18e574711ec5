"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from django.contrib import admin

from gongjian.consult.models import (
    Category,
    Consultation,
    ScoreRule,
    Studio,
    Suggestion,
    UnitDuty,
)
from gongjian.orgs.admin import SuperuserOnly


@admin.register(Category)
class CategoryAdmin(SuperuserOnly):
    list_display = ("code", "name", "workdays", "is_active")


@admin.register(ScoreRule)
class ScoreRuleAdmin(SuperuserOnly):
    list_display = ("item", "points", "cap")


@admin.register(UnitDuty)
class UnitDutyAdmin(SuperuserOnly):
    list_display = ("unit", "takes_suggestions")
    raw_id_fields = ("unit",)


@admin.register(Consultation)
class ConsultationAdmin(SuperuserOnly):
    list_display = ("topic", "level", "form", "starts_at", "status")
    list_filter = ("level", "form", "status")
    search_fields = ("topic",)
    raw_id_fields = ("district", "unit", "created_by")


@admin.register(Studio)
class StudioAdmin(SuperuserOnly):
    list_display = ("name", "kind", "area", "hours")
    raw_id_fields = ("district", "area", "unit", "members")


@admin.register(Suggestion)
class SuggestionAdmin(SuperuserOnly):
    list_display = ("title", "status", "unit", "due_on", "submitted_at")
    list_filter = ("status", "source")
    search_fields = ("title",)
    exclude = ("submitter_phone",)
    raw_id_fields = ("district", "area", "member", "studio", "consultation", "merged_into", "unit")
