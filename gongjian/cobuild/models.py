"""直联共建: a campaign's resource list (what units offer) and demand list (what communities
need), the two-way preferences, the engine's match runs, the confirmed pairs, the agreements
both sides sign, and the co-building projects that follow. The flow is explained in
docs/adr/0005-cobuild-flow.md."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.contacts import HasContact
from gongjian.core.fields import EncryptedTextField
from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Unit


class Campaign(Searchable, TimeStampedModel):
    """One round of direct-link co-building in a district (e.g. 2026年度直联共建)."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Status(models.TextChoices):
        DRAFT = "draft", _("征集清单")
        OPEN = "open", _("清单发布·双向选择")
        MATCHING = "matching", _("组织匹配")
        SIGNING = "signing", _("签约实施")
        CLOSED = "closed", _("已结束")

    name = models.CharField(_("活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    district = models.ForeignKey(
        Area,
        verbose_name=_("所属区"),
        on_delete=models.PROTECT,
        related_name="cobuild_campaigns",
        limit_choices_to={"kind": Area.Kind.DISTRICT},
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    description = models.TextField(_("说明"), blank=True)
    lists_due = models.DateField(_("清单截止日期"), null=True, blank=True)
    preferences_due = models.DateField(_("双向选择截止日期"), null=True, blank=True)
    signing_due = models.DateField(_("签约截止日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-year", "-id")
        verbose_name = _("共建活动")
        verbose_name_plural = _("共建活动")
        constraints = [
            models.UniqueConstraint(fields=("district", "name"), name="campaign_unique_name"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="campaign_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(lists_due__isnull=True)
                | Q(preferences_due__isnull=True)
                | Q(preferences_due__gte=F("lists_due")),
                name="campaign_preferences_after_lists",
            ),
            models.CheckConstraint(
                condition=Q(preferences_due__isnull=True)
                | Q(signing_due__isnull=True)
                | Q(signing_due__gte=F("preferences_due")),
                name="campaign_signing_after_preferences",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT


class Priority(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class Resource(HasContact, Searchable, TimeStampedModel):
    """What a unit offers; `capacity` is how many communities it can serve, `area` the part of
    the district it covers (empty: the whole district)."""

    SEARCH_FIELDS = ("title", "description")  # folded for the search box

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("共建活动"), on_delete=models.CASCADE, related_name="resources"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("提供单位"), on_delete=models.PROTECT, related_name="cobuild_resources"
    )
    title = models.CharField(_("资源名称"), max_length=100)
    description = models.TextField(_("资源内容"), blank=True)
    category = models.CharField(_("类别"), max_length=32, blank=True, db_index=True)
    capacity = models.PositiveSmallIntegerField(_("可服务社区数"), default=1)
    area = models.ForeignKey(
        Area,
        verbose_name=_("服务区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cobuild_resources",
        help_text=_("不填表示服务全区"),
    )
    # 联系人及电话: the name (and any landline) as typed; a mobile number typed into it is kept
    # apart, encrypted with a blind index, and shown masked (core.contacts).
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("联系人手机号"), blank=True, default="")
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("campaign_id", "unit__code", "id")
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=100),
                name="resource_capacity_range",
            ),
        ]
        indexes = [models.Index(fields=("campaign", "unit"))]

    def __str__(self) -> str:
        return self.title


class Demand(Searchable, TimeStampedModel):
    """What a community needs."""

    SEARCH_FIELDS = ("title", "description")  # folded for the search box

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("共建活动"), on_delete=models.CASCADE, related_name="demands"
    )
    community = models.ForeignKey(
        Area,
        verbose_name=_("需求社区"),
        on_delete=models.PROTECT,
        related_name="cobuild_demands",
        limit_choices_to={"kind": Area.Kind.COMMUNITY},
    )
    title = models.CharField(_("需求名称"), max_length=100)
    description = models.TextField(_("需求内容"), blank=True)
    category = models.CharField(_("类别"), max_length=32, blank=True, db_index=True)
    priority = models.CharField(
        _("优先级"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    needed_by = models.DateField(_("期望完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("campaign_id", "community__path", "id")
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        indexes = [models.Index(fields=("campaign", "community"))]

    def __str__(self) -> str:
        return self.title


class Side(models.TextChoices):
    DEMAND = "demand", _("社区选资源")
    RESOURCE = "resource", _("单位选需求")


class Preference(TimeStampedModel):
    """One entry of a ranked list (双向选择). With side `demand` the demand's community ranks
    the resource; with side `resource` the unit ranks the demand. Rank 1 is first."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="preferences")
    side = models.CharField(_("选择方"), max_length=8, choices=Side.choices)
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="preferences")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField(_("志愿顺位"))

    class Meta:
        ordering = ("side", "demand_id", "resource_id", "rank")
        verbose_name = _("双向选择")
        verbose_name_plural = _("双向选择")
        constraints = [
            models.UniqueConstraint(
                fields=("side", "demand", "resource"), name="preference_once_per_pair"
            ),
            models.UniqueConstraint(
                fields=("demand", "rank"),
                condition=Q(side="demand"),
                name="preference_demand_rank_unique",
            ),
            models.UniqueConstraint(
                fields=("resource", "rank"),
                condition=Q(side="resource"),
                name="preference_resource_rank_unique",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="preference_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.side}:{self.demand_id}-{self.resource_id}#{self.rank}"


class PairRule(TimeStampedModel):
    """An administrator's pin (this demand gets this resource) or forbid (never this pair),
    kept across re-runs until removed."""

    class Kind(models.TextChoices):
        PIN = "pin", _("指定")
        FORBID = "forbid", _("禁止")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pair_rules")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="pair_rules")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="pair_rules")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("campaign_id", "demand_id", "resource_id")
        verbose_name = _("指定或禁止的配对")
        verbose_name_plural = _("指定或禁止的配对")
        constraints = [
            models.UniqueConstraint(fields=("demand", "resource"), name="pair_rule_once"),
            models.UniqueConstraint(
                fields=("demand",), condition=Q(kind="pin"), name="pair_rule_one_pin_per_demand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.demand_id}-{self.resource_id}"


class MatchRun(TimeStampedModel):
    """One run of the engine over the campaign's open demands and the room left."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    method = models.CharField(_("算法"), max_length=32, blank=True)
    demand_count = models.PositiveIntegerField(_("参与需求数"), default=0)
    resource_count = models.PositiveIntegerField(_("参与资源数"), default=0)
    proposed_count = models.PositiveIntegerField(_("建议配对数"), default=0)
    # demand id → [[resource id, score], …]: the best candidates of demands left unmatched.
    unmatched = models.JSONField(_("未匹配需求的候选"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("匹配运行")
        verbose_name_plural = _("匹配运行")

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"

    METHOD_LABELS: ClassVar[dict[str, Any]] = {
        "stable": _("双向选择稳定匹配"),
        "flow": _("按匹配度最优分配"),
        "stable+flow": _("双向选择稳定匹配，余下按匹配度最优分配"),
    }

    def get_method_display(self) -> str:
        """The engine's method (`stable`, `flow`, `stable+flow`) in words."""
        return str(self.METHOD_LABELS.get(self.method, self.method or "—"))


class Match(TimeStampedModel):
    """A pair proposed by a run, with its score and reasons; confirmed by the administrator.
    A demand has at most one confirmed match (partial unique constraint); a resource never has
    more confirmed matches than its capacity (locked and counted in the service)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("建议")
        PINNED = "pinned", _("指定")
        FORBIDDEN = "forbidden", _("已禁止")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已否决")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="matches")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("匹配分"))
    reasons = models.JSONField(_("匹配理由"), default=list)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("demand__community__path", "demand_id", "-id")
        verbose_name = _("配对")
        verbose_name_plural = _("配对")
        constraints = [
            models.UniqueConstraint(fields=("run", "demand"), name="match_one_per_demand_per_run"),
            models.UniqueConstraint(
                fields=("demand",),
                condition=Q(status="confirmed"),
                name="match_one_confirmed_per_demand",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="match_confirmed_has_date",
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="match_score_not_negative"),
        ]
        indexes = [
            models.Index(fields=("campaign", "status")),
            models.Index(fields=("resource", "status")),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.resource_id}"


class Agreement(Searchable, TimeStampedModel):
    """The signed agreement of a confirmed match, naming the co-building project. Each side
    signs once; at most one agreement per match (one-to-one)."""

    SEARCH_FIELDS = ("project_name",)  # folded for the search box

    match = models.OneToOneField(Match, on_delete=models.PROTECT, related_name="agreement")
    project_name = models.CharField(_("共建项目名称"), max_length=100)
    unit_signed_at = models.DateTimeField(_("单位签约时间"), null=True, blank=True)
    unit_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community_signed_at = models.DateTimeField(_("社区签约时间"), null=True, blank=True)
    community_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_signed_at__isnull=False) | Q(community_signed_at__isnull=False),
                name="agreement_signed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.project_name

    @property
    def is_signed(self) -> bool:
        return self.unit_signed_at is not None and self.community_signed_at is not None


class Project(Searchable, TimeStampedModel):
    """A co-building project, created when both sides have signed."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Status(models.TextChoices):
        PLANNED = "planned", _("未开始")
        ACTIVE = "active", _("实施中")
        SUSPENDED = "suspended", _("已暂停")
        FINISHED = "finished", _("已完成")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="project")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("共建项目")
        verbose_name_plural = _("共建项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(finished_at__isnull=False),
                name="project_finished_has_date",
            ),
        ]
        indexes = [models.Index(fields=("campaign", "status"))]

    def __str__(self) -> str:
        return self.name


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ("project_id", "due_on", "id")
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")

    def __str__(self) -> str:
        return self.text[:30]


def _photo_path(instance: ProgressPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"cobuild/photos/{instance.update.project.public_id}/{uuid.uuid4().hex}.{ext}"


class ProgressPhoto(TimeStampedModel):
    """A photo of a progress update; served only through the project's scope."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=_photo_path)
    content_type = models.CharField(max_length=32, default="image/jpeg")

    class Meta:
        ordering = ("update_id", "id")
        verbose_name = _("进展照片")
        verbose_name_plural = _("进展照片")

    def __str__(self) -> str:
        return str(self.image.name)


class Rating(TimeStampedModel):
    """The community's rating of a finished project: one per project, 1 to 5 stars."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="rating")
    stars = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("项目评价")
        verbose_name_plural = _("项目评价")
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="rating_stars_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.stars}"
