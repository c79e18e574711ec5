"""Mobilisation (下沉动员 / 支援): a district sends cadres of its units to towns, villages,
communities and checkpoints; units name their cadres, cadres confirm by a link and check in
at the place by its QR code; checkpoints keep duty rosters; temporary branches and vanguard
teams are formed under it; stand-down ends it.

The database keeps the rules: a member is named once per mobilisation and is in at most one
active dispatch at a time (a partial unique constraint); one arrival per dispatch (a
one-to-one row); one duty per member and shift; a unit's quota per place is one row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongjian.core.contacts import HasContact
from gongjian.core.fields import EncryptedTextField
from gongjian.core.models import TimeStampedModel
from gongjian.core.search import Searchable
from gongjian.orgs.models import Area, Member, PartyOrg, Unit


class Mobilisation(HasContact, Searchable, TimeStampedModel):
    SEARCH_FIELDS = ("title",)  # folded for the search box

    class Status(models.TextChoices):
        ISSUED = "issued", _("动员中")
        STOOD_DOWN = "stood_down", _("已撤收")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(
        Area, verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="mobilisations"
    )
    title = models.CharField(_("动员令"), max_length=100)
    reason = models.TextField(_("事由"), blank=True)
    starts_at = models.DateTimeField(_("到岗时间"))
    # 联系人及电话: the name (and any landline) as typed; a mobile number typed into it is kept
    # apart, encrypted with a blind index, and shown masked (core.contacts).
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("联系人手机号"), blank=True, default="")
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ISSUED
    )
    stood_down_at = models.DateTimeField(_("撤收时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-starts_at", "-id")
        verbose_name = _("动员")
        verbose_name_plural = _("动员")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="stood_down", stood_down_at__isnull=False)
                | Q(status="issued", stood_down_at__isnull=True),
                name="mobilisation_stood_down_at",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Place(Searchable, TimeStampedModel):
    """A place to support: a town, a village or community, a checkpoint. Its `public_id` is
    in its QR code."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Kind(models.TextChoices):
        TOWN = "town", _("镇街")
        VILLAGE = "village", _("村（社区）")
        CHECKPOINT = "checkpoint", _("检查站点")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("支援点位"), max_length=100)
    kind = models.CharField(_("点位类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mobilisation_places",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属镇街"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    leader = models.ForeignKey(
        Member,
        verbose_name=_("点位负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_mobilisation_places",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        ordering = ("mobilisation_id", "id")
        verbose_name = _("支援点位")
        verbose_name_plural = _("支援点位")
        constraints = [
            models.UniqueConstraint(fields=("mobilisation", "name"), name="mobilise_place_name")
        ]

    def __str__(self) -> str:
        return self.name


class Quota(TimeStampedModel):
    """How many cadres a unit must send to a place, and from when."""

    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="mobilisation_quotas"
    )
    place = models.ForeignKey(
        Place, verbose_name=_("支援点位"), on_delete=models.CASCADE, related_name="quotas"
    )
    count = models.PositiveIntegerField(_("人数"))
    from_at = models.DateTimeField(_("到岗时间"))

    class Meta:
        ordering = ("mobilisation_id", "unit_id", "place_id")
        verbose_name = _("派员任务")
        verbose_name_plural = _("派员任务")
        constraints = [
            models.UniqueConstraint(
                fields=("mobilisation", "unit", "place"), name="mobilise_quota_unique"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="mobilise_quota_count"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.place} × {self.count}"


class Dispatch(TimeStampedModel):
    """A cadre named by their unit for a place; `public_id` is in the cadre's link."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobilisation = models.ForeignKey(
        Mobilisation, on_delete=models.CASCADE, related_name="dispatches"
    )
    quota = models.ForeignKey(Quota, on_delete=models.CASCADE, related_name="dispatches")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="dispatches")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dispatches")
    member = models.ForeignKey(
        Member, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="dispatches"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    active = models.BooleanField(_("在岗任务"), default=True)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("mobilisation_id", "unit_id", "id")
        verbose_name = _("派员")
        verbose_name_plural = _("派员")
        constraints = [
            models.UniqueConstraint(
                fields=("mobilisation", "member"), name="dispatch_once_per_mobilisation"
            ),
            models.UniqueConstraint(
                fields=("member",), condition=Q(active=True), name="dispatch_one_active"
            ),
        ]
        indexes = [models.Index(fields=("mobilisation", "place"), name="dispatch_place")]

    def __str__(self) -> str:
        return f"{self.member} → {self.place}"


class Arrival(TimeStampedModel):
    """A cadre at the assigned place: by its QR code, or marked by the place's leader."""

    class Method(models.TextChoices):
        QR = "qr", _("扫码到岗")
        MARKED = "marked", _("负责人点名")

    dispatch = models.OneToOneField(Dispatch, on_delete=models.CASCADE, related_name="arrival")
    mobilisation = models.ForeignKey(
        Mobilisation, on_delete=models.CASCADE, related_name="arrivals"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="arrivals")
    arrived_at = models.DateTimeField(_("到岗时间"))
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-arrived_at", "-id")
        verbose_name = _("到岗")
        verbose_name_plural = _("到岗")
        indexes = [models.Index(fields=("mobilisation", "place"), name="arrival_place")]

    def __str__(self) -> str:
        return f"{self.dispatch} @ {self.arrived_at:%H:%M}"


class Shift(TimeStampedModel):
    """A shift of a duty roster (值守排班) at a place."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    need = models.PositiveSmallIntegerField(_("需要人数"), default=1)

    class Meta:
        ordering = ("place_id", "starts_at", "id")
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_times")
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.starts_at:%m-%d %H:%M}"


class Duty(TimeStampedModel):
    """A cadre on a shift, with their check-in and check-out; the hours count as service
    hours, the shift as one person-time."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="duties")
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="duties")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="duties")
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)

    class Meta:
        ordering = ("shift_id", "id")
        verbose_name = _("值守")
        verbose_name_plural = _("值守")
        constraints = [
            models.UniqueConstraint(fields=("shift", "member"), name="duty_once_per_shift"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=F("checked_in_at")),
                name="duty_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.shift}"


class Group(Searchable, TimeStampedModel):
    """A temporary branch (临时党支部, a party organisation of kind `temporary_branch` in the
    orgs tree) or a vanguard team (党员先锋队) formed under the mobilisation at a place."""

    SEARCH_FIELDS = ("name",)  # folded for the search box

    class Kind(models.TextChoices):
        TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")
        VANGUARD_TEAM = "vanguard_team", _("党员先锋队")

    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    place = models.ForeignKey(
        Place,
        verbose_name=_("支援点位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    party_org = models.OneToOneField(
        PartyOrg,
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mobilisation_group",
    )
    leader = models.ForeignKey(
        Member,
        verbose_name=_("书记/队长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("成员"), blank=True, related_name="mobilisation_groups"
    )

    class Meta:
        ordering = ("mobilisation_id", "kind", "id")
        verbose_name = _("临时党支部/先锋队")
        verbose_name_plural = _("临时党支部/先锋队")
        constraints = [
            models.UniqueConstraint(fields=("mobilisation", "name"), name="mobilise_group_name"),
            models.CheckConstraint(
                condition=Q(kind="vanguard_team") | Q(party_org__isnull=False),
                name="mobilise_branch_has_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name
