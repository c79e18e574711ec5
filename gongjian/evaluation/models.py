"""模范机关创建: frameworks (trees of weighted indicators), campaigns, assessments with their
scores and evidence, objections, brands, cases and their votes, awards. The rules of the
frameworks and of the review are explained in docs/adr/0006-evaluation-frameworks.md."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, PartyOrg, Unit


class Framework(Searchable, TimeStampedModel):
    """An evaluation framework (五双五型, 六型机关, 五个坚持 …): a tree of indicators.

    A framework without an area is a shared template (the seeded ones), which the platform
    administrator edits and a district copies; one with an area belongs to that district's
    working committee. A draft is edited; a published framework is fixed (copy it to change
    it), so a campaign's scores always mean what they meant when it opened.
    """

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_frameworks",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("考评体系")
        verbose_name_plural = _("考评体系")

    def __str__(self) -> str:
        return self.name


class Indicator(TimeStampedModel):
    """A node of a framework: a dimension (with children) or an indicator (a leaf).

    A leaf is scored from 0 to `max_score`, by the unit and its reviewers (`manual`) or
    from the platform's records (`computed`: `metric` names a source in metrics.py and
    `thresholds` maps the value to a score, as `[[min_value, score], …]`).
    """

    class Method(models.TextChoices):
        MANUAL = "manual", _("评审打分")
        COMPUTED = "computed", _("平台数据自动计算")

    framework = models.ForeignKey(
        Framework, verbose_name=_("考评体系"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    weight = models.DecimalField(_("权重"), max_digits=7, decimal_places=2)
    max_score = models.DecimalField(_("满分"), default=Decimal(100), max_digits=7, decimal_places=2)
    rubric = models.TextField(_("评分标准"), blank=True)
    evidence_required = models.BooleanField(_("须上传佐证材料"), default=False)
    method = models.CharField(
        _("评分方式"), max_length=16, choices=Method.choices, default=Method.MANUAL
    )
    metric = models.CharField(_("数据来源"), max_length=40, blank=True)
    thresholds = models.JSONField(_("分档"), default=list, blank=True)

    class Meta:
        ordering = ("framework_id", "code")
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(
                fields=("framework", "code"), name="eval_indicator_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="eval_indicator_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0), name="eval_indicator_max_positive"
            ),
            models.CheckConstraint(
                condition=Q(method="manual") | ~Q(metric=""),
                name="eval_indicator_computed_has_metric",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_computed(self) -> bool:
        return self.method == self.Method.COMPUTED


class Campaign(Searchable, TimeStampedModel):
    """A campaign of a district: one framework, one period, the units taking part (each an
    `Assessment`), deadlines, grade thresholds, publication and the objection window."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        PUBLISHED = "published", _("已公布")
        LOCKED = "locked", _("已锁定")

    name = models.CharField(_("名称"), max_length=100)
    framework = models.ForeignKey(
        Framework, verbose_name=_("考评体系"), on_delete=models.PROTECT, related_name="campaigns"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区"),
        on_delete=models.PROTECT,
        related_name="evaluation_campaigns",
    )
    period_start = models.DateField(_("考评期开始"))
    period_end = models.DateField(_("考评期结束"))
    submit_by = models.DateField(_("自评截止"))
    review_by = models.DateField(_("评审截止"), null=True, blank=True)
    excellent_min = models.DecimalField(
        _("优秀分数线"), default=Decimal(90), max_digits=7, decimal_places=2
    )
    good_min = models.DecimalField(
        _("良好分数线"), default=Decimal(80), max_digits=7, decimal_places=2
    )
    passing_min = models.DecimalField(
        _("合格分数线"), default=Decimal(60), max_digits=7, decimal_places=2
    )
    objection_days = models.PositiveSmallIntegerField(_("异议期（天）"), default=7)
    vote_until = models.DateField(_("投票截止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    objection_until = models.DateField(_("异议截止"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-period_end", "-id")
        verbose_name = _("创建活动")
        verbose_name_plural = _("创建活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="eval_campaign_period_order"
            ),
            models.CheckConstraint(
                condition=Q(excellent_min__gte=F("good_min"))
                & Q(good_min__gte=F("passing_min"))
                & Q(passing_min__gte=0)
                & Q(excellent_min__lte=100),
                name="eval_campaign_grade_order",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(published_on__isnull=False),
                name="eval_campaign_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(TimeStampedModel):
    """One unit in one campaign. draft → submitted → reviewed_by_committee → approved; a
    reviewer may return it to draft with a reason. Totals, grades and ranks are written when
    the campaign is published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("待党委审核")
        REVIEWED = "reviewed_by_committee", _("待工委审定")
        APPROVED = "approved", _("已审定")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASSING = "passing", _("合格")
        FAILING = "failing", _("不合格")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建活动"), on_delete=models.CASCADE, related_name="assessments"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="evaluation_assessments",
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("自评总结"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Who submitted: they may not review it at any level (separation of duties).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    committee_at = models.DateTimeField(_("党委审核时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    total = models.DecimalField(_("总分"), null=True, blank=True, max_digits=7, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)

    class Meta:
        ordering = ("campaign_id", "unit__code")
        verbose_name = _("测评")
        verbose_name_plural = _("测评")
        constraints = [
            models.UniqueConstraint(
                fields=("campaign", "unit"), name="eval_assessment_one_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                name="eval_assessment_total_range",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(status="approved"),
                name="eval_assessment_ranked_only_when_approved",
            ),
        ]
        indexes = [models.Index(fields=("campaign", "status"))]

    def __str__(self) -> str:
        return f"{self.unit} · {self.campaign}"


class Score(TimeStampedModel):
    """One indicator of one assessment. The unit's own score, the committee's and the
    working committee's are kept apart; a computed indicator keeps the figure behind it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    self_score = models.DecimalField(
        _("自评分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    statement = models.TextField(_("自评说明"), blank=True)
    committee_score = models.DecimalField(
        _("党委评分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    committee_comment = models.CharField(_("党委意见"), max_length=300, blank=True)
    final_score = models.DecimalField(
        _("工委评分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    final_comment = models.CharField(_("工委意见"), max_length=300, blank=True)
    computed_value = models.DecimalField(
        _("数据值"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    computed_score = models.DecimalField(
        _("计算得分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        ordering = ("assessment_id", "indicator__code")
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [
            models.UniqueConstraint(fields=("assessment", "indicator"), name="eval_score_once"),
            models.CheckConstraint(
                condition=(Q(self_score__isnull=True) | Q(self_score__gte=0))
                & (Q(committee_score__isnull=True) | Q(committee_score__gte=0))
                & (Q(final_score__isnull=True) | Q(final_score__gte=0))
                & (Q(computed_score__isnull=True) | Q(computed_score__gte=0)),
                name="eval_score_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.indicator_id}"

    @property
    def reviewed(self) -> Decimal | None:
        """The score that counts for a manual indicator: the working committee's, else the
        committee's, else the unit's own."""
        for value in (self.final_score, self.committee_score, self.self_score):
            if value is not None:
                return value
        return None


def _evidence_path(instance: Evidence, filename: str) -> str:
    # An unguessable name; the original is kept in `original_name`. Served only by a view
    # that checks the caller's scope (never through MEDIA_URL).
    return f"evaluation/evidence/{uuid.uuid4().hex}.{instance.kind}"


class Evidence(TimeStampedModel):
    """An uploaded file behind an indicator, a brand or a case (佐证材料): exactly one of the
    three. Its type was told by content when it came in."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpg", "JPEG"
        PNG = "png", "PNG"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    brand = models.ForeignKey(
        "Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=_evidence_path, max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment__isnull=False, brand__isnull=True, case__isnull=True)
                | Q(assessment__isnull=True, brand__isnull=False, case__isnull=True)
                | Q(assessment__isnull=True, brand__isnull=True, case__isnull=False),
                name="eval_evidence_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=True) | Q(assessment__isnull=False),
                name="eval_evidence_indicator_of_assessment",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind in (self.Kind.JPEG, self.Kind.PNG)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Objection(TimeStampedModel):
    """A unit's objection to its published result, within the objection window."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        UPHELD = "upheld", _("已采纳（重新审定）")
        DISMISSED = "dismissed", _("未采纳")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("异议内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("答复"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        constraints = [
            models.UniqueConstraint(
                fields=("assessment",), condition=Q(status="open"), name="eval_objection_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(reply=""), name="eval_objection_answered_has_reply"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_status_display()}"


class Brand(Searchable, TimeStampedModel):
    """A branch's party-building brand (一支部一特色一品牌): applied for, reviewed, recognised."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待评审")
        RETURNED = "returned", _("已退回")
        RECOGNISED = "recognised", _("已命名")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    party_org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("党支部"),
        on_delete=models.PROTECT,
        related_name="evaluation_brands",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("创建活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brands",
    )
    name = models.CharField(_("品牌名称"), max_length=60)
    description = models.TextField(_("品牌简介"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    recognised_on = models.DateField(_("命名日期"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("党建品牌")
        verbose_name_plural = _("党建品牌")
        constraints = [
            models.UniqueConstraint(
                fields=("party_org",),
                condition=Q(status__in=("submitted", "recognised")),
                name="eval_brand_one_active_per_branch",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(reason=""),
                name="eval_brand_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="recognised") | Q(recognised_on__isnull=False),
                name="eval_brand_recognised_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Case(Searchable, TimeStampedModel):
    """A unit's case (案例) in a campaign: submitted, shortlisted, voted on, named top ten."""

    SEARCH_FIELDS = ("title",)  # folded for the search box

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        SHORTLISTED = "shortlisted", _("入围")
        NAMED = "named", _("十佳案例")
        NOT_SELECTED = "not_selected", _("未入选")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建活动"), on_delete=models.CASCADE, related_name="cases"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="evaluation_cases"
    )
    title = models.CharField(_("案例标题"), max_length=100)
    summary = models.TextField(_("案例简介"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    vote_count = models.PositiveIntegerField(_("得票"), default=0, editable=False)
    place = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("campaign_id", "place", "-vote_count", "id")
        verbose_name = _("案例")
        verbose_name_plural = _("案例")
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(status="named"),
                name="eval_case_place_when_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseVote(TimeStampedModel):
    """One member's vote in a campaign's case poll: one per member per campaign, held by the
    database, not by a check in Python."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="votes")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="evaluation_case_votes"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("案例投票")
        verbose_name_plural = _("案例投票")
        constraints = [
            models.UniqueConstraint(fields=("campaign", "member"), name="eval_case_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.case_id}"


class Award(Searchable, TimeStampedModel):
    """A named model unit (标兵单位) of a campaign, with its certificate number."""

    SEARCH_FIELDS = ("title",)  # folded for the search box

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建活动"), on_delete=models.CASCADE, related_name="awards"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="evaluation_awards"
    )
    title = models.CharField(_("称号"), max_length=60)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    awarded_on = models.DateField(_("授予日期"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("campaign_id", "number")
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        constraints = [
            models.UniqueConstraint(fields=("campaign", "unit", "title"), name="eval_award_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title}"
