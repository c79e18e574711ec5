"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from django.contrib import admin

from gongjian.orgs.admin import SuperuserOnly
from gongjian.service.models import (
    Activity,
    Attendance,
    ServiceCategory,
    Signup,
    Team,
)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(SuperuserOnly):
    list_display = ("name", "code", "colour", "order", "is_active")


@admin.register(Team)
class TeamAdmin(SuperuserOnly):
    list_display = ("name", "kind", "captain", "area", "unit")
    search_fields = ("name",)
    raw_id_fields = ("captain", "area", "unit")


@admin.register(Activity)
class ActivityAdmin(SuperuserOnly):
    list_display = ("title", "category", "area", "starts_at", "quota", "confirmed_count", "status")
    list_filter = ("status", "category")
    search_fields = ("title",)
    raw_id_fields = ("area", "community", "unit", "team", "series", "created_by")
    readonly_fields = ("confirmed_count",)


@admin.register(Signup)
class SignupAdmin(SuperuserOnly):
    list_display = ("activity", "member", "status", "waiting_since")
    list_filter = ("status",)
    raw_id_fields = ("activity", "member")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # sign-ups change only through the services, which keep the count


@admin.register(Attendance)
class AttendanceAdmin(SuperuserOnly):
    list_display = ("activity", "member", "checked_in_at", "checked_out_at", "hours", "method")
    raw_id_fields = ("activity", "member")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
