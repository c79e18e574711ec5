"""Report forms (报表): a form designed by a district (or a street), its fields and rules, the
rounds it is opened for (one per period), and the returns every filler owes in a round.

The answers are one row per return and field (`Answer`), typed in columns, with the round,
the filler's area path and "counted" (the return is approved) copied onto the row, so a
node's totals for a period are one `SUM … GROUP BY field` over an index
(docs/adr/0018-forms-answers-and-rollups.md). The database keeps the rules: one return per
filler and round, exactly one filler side, one answer per return and field.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel
from gongjian.orgs.models import Area, PartyOrg, Unit


class Form(TimeStampedModel):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("月报")
        QUARTERLY = "quarterly", _("季报")
        HALF_YEARLY = "half_yearly", _("半年报")
        YEARLY = "yearly", _("年报")

    class Fillers(models.TextChoices):
        COMMUNITIES = "communities", _("各社区")
        UNITS = "units", _("各单位")
        BRANCHES = "branches", _("某类党组织")
        LISTED = "listed", _("指定单位和社区")

    class Status(models.TextChoices):
        DRAFT = "draft", _("设计中")
        ACTIVE = "active", _("启用")
        ARCHIVED = "archived", _("停用")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("报表名称"), max_length=100)
    owner = models.ForeignKey(
        Area, verbose_name=_("制表区域"), on_delete=models.PROTECT, related_name="forms"
    )
    frequency = models.CharField(_("报送周期"), max_length=16, choices=Frequency.choices)
    fillers = models.CharField(_("填报对象"), max_length=16, choices=Fillers.choices)
    listed_areas = models.ManyToManyField(
        Area, verbose_name=_("指定社区"), blank=True, related_name="listed_forms"
    )
    listed_units = models.ManyToManyField(
        Unit, verbose_name=_("指定单位"), blank=True, related_name="listed_forms"
    )
    # For `fillers == BRANCHES`: every party organisation of this kind under the owner.
    branch_kind = models.CharField(
        _("党组织类别"), max_length=24, choices=PartyOrg.Kind.choices, blank=True
    )
    due_day = models.PositiveSmallIntegerField(_("截止日"), default=5)
    approval_levels = models.PositiveSmallIntegerField(_("审核层级"), default=1)
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    description = models.TextField(_("填报说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28), name="form_due_day"
            ),
            models.CheckConstraint(
                condition=Q(approval_levels__gte=1, approval_levels__lte=2),
                name="form_approval_levels",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Field(TimeStampedModel):
    """A field of a form, in the versions `since` … `until` (empty: still current)."""

    class Kind(models.TextChoices):
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("小数")
        PERCENTAGE = "percentage", _("百分比")
        TEXT = "text", _("文本")
        YESNO = "yesno", _("是/否")
        DATE = "date", _("日期")
        CHOICE = "choice", _("选项")

    NUMERIC = (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE)

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="fields")
    code = models.CharField(_("字段代码"), max_length=32)
    label = models.CharField(_("字段名称"), max_length=100)
    section = models.CharField(_("分组"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    measure = models.CharField(_("计量单位"), max_length=16, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    choices = models.TextField(_("选项"), blank=True)  # one per line
    minimum = models.DecimalField(
        _("最小值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("最大值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(_("数据来源"), max_length=64, blank=True)  # a figure key
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    since = models.PositiveIntegerField(_("起始版本"), default=1)
    until = models.PositiveIntegerField(_("截止版本"), null=True, blank=True)

    class Meta:
        ordering = ("form_id", "position", "id")
        verbose_name = _("报表字段")
        verbose_name_plural = _("报表字段")
        constraints = [
            models.UniqueConstraint(
                fields=("form", "code"), condition=Q(until__isnull=True), name="field_code_current"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def numeric(self) -> bool:
        return self.kind in self.NUMERIC

    @property
    def ratio(self) -> bool:
        return self.numerator_id is not None and self.denominator_id is not None

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    def in_version(self, version: int) -> bool:
        return self.since <= version and (self.until is None or version < self.until)


class Rule(TimeStampedModel):
    """A check between fields: `left op right` (another field, or a constant)."""

    class Op(models.TextChoices):
        LTE = "lte", "≤"
        LT = "lt", "<"
        GTE = "gte", "≥"
        GT = "gt", ">"
        EQ = "eq", "="

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")
    op = models.CharField(_("关系"), max_length=4, choices=Op.choices)
    right = models.ForeignKey(
        Field, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    constant = models.DecimalField(
        _("常数"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    message = models.CharField(_("提示"), max_length=200, blank=True)
    since = models.PositiveIntegerField(default=1)
    until = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("form_id", "id")
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(right__isnull=False) ^ Q(constant__isnull=False),
                name="rule_one_right_side",
            ),
        ]

    def in_version(self, version: int) -> bool:
        return self.since <= version and (self.until is None or version < self.until)


class Round(TimeStampedModel):
    """A form opened for one period: every filler owes a return by `due_on`."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="rounds")
    version = models.PositiveIntegerField(_("版本"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    label = models.CharField(_("报告期"), max_length=40)
    due_on = models.DateField(_("截止日期"))
    locked = models.BooleanField(_("已锁定"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("form_id", "-start")
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        constraints = [
            models.UniqueConstraint(fields=("form", "start"), name="round_one_per_period"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="round_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.form.title} {self.label}"


class Return(TimeStampedModel):
    """What one filler (a community, a unit, or a party organisation) owes in a round. `path`
    is the filler's place in the area tree (a community's path; a unit's node under its area),
    for the roll-up. A party organisation's return also names what it is attached to (its
    community or its unit), which gives its scope, its filler's post and its figures."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未填报")
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("已审核")

    RECEIVED = (Status.SUBMITTED, Status.APPROVED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="returns")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="form_returns"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="form_returns"
    )
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="form_returns"
    )
    path = models.CharField(max_length=255)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField(_("按时报送"), null=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("退回原因"), max_length=400, blank=True)
    times_returned = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    reminded_at = models.DateTimeField(_("催报时间"), null=True, blank=True)

    class Meta:
        ordering = ("round_id", "path", "id")
        verbose_name = _("填报")
        verbose_name_plural = _("填报")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False) ^ Q(unit__isnull=False), name="return_one_filler"
            ),
            models.UniqueConstraint(
                fields=("round", "area"),
                condition=Q(area__isnull=False, org__isnull=True),
                name="return_area_once",
            ),
            models.UniqueConstraint(
                fields=("round", "unit"),
                condition=Q(unit__isnull=False, org__isnull=True),
                name="return_unit_once",
            ),
            models.UniqueConstraint(
                fields=("round", "org"), condition=Q(org__isnull=False), name="return_org_once"
            ),
        ]
        indexes = [models.Index(fields=("round", "status"), name="return_round_status")]
        # and (round, path by prefix), by migration 0002.

    @property
    def filler_name(self) -> str:
        if self.org_id:
            return self.org.name  # type: ignore[union-attr]
        return self.area.name if self.area_id else self.unit.name  # type: ignore[union-attr]

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.DRAFT, self.Status.RETURNED)


class Answer(TimeStampedModel):
    """One field of one return. `number` holds integers, decimals, percentages and yes/no
    (1/0); `text` text and choices; `date` dates. `computed` is the platform's figure for a
    sourced field (live until submission, frozen at it); `reason` why the filler changed it.
    `round`, `path` and `counted` are the return's, copied for the roll-up."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="answers")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    counted = models.BooleanField(default=False)
    number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.CharField(max_length=1000, blank=True)
    date = models.DateField(null=True, blank=True)
    computed = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    reason = models.CharField(_("修改原因"), max_length=400, blank=True)

    class Meta:
        ordering = ("ret_id", "field_id")
        verbose_name = _("填报数据")
        verbose_name_plural = _("填报数据")
        constraints = [
            models.UniqueConstraint(fields=("ret", "field"), name="answer_once"),
        ]
        # The roll-up's index (round, counted, path by prefix, covering field and number)
        # is made by migration 0002 for each database: on PostgreSQL with
        # `varchar_pattern_ops`, which `path LIKE 'node%'` needs under a non-C collation.


class Approval(TimeStampedModel):
    """The second level: a street's total of a round, approved (or sent back) by the district."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("已审核")
        RETURNED = "returned", _("退回")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="approvals")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("原因"), max_length=400, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("round_id", "area_id")
        verbose_name = _("汇总审核")
        verbose_name_plural = _("汇总审核")
        constraints = [
            models.UniqueConstraint(fields=("round", "area"), name="approval_once"),
        ]
