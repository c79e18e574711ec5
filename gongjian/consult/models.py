"""Consultations (协商议政) and their participation, suggestions (意见建议) handled by units to a
deadline in working days, studios (委员工作室) and pioneer posts (先锋岗), and the rule that
scores a member's duty record (履职档案).

The database keeps the rules (docs/adr/0015-consult-suggestion-states.md): one invitation and
one attendance per member and consultation; one rating per suggestion and round; a suggestion
has at most one active assignment; every state is one of its choices.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.fields import EncryptedTextField
from gongjian.core.masking import mask_phone
from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, Unit


class Consultation(Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("topic",)  # folded for the search box

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("区级")
        STREET = "street", _("街道")

    class Form(models.TextChoices):
        TOPIC = "topic", _("专题协商")
        COUNTERPART = "counterpart", _("对口协商")
        SECTOR = "sector", _("界别协商")
        PROPOSAL = "proposal", _("提案办理协商")
        ONLINE = "online", _("网络议政")

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(
        Area, verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="consultations"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    form = models.CharField(_("形式"), max_length=16, choices=Form.choices)
    topic = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    online_until = models.DateTimeField(_("网上征集截止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="planned")
    minutes = models.TextField(_("会议纪要"), blank=True)
    outcome = models.TextField(_("协商成果"), blank=True)
    summary = models.TextField(_("意见综述"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-starts_at", "-id")
        verbose_name = _("协商议政活动")
        verbose_name_plural = _("协商议政活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="consultation_times"
            ),
            models.CheckConstraint(
                condition=~Q(form="online") | Q(online_until__isnull=False),
                name="consultation_online_window",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_online(self) -> bool:
        return self.form == self.Form.ONLINE


class Invitation(TimeStampedModel):
    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("确认参加")
        DECLINED = "declined", _("请假")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consult_invitations")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="invited")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ("consultation_id", "id")
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")
        constraints = [
            models.UniqueConstraint(
                fields=("consultation", "member"), name="consult_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.member}"


class Attendance(TimeStampedModel):
    class Method(models.TextChoices):
        QR = "qr", _("扫码签到")
        MANUAL = "manual", _("手工登记")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consult_attendances")
    checked_in_at = models.DateTimeField(_("签到时间"))
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices, default="qr")

    class Meta:
        ordering = ("consultation_id", "checked_in_at", "id")
        verbose_name = _("参加")
        verbose_name_plural = _("参加")
        constraints = [
            models.UniqueConstraint(
                fields=("consultation", "member"), name="consult_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.member}"


class Contribution(TimeStampedModel):
    """A speech or a written contribution at a consultation, or an opinion posted online."""

    class Kind(models.TextChoices):
        SPEECH = "speech", _("发言")
        WRITTEN = "written", _("书面发言")
        OPINION = "opinion", _("网上意见")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="contributions"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="consult_contributions"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("内容"))
    featured = models.BooleanField(_("精选"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )

    class Meta:
        ordering = ("consultation_id", "created_at", "id")
        verbose_name = _("发言与意见")
        verbose_name_plural = _("发言与意见")

    def __str__(self) -> str:
        return self.text[:40]


class Category(TimeStampedModel):
    """A category of suggestions and its deadline in working days (configurable)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("类别"), max_length=50)
    workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=15)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")
        constraints = [
            models.CheckConstraint(
                condition=Q(workdays__gte=1, workdays__lte=90), name="consult_category_workdays"
            )
        ]

    def __str__(self) -> str:
        return self.name


class UnitDuty(TimeStampedModel):
    """A unit's stated duties (职责), the text the unit proposal matches against."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="consult_duty")
    duties = models.TextField(_("职责"))
    takes_suggestions = models.BooleanField(_("承办意见建议"), default=True)

    class Meta:
        ordering = ("unit_id",)
        verbose_name = _("单位职责")
        verbose_name_plural = _("单位职责")

    def __str__(self) -> str:
        return str(self.unit)


class Studio(Searchable, TimeStampedModel):
    """A committee members' studio (委员工作室) or a pioneer post (先锋岗): a place with named
    members, opening hours and a QR code that leads residents to the suggestion form."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Kind(models.TextChoices):
        STUDIO = "studio", _("委员工作室")
        POST = "post", _("先锋岗")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    district = models.ForeignKey(
        Area, verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="consult_studios"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consult_local_studios",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("依托单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consult_studios",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    members = models.ManyToManyField(
        Member, verbose_name=_("成员"), blank=True, related_name="consult_studios"
    )

    class Meta:
        ordering = ("kind", "name", "id")
        verbose_name = _("工作室与先锋岗")
        verbose_name_plural = _("工作室与先锋岗")

    def __str__(self) -> str:
        return self.name


