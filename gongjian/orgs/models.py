"""Areas, units, party organisations, members and role assignments."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.fields import EncryptedTextField
from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable, fold


class Area(Searchable, TimeStampedModel):
    """A node of the area tree: district → street → community → grid.

    `path` is the chain of codes from the top, `/`-terminated (`/QH/QH01/QH0101/`), so a
    subtree is one `path LIKE 'prefix%'` on an index.
    """

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区")
        STREET = "street", _("街道")
        COMMUNITY = "community", _("社区")
        GRID = "grid", _("网格")

    CHILD_KIND = {
        Kind.DISTRICT: Kind.STREET,
        Kind.STREET: Kind.COMMUNITY,
        Kind.COMMUNITY: Kind.GRID,
    }

    class LocalKind(models.TextChoices):
        """What the level is called locally: a district with towns and villages has them on
        the same levels as streets and communities."""

        STREET = "street", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        COMMUNITY = "community", _("社区")
        VILLAGE = "village", _("村")

    # The local kinds each level may carry; the first is the level's default.
    LOCAL_KINDS = {
        Kind.STREET: (LocalKind.STREET, LocalKind.TOWN, LocalKind.TOWNSHIP),
        Kind.COMMUNITY: (LocalKind.COMMUNITY, LocalKind.VILLAGE),
    }

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("层级"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    local_kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=LocalKind.choices,
        blank=True,
        default="",
        db_default="",  # rows written by SQL (bulk loads, the benchmarks) read as the level's
        help_text=_("街道、镇、乡（第二级）或社区、村（第三级）；不填即街道或社区"),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ("path",)
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True, kind="district") | Q(parent__isnull=False),
                name="area_root_is_district",
            ),
            models.CheckConstraint(
                condition=Q(local_kind="")
                | Q(kind="street", local_kind__in=("street", "town", "township"))
                | Q(kind="community", local_kind__in=("community", "village")),
                name="area_local_kind_fits_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def label_for(kind: str, local_kind: str = "") -> str:
        """The word for an area of this level and local kind: 镇 for a town, else the level."""
        if local_kind and local_kind in Area.LocalKind.values:
            return str(Area.LocalKind(local_kind).label)
        return str(Area.Kind(kind).label) if kind in Area.Kind.values else kind

    @property
    def kind_label(self) -> str:
        """What this area is called: 街道 / 镇 / 乡, 社区 / 村, or the level (区, 网格). Use it
        wherever an area's kind is shown, and in briefings ("各社区" → "各村（社区）")."""
        return Area.label_for(self.kind, self.local_kind)


