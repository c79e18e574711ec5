"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from gongjian.core.errors import ValidationFailed
from gongjian.orgs.admin import SuperuserOnly
from gongjian.service import services
from gongjian.service.models import (
    Activity,
    Attendance,
    HolidayRange,
    HolidayYear,
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


def _ranges(rows: list[tuple[str, Any, Any, str]], kind: str) -> list[services.DayRange]:
    return [services.DayRange(start, end, name) for k, start, end, name in rows if k == kind]


class HolidayRangeFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """The year's ranges checked together, as `services.holidays_check` checks them."""

    def clean(self) -> None:
        super().clean()
        rows = [
            (
                f.cleaned_data["kind"],
                f.cleaned_data["start"],
                f.cleaned_data["end"],
                f.cleaned_data.get("name", ""),
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.holidays_check(
                self.instance.year,
                _ranges(rows, HolidayRange.Kind.HOLIDAY),
                _ranges(rows, HolidayRange.Kind.WORKDAY),
            )
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from None


class HolidayRangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HolidayRange
    formset = HolidayRangeFormSet
    extra = 8
    fields = ("kind", "name", "start", "end")


@admin.register(HolidayYear)
class HolidayYearAdmin(SuperuserOnly):
    """A year's 放假调休 from the State Council's notice: each holiday and each make-up
    working day as a range (first and last day). Saved through `services.holidays_save`, so
    the same checks hold as on the command line."""

    list_display = ("year", "notice", "provisional")
    inlines = (HolidayRangeInline,)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        entry = form.instance
        rows = [(r.kind, r.start, r.end, r.name) for r in entry.ranges.all()]
        # Checked by the formset already; saved again through the service: audited, and the
        # calendar reads the year anew.
        services.holidays_save(
            actor=request.user,
            year=entry.year,
            holidays=_ranges(rows, HolidayRange.Kind.HOLIDAY),
            workdays=_ranges(rows, HolidayRange.Kind.WORKDAY),
            notice=entry.notice,
            provisional=entry.provisional,
        )
