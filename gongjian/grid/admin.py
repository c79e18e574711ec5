"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from django.contrib import admin

from gongjian.grid.models import Assignment, Household, Issue, Visit
from gongjian.orgs.admin import SuperuserOnly


@admin.register(Household)
class HouseholdAdmin(SuperuserOnly):
    list_display = ("__str__", "grid", "elderly_alone", "hardship", "empty_nest")
    search_fields = ("head_name", "address")
    exclude = ("head_phone", "head_id_number")
    raw_id_fields = ("grid",)


@admin.register(Assignment)
class AssignmentAdmin(SuperuserOnly):
    list_display = ("grid", "member", "role", "unit", "starts_on", "ends_on")
    raw_id_fields = ("grid", "member", "unit", "assigned_by")


@admin.register(Visit)
class VisitAdmin(SuperuserOnly):
    list_display = ("visited_on", "household", "grid", "visitor")
    raw_id_fields = ("household", "grid", "visitor", "logged_by")


@admin.register(Issue)
class IssueAdmin(SuperuserOnly):
    list_display = ("__str__", "kind", "status", "passed_to")
    raw_id_fields = ("visit",)
