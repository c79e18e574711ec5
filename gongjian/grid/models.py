"""Grid work (网格): the households of each grid, the cadres assigned to a grid (its leaders
and the members of paired units sent down to it), household visits and what they found.

Grids are the areas of level `grid` of `orgs.Area`; this app adds no second tree. A
household's head's phone and ID number are personal: encrypted, found by a blind index,
shown masked, revealed only through `household_unmask` (audited), as members' are.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.fields import EncryptedTextField
from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, Unit


class Household(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("head_name", "address")  # folded for the search box

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grid = models.ForeignKey(
        Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="households"
    )
    building = models.CharField(_("楼栋"), max_length=20, blank=True)
    entrance = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("房号"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_phone = EncryptedTextField(_("户主电话"), blank=True, default="")
    head_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    head_id_number = EncryptedTextField(_("户主身份证号"), blank=True, default="")
    head_id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    size = models.PositiveSmallIntegerField(_("人口数"), default=1)
    elderly_alone = models.BooleanField(_("独居老人"), default=False)
    hardship = models.BooleanField(_("困难家庭"), default=False)
    empty_nest = models.BooleanField(_("空巢"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ("grid_id", "building", "entrance", "room", "address", "id")
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        constraints = [
            models.UniqueConstraint(
                fields=("grid", "building", "entrance", "room", "address"),
                name="household_unique_address",
            ),
            models.CheckConstraint(condition=~Q(room="", address=""), name="household_has_address"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.head_name}"

    @property
    def place(self) -> str:
        if self.room:
            parts = [
                f"{self.building}栋" if self.building else "",
                f"{self.entrance}单元" if self.entrance else "",
                f"{self.room}室",
            ]
            return "".join(parts)
        return self.address

    @property
    def flags(self) -> list[str]:
        out = []
        if self.elderly_alone:
            out.append(str(_("独居老人")))
        if self.hardship:
            out.append(str(_("困难家庭")))
        if self.empty_nest:
            out.append(str(_("空巢")))
        return out


class Assignment(TimeStampedModel):
    """A cadre at a grid: its leader (网格长), or a member of a paired unit sent down (下沉)."""

    class Role(models.TextChoices):
        LEADER = "leader", _("网格长")
        SENT_DOWN = "sent_down", _("下沉党员")

    grid = models.ForeignKey(
        Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="grid_assignments"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="grid_assignments"
    )
    role = models.CharField(_("职责"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("派出单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_assignments",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("grid_id", "role", "starts_on", "id")
        verbose_name = _("网格力量")
        verbose_name_plural = _("网格力量")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="grid_assignment_dates",
            ),
            models.UniqueConstraint(
                fields=("grid", "member"),
                condition=Q(ends_on__isnull=True),
                name="grid_assignment_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.get_role_display()} · {self.member}"


class Visit(Searchable, TimeStampedModel):
    """A household visit (入户走访): who went, when, who they met, what they found."""

    SEARCH_FIELDS = ("notes",)  # folded for the search box

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="visits"
    )
    grid = models.ForeignKey(
        Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="grid_visits"
    )
    visitor = models.ForeignKey(
        Member,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_visits",
    )
    visited_on = models.DateField(_("走访日期"))
    met = models.CharField(_("见到"), max_length=100, blank=True)
    notes = models.TextField(_("走访情况"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-visited_on", "-id")
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        indexes = [
            models.Index(fields=("grid", "visited_on"), name="grid_visit_grid_day"),
            models.Index(fields=("household", "visited_on"), name="grid_visit_household_day"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household}"


class Issue(Searchable, TimeStampedModel):
    """What a visit found (a need, a hazard, a dispute), and where it was passed on: a
    suggestion (consult), a finding (inspection) or a demand (co-building), by its id there."""

    SEARCH_FIELDS = ("description",)  # folded for the search box

    class Kind(models.TextChoices):
        NEED = "need", _("困难诉求")
        HAZARD = "hazard", _("安全隐患")
        DISPUTE = "dispute", _("矛盾纠纷")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        PASSED = "passed", _("已转办")
        RESOLVED = "resolved", _("已解决")

    class PassedTo(models.TextChoices):
        NONE = "", _("未转办")
        SUGGESTION = "suggestion", _("意见建议")
        FINDING = "finding", _("督导问题")
        DEMAND = "demand", _("共建需求")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(_("问题类型"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("问题描述"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="open")
    passed_to = models.CharField(
        _("转办去向"), max_length=16, choices=PassedTo.choices, default="", blank=True
    )
    passed_ref = models.CharField(_("转办编号"), max_length=64, blank=True)
    passed_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("走访问题")
        verbose_name_plural = _("走访问题")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="passed", passed_at__isnull=False) & ~Q(passed_to="")
                | ~Q(status="passed"),
                name="grid_issue_passed_has_target",
            )
        ]

    def __str__(self) -> str:
        return self.description[:40]
