"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from django.contrib import admin

from gongjian.orgs.admin import SuperuserOnly
from gongjian.study.models import Attendance, StudyRule, StudySession


@admin.register(StudyRule)
class StudyRuleAdmin(SuperuserOnly):
    list_display = ("kind", "period", "minimum", "district", "is_active")


@admin.register(StudySession)
class StudySessionAdmin(SuperuserOnly):
    list_display = ("topic", "kind", "party_org", "starts_at", "status", "present_count")
    list_filter = ("kind", "status")
    search_fields = ("topic",)
    raw_id_fields = ("party_org", "plan", "created_by")


@admin.register(Attendance)
class AttendanceAdmin(SuperuserOnly):
    list_display = ("session", "member", "status", "makeup")
    list_filter = ("status", "makeup")
    raw_id_fields = ("session", "member")