class Shift(TimeStampedModel):
    """A member's duty at a studio or post on one day (an activity of the studio)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="shifts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consult_shifts")
    on = models.DateField(_("日期"), db_index=True)
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1)
    note = models.CharField(_("接待情况"), max_length=200, blank=True)

    class Meta:
        ordering = ("-on", "id")
        verbose_name = _("值守")
        verbose_name_plural = _("值守")
        constraints = [
            models.UniqueConstraint(
                fields=("studio", "member", "on"), name="consult_shift_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="consult_shift_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio} · {self.member} · {self.on}"


class Suggestion(Searchable, TimeStampedModel):
    """States (enforced in `services`): submitted → accepted | declined | merged;
    accepted → assigned; assigned → replied, or handed back once (→ accepted);
    replied → closed by a rating, or once re-handled after 不满意 (→ assigned)."""

    SEARCH_FIELDS = ("title",)  # folded for the search box

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        ACCEPTED = "accepted", _("已受理待交办")
        DECLINED = "declined", _("不予受理")
        MERGED = "merged", _("已合并")
        ASSIGNED = "assigned", _("办理中")
        REPLIED = "replied", _("已答复待评价")
        CLOSED = "closed", _("已办结")

    class Source(models.TextChoices):
        MEMBER = "member", _("党员委员")
        PUBLIC = "public", _("群众（短信验证）")
        STUDIO = "studio", _("工作室/先锋岗")
        CONSULTATION = "consultation", _("协商活动")
        GRID = "grid", _("网格走访")

    OPEN_STATES = ("submitted", "accepted", "assigned", "replied")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(
        Area, verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="suggestions"
    )
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("内容"))
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="suggestions"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("涉及区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="area_suggestions",
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    submitter_name = models.CharField(_("提出人姓名"), max_length=50, blank=True)
    submitter_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    submitter_phone_hash = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    share_identity = models.BooleanField(_("同意向承办单位公开身份"), default=False)
    studio = models.ForeignKey(
        Studio, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("来自协商活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default="submitted", db_index=True
    )
    submitted_at = models.DateTimeField(_("提出时间"), db_index=True)
    decided_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decline_reason = models.CharField(_("不予受理原因"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    handbacks = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    rehandles = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    rating = models.CharField(_("评价"), max_length=16, blank=True)

    class Meta:
        ordering = ("-submitted_at", "-id")
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        constraints = [
            models.CheckConstraint(
                condition=Q(handbacks__lte=1) & Q(rehandles__lte=1), name="suggestion_once_each"
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="suggestion_merged_into",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=("assigned", "replied"))
                | Q(unit__isnull=False, due_on__isnull=False),
                name="suggestion_assigned_unit",
            ),
        ]
        indexes = [
            models.Index(fields=("unit", "status", "due_on"), name="suggestion_unit_status_due"),
            models.Index(fields=("status", "due_on"), name="suggestion_status_due"),
            models.Index(fields=("district", "submitted_at"), name="suggestion_district_time"),
            models.Index(
                fields=("district", "status", "due_on"), name="suggestion_district_status_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def submitter_phone_masked(self) -> str:
        return mask_phone(self.submitter_phone)


class Assignment(TimeStampedModel):
    """One round of handling by one unit: assigned, then replied or handed back."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("办理中")
        REPLIED = "replied", _("已答复")
        HANDED_BACK = "handed_back", _("已退回")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consult_assignments")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="active")
    workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    due_on = models.DateField(_("办理期限"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed = models.BooleanField(_("采纳平台推荐"), default=False)
    reasons = models.JSONField(_("推荐理由"), default=list, blank=True)
    rehandle = models.BooleanField(_("重新办理"), default=False)
    handback_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ("suggestion_id", "created_at", "id")
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        constraints = [
            models.UniqueConstraint(
                fields=("suggestion",),
                condition=Q(status="active"),
                name="suggestion_one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.suggestion} → {self.unit}"


class Reply(TimeStampedModel):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="reply")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consult_replies")
    text = models.TextField(_("答复内容"))
    attachment = models.FileField(_("附件"), upload_to="consult/replies/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("附件名"), max_length=200, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("suggestion_id", "created_at", "id")
        verbose_name = _("答复")
        verbose_name_plural = _("答复")

    def __str__(self) -> str:
        return self.text[:40]


class Rating(TimeStampedModel):
    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("轮次"))
    value = models.CharField(_("评价"), max_length=16, choices=Value.choices)
    comment = models.CharField(_("评价意见"), max_length=200, blank=True)

    class Meta:
        ordering = ("suggestion_id", "round")
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(fields=("suggestion", "round"), name="rating_once_a_round")
        ]

    def __str__(self) -> str:
        return self.get_value_display()


class Photo(TimeStampedModel):
    """A photo of a suggestion or of an online opinion: checked by content, EXIF stripped."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    contribution = models.ForeignKey(
        Contribution, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(upload_to="consult/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("id",)
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        constraints = [
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False) | Q(contribution__isnull=False),
                name="consult_photo_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return str(self.image.name)


class ScoreRule(TimeStampedModel):
    """Points per line of a duty record (履职档案), configurable by the platform."""

    class Item(models.TextChoices):
        ATTENDED = "attended", _("参加协商活动")
        CONTRIBUTED = "contributed", _("发言与意见")
        SUGGESTED = "suggested", _("提出意见建议")
        ADOPTED = "adopted", _("意见建议被受理")
        SHIFT = "shift", _("工作室/先锋岗值守")
        SERVICE_HOUR = "service_hour", _("志愿服务（每小时）")
        STUDY = "study", _("参加学习")
        REPORTED = "reported", _("双报到")

    item = models.CharField(_("项目"), max_length=16, choices=Item.choices, unique=True)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=Decimal("1"))
    cap = models.DecimalField(
        _("上限"), max_digits=6, decimal_places=1, null=True, blank=True, help_text=_("空为不限")
    )

    class Meta:
        ordering = ("item",)
        verbose_name = _("履职积分规则")
        verbose_name_plural = _("履职积分规则")

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.points}"
