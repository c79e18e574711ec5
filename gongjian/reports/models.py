"""Monthly rollups of volunteer service, so a city's dashboard reads thousands of rows
instead of millions (docs/adr/0007-dashboard-rollups.md).

A month is read from the rollups only when its `RollupMonth` is clean; a write to an
attendance, an activity or an outcome of that month marks it dirty (see `signals.py`) and the
figures read the raw tables for it until `gongjian reports_refresh_rollups` runs again.
The fact rows are derived data, rebuilt whole for a month: they carry no timestamps of their
own; their month's `RollupMonth` says when they were built.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel


class RollupMonth(TimeStampedModel):
    """One month of rollups: built at `refreshed_at`, dirty since a later write."""

    month = models.DateField(_("月份"), unique=True)
    dirty = models.BooleanField(_("待刷新"), default=False)
    version = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(_("刷新时间"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        ordering = ("month",)
        verbose_name = _("统计月份")
        verbose_name_plural = _("统计月份")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ServiceFact(models.Model):
    """Published activities of one month at one place (the activity's area) in one category,
    with their attendances (person-times, hours) and recorded households visited."""

    month = models.DateField()
    area = models.ForeignKey("orgs.Area", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "orgs.Area", null=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=255)  # the area's path, for a subtree prefix
    category = models.ForeignKey(
        "service.ServiceCategory", on_delete=models.CASCADE, related_name="+"
    )
    activities = models.PositiveIntegerField(default=0)
    person_times = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=14, decimal_places=1, default=Decimal("0"))
    households = models.PositiveIntegerField(default=0)
    hours_confirmed = models.DecimalField(max_digits=14, decimal_places=1, default=Decimal("0"))

    class Meta:
        ordering = ("month", "path", "category_id")
        constraints = [
            models.UniqueConstraint(
                fields=("month", "area", "category"), name="reports_service_fact_once"
            )
        ]
        indexes = [
            models.Index(
                fields=("path", "month"),
                name="reports_sfact_path_month",
                opclasses=("varchar_pattern_ops", "date_ops"),
            ),
            models.Index(fields=("month",), name="reports_sfact_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.path} {self.category_id}"


class UnitServiceFact(models.Model):
    """Attendances of one month by the members of one unit (by the member's unit at the time
    of the refresh), in one category: the unit rankings."""

    month = models.DateField()
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "service.ServiceCategory", on_delete=models.CASCADE, related_name="+"
    )
    person_times = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=14, decimal_places=1, default=Decimal("0"))

    class Meta:
        ordering = ("month", "unit_id", "category_id")
        constraints = [
            models.UniqueConstraint(
                fields=("month", "unit", "category"), name="reports_unit_fact_once"
            )
        ]
        indexes = [models.Index(fields=("month", "unit"), name="reports_ufact_month_unit")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} {self.category_id}"


class MemberYearFact(models.Model):
    """The months of one year in which one member attended a published activity anywhere:
    bit `m - 1` of `months` for month `m`. Distinct people cannot be summed from the other
    rollups; they are counted from these rows (a member is in a period's whole clean months
    when their mask meets those months' bits), united with the members of the raw edges
    (docs/adr/0009-distinct-people-rollup.md).

    Derived rows, kept small: the key is the primary key (no surrogate id, no other index),
    and the member has no database constraint and is not cascaded. A deleted member's
    attendances go with them, each deletion marks its month dirty, and the next refresh of
    that month clears the member's bit and drops the row; until then the month is read raw."""

    pk = models.CompositePrimaryKey("year", "member")
    year = models.PositiveSmallIntegerField()
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    months = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("year", "member_id")

    def __str__(self) -> str:
        return f"{self.year} {self.member_id} {self.months:012b}"


class MemberPlaceFact(models.Model):
    """The same mask per place (the activity's area: its community, or its street or
    district when it has none), so the people of an area's subtree are the members of the
    rows of the places under its path. Kept like `MemberYearFact`."""

    pk = models.CompositePrimaryKey("year", "area", "member")
    year = models.PositiveSmallIntegerField()
    area = models.ForeignKey(
        "orgs.Area",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    months = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("year", "area_id", "member_id")

    def __str__(self) -> str:
        return f"{self.year} {self.area_id} {self.member_id} {self.months:012b}"


class BriefingIssue(TimeStampedModel):
    """One issue (一期) of the work briefing as downloaded: its 期号 counts the issues of its
    office in its year, so the red header reads 第N期."""

    issuer = models.CharField(_("编发单位"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("期号"))
    scope_key = models.CharField(_("范围"), max_length=40)
    scope_name = models.CharField(_("范围名称"), max_length=100)
    period_label = models.CharField(_("统计期间"), max_length=60)
    issued_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-year", "-number")
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        constraints = [
            models.UniqueConstraint(
                fields=("issuer", "year", "number"), name="reports_briefing_issue_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year}年第{self.number}期"


class DataVersion(models.Model):
    """The version of the data the figures read: one row, bumped after the commit of every
    write that changes a figure (`signals.data_changed`). Every process reads it here (or in
    the cache when that is shared between processes, e.g. Redis), so an answer one process
    cached is never served by another after a write. It starts from the clock, so a
    recreated row never reuses a version that answers were filed under."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("统计数据版本")
        verbose_name_plural = _("统计数据版本")

    def __str__(self) -> str:
        return str(self.version)
