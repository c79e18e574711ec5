"""Study sessions (第一议题, 三会一课, 主题党日, lectures, reading), who was asked to come, who
came, who asked for leave, make-up study, and the rules of regular organisational life.

The database keeps the rules (docs/adr/0013-study-rules-and-compliance.md): one attendance row
per member and session; a session's counters (`invited_count`, `present_count`,
`leave_count`) are changed only by conditional UPDATEs in the services and never go below
zero; one rule per kind and district (and one standard rule per kind).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, PartyOrg


class Kind(models.TextChoices):
    FIRST_TOPIC = "first_topic", _("第一议题")
    MEMBERS_MEETING = "members_meeting", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LECTURE = "lecture", _("讲堂")
    READING = "reading", _("读书")
    SEMINAR = "seminar", _("研讨")


class RulePeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


# How many months one period of a rule lasts.
PERIOD_MONTHS = {RulePeriod.MONTH: 1, RulePeriod.QUARTER: 3, RulePeriod.YEAR: 12}


class StudyRule(TimeStampedModel):
    """How often a branch must hold one kind of session: at least `minimum` in every month,
    quarter or year. `district` empty: the standard rule (seeded); a district's own rule for
    the same kind replaces it there (and `is_active=False` there means "not required")."""

    kind = models.CharField(_("会议类型"), max_length=24, choices=Kind.choices)
    period = models.CharField(_("周期"), max_length=8, choices=RulePeriod.choices)
    minimum = models.PositiveSmallIntegerField(_("最少次数"), default=1)
    district = models.ForeignKey(
        Area,
        verbose_name=_("适用区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="study_rules",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ("district_id", "kind")
        verbose_name = _("组织生活规则")
        verbose_name_plural = _("组织生活规则")
        constraints = [
            models.UniqueConstraint(
                fields=("kind",), condition=Q(district__isnull=True), name="study_rule_standard"
            ),
            models.UniqueConstraint(
                fields=("district", "kind"),
                condition=Q(district__isnull=False),
                name="study_rule_district",
            ),
            models.CheckConstraint(
                condition=Q(minimum__gte=1, minimum__lte=31), name="study_rule_minimum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_period_display()}{self.minimum}次"


class Plan(TimeStampedModel):
    """A recurring study plan published once (monthly 主题党日, quarterly 党课): its sessions
    are laid out on the Chinese calendar when it is published (`study.recurrence`)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")

    frequency = models.CharField(_("重复"), max_length=16, choices=Frequency.choices)
    first_date = models.DateField(_("首次日期"))
    occurrences = models.PositiveSmallIntegerField(_("次数"))
    moved = models.JSONField(_("顺延的日期"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("学习计划")
        verbose_name_plural = _("学习计划")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} × {self.occurrences}"


class Audience(models.TextChoices):
    BRANCH = "branch", _("本组织全体党员")
    UNIT = "unit", _("本单位党员")
    LIST = "list", _("指定党员")


class StudySession(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("topic", "speaker")  # folded for the search box

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("待召开")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    topic = models.CharField(_("主题"), max_length=100)
    speaker = models.CharField(_("主讲人"), max_length=50, blank=True)
    description = models.TextField(_("内容"), blank=True)
    party_org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="study_sessions",
    )
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    # The local (Asia/Shanghai) day it starts on: what compliance counts by month and quarter.
    held_on = models.DateField(_("日期"), editable=False)
    # `held_on` as a month number (year × 12 + month − 1), what compliance groups by: set with
    # `held_on` wherever a session is written (`month_of`), so the table's aggregate does
    # integer arithmetic instead of extracting dates row by row.
    month_index = models.PositiveIntegerField(editable=False, default=0)
    audience = models.CharField(
        _("参加范围"), max_length=8, choices=Audience.choices, default=Audience.BRANCH
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    summary = models.TextField(_("会议纪要"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("学习计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    invited_count = models.PositiveIntegerField(_("应到"), default=0, editable=False)
    present_count = models.PositiveIntegerField(_("实到"), default=0, editable=False)
    leave_count = models.PositiveIntegerField(_("请假"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-starts_at", "-id")
        verbose_name = _("学习活动")
        verbose_name_plural = _("学习活动")
        indexes = [
            models.Index(fields=("party_org", "status", "held_on"), name="study_session_org_held"),
            models.Index(fields=("status", "held_on"), name="study_session_held"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="study_session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(present_count__lte=F("invited_count"))
                & Q(leave_count__lte=F("invited_count")),
                name="study_session_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.topic}"

    @staticmethod
    def month_of(day: dt.date) -> int:
        return day.year * 12 + day.month - 1

    @property
    def attendance_rate(self) -> float | None:
        return self.present_count / self.invited_count if self.invited_count else None


class Material(TimeStampedModel):
    """Reading for a session: a link or an uploaded file (PDF, Word, PowerPoint, image)."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("标题"), max_length=100)
    url = models.URLField(_("链接"), max_length=300, blank=True)
    file = models.FileField(_("文件"), upload_to="study/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ("session_id", "id")
        verbose_name = _("学习材料")
        verbose_name_plural = _("学习材料")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="study_material_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(TimeStampedModel):
    """One member asked to one session: invited → present, leave or absent; who was on leave
    or absent has a make-up (补学): read the materials, submit a note, the organiser
    confirms. A present member may leave a note (心得) too."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待参加")
        PRESENT = "present", _("出席")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺席")

    class Method(models.TextChoices):
        QR = "qr", _("扫码签到")
        MANUAL = "manual", _("组织者登记")

    class MakeUp(models.TextChoices):
        NONE = "", _("无需补学")
        ASSIGNED = "assigned", _("待补学")
        SUBMITTED = "submitted", _("待确认")
        RETURNED = "returned", _("退回重写")
        CONFIRMED = "confirmed", _("已补学")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="study_attendances"
    )
    status = models.CharField(
        _("出席情况"), max_length=12, choices=Status.choices, default=Status.INVITED
    )
    method = models.CharField(_("签到方式"), max_length=8, choices=Method.choices, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    note = models.TextField(_("心得"), blank=True)
    note_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    makeup = models.CharField(
        _("补学"), max_length=12, choices=MakeUp.choices, default=MakeUp.NONE, blank=True
    )
    makeup_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    makeup_confirmed_at = models.DateTimeField(_("补学确认时间"), null=True, blank=True)

    class Meta:
        ordering = ("session_id", "member__name", "id")
        verbose_name = _("参加记录")
        verbose_name_plural = _("参加记录")
        constraints = [
            models.UniqueConstraint(fields=("session", "member"), name="study_attendance_once"),
            models.CheckConstraint(
                condition=Q(makeup="") | Q(status__in=("leave", "absent")),
                name="study_makeup_only_when_missed",
            ),
        ]
        indexes = [models.Index(fields=("member", "status"), name="study_attendance_member")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.session}"
