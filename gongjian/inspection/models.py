"""Inspections (督导 / 督查 / 视察), the places they visit, findings on the spot and their
rectification to a deadline in working days, and supervised tasks (督办事项) of a campaign.

The database keeps the rules (docs/adr/0014-inspection-findings-deadlines-drafts.md): a
finding has exactly one responsible side (a unit or a community); a task exactly one assignee
(a party organisation or a unit); progress is a percentage; every state is one of its
choices.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, PartyOrg, Unit


class Inspection(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("subject",)  # folded for the search box

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("督导")
        CHECK = "check", _("督查")
        VISIT = "visit", _("视察")

    class LedBy(models.TextChoices):
        UNIT = "unit", _("单位")
        DEPUTIES = "deputies", _("代表委员")
        DISTRICT = "district", _("区委区政府")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("主题"), max_length=100)
    led_by = models.CharField(_("组织方"), max_length=16, choices=LedBy.choices)
    district = models.ForeignKey(
        Area, verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="inspections"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    inspectors = models.ManyToManyField(
        Member, verbose_name=_("督导人员"), blank=True, related_name="inspections"
    )
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-starts_on", "-id")
        verbose_name = _("督导")
        verbose_name_plural = _("督导")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="inspection_dates"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Place(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("name", "address")  # folded for the search box

    class Kind(models.TextChoices):
        STATION = "station", _("车站")
        STREET = "street", _("街道")
        HOSPITAL = "hospital", _("医院")
        SCHOOL = "school", _("学校")
        PARK = "park", _("公园")
        COMMUNITY = "community", _("社区")
        MARKET = "market", _("市场")
        OTHER = "other", _("其他")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("点位"), max_length=100)
    kind = models.CharField(_("点位类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_places",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    visited_on = models.DateField(_("到访日期"), null=True, blank=True)

    class Meta:
        ordering = ("inspection_id", "id")
        verbose_name = _("督导点位")
        verbose_name_plural = _("督导点位")

    def __str__(self) -> str:
        return self.name


class Finding(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("description",)  # folded for the search box

    class Category(models.TextChoices):
        SANITATION = "sanitation", _("环境卫生")
        ORDER = "order", _("公共秩序")
        FACILITIES = "facilities", _("设施设备")
        SAFETY = "safety", _("安全隐患")
        SERVICE = "service", _("服务质量")
        PUBLICITY = "publicity", _("宣传氛围")
        OTHER = "other", _("其他")

    class Severity(models.TextChoices):
        MINOR = "minor", _("一般")
        MAJOR = "major", _("较重")
        SERIOUS = "serious", _("严重")

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        SUBMITTED = "submitted", _("待复核")
        RETURNED = "returned", _("退回整改")
        CLOSED = "closed", _("已销号")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    place = models.ForeignKey(
        Place,
        verbose_name=_("点位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    description = models.TextField(_("问题描述"))
    category = models.CharField(_("问题类别"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    responsible_area = models.ForeignKey(
        Area,
        verbose_name=_("责任社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="open")
    workdays = models.PositiveSmallIntegerField(_("整改时限（工作日）"))
    due_on = models.DateField(_("整改期限"), db_index=True)
    found_at = models.DateTimeField(_("发现时间"), db_index=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    returns = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期整改"), null=True, blank=True)

    class Meta:
        ordering = ("-found_at", "-id")
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_unit__isnull=False, responsible_area__isnull=True)
                | Q(responsible_unit__isnull=True, responsible_area__isnull=False),
                name="finding_one_responsible_side",
            ),
            models.CheckConstraint(
                condition=Q(workdays__gte=1, workdays__lte=60), name="finding_workdays"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="finding_closed_at",
            ),
        ]
        indexes = [models.Index(fields=("status", "due_on"), name="finding_status_due")]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def responsible(self) -> Unit | Area | None:
        return self.responsible_unit or self.responsible_area


class Rectification(TimeStampedModel):
    """A report of the responsible side (text and evidence), and the inspecting side's review
    of it: passed, or returned with a reason. Kept: the history of a finding."""

    class Result(models.TextChoices):
        PENDING = "", _("待复核")
        PASSED = "passed", _("通过")
        RETURNED = "returned", _("退回")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="rectifications")
    text = models.TextField(_("整改情况"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("当时期限"))
    result = models.CharField(
        _("复核结果"), max_length=16, choices=Result.choices, default="", blank=True
    )
    review_reason = models.CharField(_("复核意见"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        ordering = ("finding_id", "created_at", "id")
        verbose_name = _("整改")
        verbose_name_plural = _("整改")

    def __str__(self) -> str:
        return f"{self.finding} · {self.get_result_display()}"


class Campaign(Searchable, TimeStampedModel):
    """A campaign of supervised tasks (督办), e.g. 创文: goals broken into tasks per branch."""

    SEARCH_FIELDS = ("title",)  # folded for the search box

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("目标要求"), blank=True)
    district = models.ForeignKey(
        Area, verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="task_campaigns"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_campaigns",
    )
    due_on = models.DateField(_("完成期限"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("督办工作")
        verbose_name_plural = _("督办工作")

    def __str__(self) -> str:
        return self.title


class Task(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("title",)  # folded for the search box

    class Status(models.TextChoices):
        OPEN = "open", _("推进中")
        COMPLETED = "completed", _("已完成")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    party_org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("承办支部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_tasks",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_tasks",
    )
    title = models.CharField(_("任务"), max_length=100)
    target = models.CharField(_("目标"), max_length=200)
    due_on = models.DateField(_("期限"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="open")
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ("campaign_id", "due_on", "id")
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        constraints = [
            models.CheckConstraint(
                condition=Q(party_org__isnull=False, unit__isnull=True)
                | Q(party_org__isnull=True, unit__isnull=False),
                name="task_one_assignee",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee(self) -> PartyOrg | Unit | None:
        return self.party_org or self.unit


class TaskReport(TimeStampedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    percent = models.PositiveSmallIntegerField(_("进度（%）"))
    text = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("task_id", "created_at", "id")
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_report_percent")
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.percent}%"


class Photo(TimeStampedModel):
    """A photo, checked by content, its EXIF (and so its location) stripped, compressed: of a
    finding, of a rectification's evidence, or of a task report's evidence."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    report = models.ForeignKey(
        TaskReport, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(upload_to="inspection/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("id",)
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False)
                | Q(rectification__isnull=False)
                | Q(report__isnull=False),
                name="photo_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return str(self.image.name)
