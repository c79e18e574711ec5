"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from django.contrib import admin

from gongjian.inspection.models import Campaign, Finding, Inspection, Task
from gongjian.orgs.admin import SuperuserOnly


@admin.register(Inspection)
class InspectionAdmin(SuperuserOnly):
    list_display = ("subject", "kind", "led_by", "unit", "starts_on")
    search_fields = ("subject",)
    raw_id_fields = ("district", "unit", "inspectors", "created_by")


@admin.register(Finding)
class FindingAdmin(SuperuserOnly):
    list_display = ("__str__", "status", "due_on", "responsible_unit", "responsible_area")
    list_filter = ("status", "category", "severity")
    raw_id_fields = ("inspection", "place", "responsible_unit", "responsible_area", "found_by")


@admin.register(Campaign)
class CampaignAdmin(SuperuserOnly):
    list_display = ("title", "district", "unit", "due_on")
    raw_id_fields = ("district", "unit", "created_by")


@admin.register(Task)
class TaskAdmin(SuperuserOnly):
    list_display = ("title", "campaign", "party_org", "unit", "progress", "status")
    raw_id_fields = ("campaign", "party_org", "unit")
