"""Volunteer service: categories, teams, activities with quotas, sign-ups, attendance and
outcomes (its notices go to the one inbox, `orgs.Notice`). The database keeps the rules (see
docs/adr/0004-quota-and-checkin.md): never more confirmed sign-ups than the quota, one sign-up
and one attendance per member per activity."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, Unit


class ServiceCategory(TimeStampedModel):
    """暖心红, 平安蓝, 天使白, 生态绿, 阳光银 … configurable, each with a colour."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    colour = models.CharField(_("颜色"), max_length=7, help_text=_("如 #c8102e"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ("order", "id")
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="service_category_colour"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(Searchable, TimeStampedModel):
    """A service team (志愿服务队 / 先锋队), standing or temporary, with a captain."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Kind(models.TextChoices):
        STANDING = "standing", _("常设")
        TEMPORARY = "temporary", _("临时")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("队名"), max_length=60)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.STANDING)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("服务类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    captain = models.ForeignKey(
        Member, verbose_name=_("队长"), on_delete=models.PROTECT, related_name="captained_teams"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_teams",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_teams",
    )
    description = models.CharField(_("简介"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False) | Q(unit__isnull=False),
                name="service_team_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TimeStampedModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="team_memberships")

    class Meta:
        ordering = ("team_id", "id")
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        constraints = [
            models.UniqueConstraint(fields=("team", "member"), name="service_team_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.member}"


# An activity's places: at least one, at most this many. The service checks it; the page's form
# and the API's schema name the same constants.
QUOTA_MIN = 1
QUOTA_MAX = 100_000


class Audience(models.TextChoices):
    OPEN = "open", _("范围内所有党员")
    RESIDENTS = "residents", _("向本社区报到的党员")
    UNIT = "unit", _("本单位党员")
    TEAM = "team", _("本服务队队员")


class Series(TimeStampedModel):
    """A recurring activity published once: the monthly 主题党日, a weekly duty post. Its
    activities are laid out when it is published (see `gongjian.service.calendar`)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    frequency = models.CharField(_("重复"), max_length=16, choices=Frequency.choices)
    first_date = models.DateField(_("首次日期"))
    occurrences = models.PositiveSmallIntegerField(_("次数"))
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("周期活动")
        verbose_name_plural = _("周期活动")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} × {self.occurrences}"


def community_of(area: Area) -> int | None:
    """The community an area lies in: itself, or the parent of a grid; none for a street or
    a district."""
    if area.kind == Area.Kind.COMMUNITY:
        return area.pk
    if area.kind == Area.Kind.GRID:
        return area.parent_id
    return None