class Unit(Searchable, TimeStampedModel):
    """A government organ (机关单位)."""

    SEARCH_FIELDS = ("name", "short_name")  # folded for the search box

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    category = models.CharField(_("单位类别"), max_length=50, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="units"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name


class PartyOrg(Searchable, TimeStampedModel):
    """A party organisation; a tree, each node attached to a unit or to an area."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Kind(models.TextChoices):
        WORKING_COMMITTEE = "working_committee", _("机关工委")
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")
        JOINT_BRANCH = "joint_branch", _("联合党支部")

    code = models.CharField(_("组织编码"), max_length=32, unique=True)
    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("组织类别"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    secretary = models.CharField(_("书记"), max_length=50, blank=True)
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ("path",)
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, area__isnull=True)
                | Q(unit__isnull=True, area__isnull=False),
                name="party_org_attached_to_unit_or_area",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Member(TimeStampedModel):
    """A party member. ID number and phone are encrypted; the hashes find them."""

    class Status(models.TextChoices):
        FULL = "full", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    # The name folded for search (traditional → simplified, width, case): written with the
    # name, so 陈静仪 finds a member stored as 陳靜儀.
    name_folded = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedTextField(_("身份证号"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("党员类别"), max_length=16, choices=Status.choices, default=Status.FULL
    )
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    in_service = models.BooleanField(_("在职党员"), default=False, db_index=True)
    is_deputy = models.BooleanField(_("人大代表"), default=False)
    is_committee_member = models.BooleanField(_("政协委员"), default=False)
    home_community = models.ForeignKey(
        Area,
        verbose_name=_("居住社区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_members",
        help_text=_("由双报到确认后填写"),
    )
    home_grid = models.ForeignKey(
        Area,
        verbose_name=_("居住网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    is_active = models.BooleanField(_("在册"), default=True)

    # Set by a service before saving a change that took effect earlier (a transfer's date):
    # the history records it from that day (`gongjian.orgs.history`). Not a column.
    history_on: dt.date | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built for bulk_create (or read before the backfill): fold the name now. Deferred
        # fields are not in __dict__, and are not loaded here.
        values = self.__dict__
        if values.get("name") and "name_folded" in values and not values["name_folded"]:
            self.name_folded = fold(values["name"])

    def save(self, *args: Any, **kwargs: Any) -> None:
        from gongjian.orgs import history  # the spells follow every save of the row

        self.name_folded = fold(self.name or "")
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "name_folded"}
        follows = history.before_save(self, fields)
        super().save(*args, **kwargs)
        if follows:
            history.after_save(self)

    class Meta:
        ordering = ("party_org__path", "name", "id")
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [models.Index(fields=("party_org", "name"))]

    def __str__(self) -> str:
        return self.name


class MemberTransfer(TimeStampedModel):
    """A move of a member from one party organisation to another (组织关系转接)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    from_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(_("转接日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-effective_on", "-id")
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")

    def __str__(self) -> str:
        return f"{self.member} {self.from_org} → {self.to_org}"


class MemberSpell(models.Model):
    """One interval of a member's history (任职区间): where they belonged, whether they were in
    service and on the roll, and where they lived, from `valid_from` (None: as far back as the
    records go) up to `valid_to` (exclusive; None: still open). A member's spells do not
    overlap and the open one is the member's row as it stands. Written only by
    `gongjian.orgs.history` (through the services and `Member.save`), read by every figure
    counted "as of" a day (ADR 0030)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="spells")
    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_service = models.BooleanField(_("在职党员"), default=False)
    is_active = models.BooleanField(_("在册"), default=True)
    home_community = models.ForeignKey(
        Area,
        verbose_name=_("居住社区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    home_grid = models.ForeignKey(
        Area,
        verbose_name=_("居住网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        ordering = ("member_id", models.F("valid_from").asc(nulls_first=True))
        verbose_name = _("党员任职区间")
        verbose_name_plural = _("党员任职区间")
        indexes = [
            models.Index(fields=("member", "valid_from"), name="orgs_spell_member_from"),
            models.Index(fields=("unit", "valid_to"), name="orgs_spell_unit_to"),
            models.Index(fields=("home_community", "valid_to"), name="orgs_spell_home_to"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.valid_from or '…'}–{self.valid_to or '…'}"


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    STREET_ADMIN = "street_admin", _("街道管理员")
    COMMUNITY_ADMIN = "community_admin", _("社区管理员")
    GRID_LEADER = "grid_leader", _("网格长")
    UNIT_ADMIN = "unit_admin", _("单位管理员")


AREA_ROLES = {
    Role.DISTRICT_ADMIN: Area.Kind.DISTRICT,
    Role.STREET_ADMIN: Area.Kind.STREET,
    Role.COMMUNITY_ADMIN: Area.Kind.COMMUNITY,
    Role.GRID_LEADER: Area.Kind.GRID,
}


class RoleAssignment(TimeStampedModel):
    """A user's post at a node of the area tree or at a unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        ordering = ("user_id", "role")
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "role", "area"),
                condition=Q(area__isnull=False),
                name="role_assignment_unique_area",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "unit"),
                condition=Q(unit__isnull=False),
                name="role_assignment_unique_unit",
            ),
            models.CheckConstraint(
                condition=(Q(role="unit_admin", unit__isnull=False, area__isnull=True))
                | (~Q(role="unit_admin") & Q(unit__isnull=True, area__isnull=False)),
                name="role_assignment_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area or self.unit}"


# Notices and the outbox: what any app sends a member ---------------------------------------


class Notice(TimeStampedModel):
    """An in-app notice to a member, from any app: the one inbox. `kind` is the sending app's
    own word (`reminder`, `decision`, `consult.assigned` …); `key` makes a notice idempotent
    (one reminder a day). Sent with `orgs.services.notices_send`."""

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("类别"), max_length=32)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=("member", "read_at"), name="reporting_n_member__bf5f85_idx")
        ]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(TimeStampedModel):
    """A message for a member from any app, delivered later by `gongjian outbox_send`
    (`orgs.services.outbox_deliver`); queued with `orgs.services.notices_send(sms=…)`.

    SMS goes through the gateway of `GONGJIAN_SMS_BACKEND` (`core.sms`), oldest first, each
    message in its own transaction: `sent` with `sent_at`, or `attempts` counted and `error`
    kept, `failed` after the third failed attempt or at once for a member without a phone.
    While the backend is `off` nothing is sent and messages stay `pending`. No WeChat channel
    sends yet: those stay `pending`. `key` keeps a reminder from being queued twice.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="outbox"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    # Encrypted: a text may carry a whole phone number (a mobilisation's contact, for the
    # cadres it calls), which the database never holds in plain text.
    body = EncryptedTextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=200, blank=True)
    key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [models.Index(fields=("status", "channel"), name="reporting_o_status_8921f4_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.member}"