class Activity(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("title", "address")  # folded for the search box

    class Status(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=100)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("服务类别"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    description = models.TextField(_("内容"), blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("地点区域"), on_delete=models.PROTECT, related_name="activities"
    )
    # The community the area lies in (itself, or the parent of a grid); null for a street or
    # district. Kept for the residents audience and for statistics by community.
    community = models.ForeignKey(
        Area,
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_activities",
        editable=False,
    )
    address = models.CharField(_("详细地址"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    quota = models.PositiveIntegerField(_("名额"))
    confirmed_count = models.PositiveIntegerField(_("已报名"), default=0, editable=False)
    signup_opens_at = models.DateTimeField(_("报名开始"))
    signup_closes_at = models.DateTimeField(_("报名截止"))
    audience = models.CharField(
        _("报名范围"), max_length=16, choices=Audience.choices, default=Audience.OPEN
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_activities",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("服务队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED
    )
    cancelled_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("-starts_at", "-id")
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        indexes = [models.Index(fields=("status", "starts_at"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("quota")), name="service_activity_within_quota"
            ),
            models.CheckConstraint(
                condition=Q(quota__gte=QUOTA_MIN), name="service_activity_quota_min"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="service_activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(signup_closes_at__gt=F("signup_opens_at")),
                name="service_activity_signup_window",
            ),
            models.CheckConstraint(
                condition=~Q(audience="team") | Q(team__isnull=False),
                name="service_activity_team_audience",
            ),
            models.CheckConstraint(
                condition=~Q(audience="unit") | Q(unit__isnull=False),
                name="service_activity_unit_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The community always follows the place, whoever writes it (a service, the admin):
        the statistics by community count an activity where it takes place."""
        fields = kwargs.get("update_fields")
        if self.area_id is not None and (fields is None or "area" in fields):
            self.community_id = community_of(self.area)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "community"}
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_finished(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def places_left(self) -> int:
        return max(0, self.quota - self.confirmed_count)

    @property
    def state_label(self) -> str:
        now = timezone.now()
        if self.is_cancelled:
            return str(_("已取消"))
        if self.ends_at <= now:
            return str(_("已结束"))
        if self.starts_at <= now:
            return str(_("进行中"))
        if now < self.signup_opens_at:
            return str(_("未开始报名"))
        if now > self.signup_closes_at:
            return str(_("报名已截止"))
        if self.confirmed_count >= self.quota:
            return str(_("名额已满，可候补"))
        return str(_("报名中"))


class Signup(TimeStampedModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITING = "waiting", _("候补")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="service_signups")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    # Order on the waiting list: the time the member joined it (ties broken by id).
    waiting_since = models.DateTimeField(_("候补时间"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("递补时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    # Not stored: the place on the waiting list when the member signed up, set on the instance
    # that `services.signup_create` returns (see `selectors.position_at_signup`).
    position_at_signup: int | None = None

    class Meta:
        ordering = ("activity_id", "id")
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(fields=("activity", "member"), name="service_signup_once")
        ]
        indexes = [models.Index(fields=("activity", "status", "waiting_since", "id"))]

    def __str__(self) -> str:
        return f"{self.member} → {self.activity}"


class Attendance(TimeStampedModel):
    """One member at one activity: one person-time. Hours from check-in/out, or as the
    organiser confirmed them."""

    class Method(models.TextChoices):
        QR = "qr", _("扫码")
        MANUAL = "manual", _("组织者补录")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="service_attendances")
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    hours_confirmed = models.BooleanField(_("时长已确认"), default=False)
    points = models.DecimalField(_("积分"), max_digits=6, decimal_places=1, default=Decimal("0"))

    class Meta:
        ordering = ("activity_id", "id")
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        constraints = [
            models.UniqueConstraint(fields=("activity", "member"), name="service_attendance_once"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="service_attendance_hours"
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="service_attendance_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.activity}"


class Outcome(TimeStampedModel):
    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="outcome")
    households_visited = models.PositiveIntegerField(_("入户数"), default=0)
    people_served = models.PositiveIntegerField(_("服务群众人数"), default=0)
    leaflets = models.PositiveIntegerField(_("发放资料份数"), default=0)
    summary = models.TextField(_("活动小结"), blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("活动成效")
        verbose_name_plural = _("活动成效")

    def __str__(self) -> str:
        return f"{self.activity}"


def _photo_path(instance: OutcomePhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"service/photos/{instance.outcome.activity.public_id}/{uuid.uuid4().hex}.{ext}"


class OutcomePhoto(TimeStampedModel):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=_photo_path)

    class Meta:
        ordering = ("id",)
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self) -> str:
        return str(self.image.name)


class Certificate(TimeStampedModel):
    """A service-hours certificate as issued: its number is printed on the PDF and can be
    checked by anyone on the public verification page, which shows the figures and a masked
    name only. Issued again with the same figures, the same number comes back."""

    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="certificates"
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    activities = models.PositiveIntegerField(_("活动次数"))
    hours = models.DecimalField(_("服务时长"), max_digits=9, decimal_places=1)
    points = models.DecimalField(_("积分"), max_digits=9, decimal_places=1)
    issuer = models.CharField(_("开具单位"), max_length=100)
    issued_on = models.DateField(_("开具日期"))

    class Meta:
        ordering = ("-issued_on", "-id")
        verbose_name = _("志愿服务时长证明")
        verbose_name_plural = _("志愿服务时长证明")

    def __str__(self) -> str:
        return self.number


class HolidayYear(TimeStampedModel):
    """A year's 放假调休 as the State Council's notice gives it, entered by an administrator
    (the admin page or `gongjian service_holidays`). A year here replaces the same year of the
    shipped table (`data/holidays.json`); see `gongjian.service.calendar`."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("通知文号"), max_length=100, blank=True)
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("通知尚未发布，仅含法定节日")
    )

    class Meta:
        ordering = ("-year",)
        verbose_name = _("放假调休安排")
        verbose_name_plural = _("放假调休安排")

    def __str__(self) -> str:
        return f"{self.year}年"


class HolidayRange(models.Model):
    """Days off (放假) or a make-up working day (调休上班), first to last day included."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    holiday_year = models.ForeignKey(
        HolidayYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="ranges"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=20, blank=True)
    start = models.DateField(_("起始日"))
    end = models.DateField(_("截止日"))

    class Meta:
        ordering = ("start", "id")
        verbose_name = _("放假或调休日期")
        verbose_name_plural = _("放假或调休日期")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="service_holiday_range_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end}"
