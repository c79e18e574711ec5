"""双报到: members report to the community where they live (`MemberReport`), a unit's party
organisation pairs with communities (`OrgReport`); reminders go out as notices and outbox
messages. The states of a member's report are explained in docs/adr/0003."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.core.models import TimeStampedModel
from gongjian.orgs.models import Area, Member, PartyOrg


class MemberReport(TimeStampedModel):
    """A member's report to the community (and grid) where they live.

    At most one pending (`submitted`) and at most one current (`confirmed`) report per member,
    each held by a partial unique constraint. Confirming a new report supersedes the old one
    in the same transaction; `confirmed_at`/`ended_at` keep the history for rates on any date.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已退回")
        SUPERSEDED = "superseded", _("已被新报到替代")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        SELF = "self", _("本人报到")
        IMPORT = "import", _("历史导入")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="reports"
    )
    community = models.ForeignKey(
        Area,
        verbose_name=_("报到社区"),
        on_delete=models.PROTECT,
        related_name="member_reports",
        limit_choices_to={"kind": Area.Kind.COMMUNITY},
    )
    grid = models.ForeignKey(
        Area,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_member_reports",
        limit_choices_to={"kind": Area.Kind.GRID},
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default="self")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    # The account that submitted it (the member's own, or one acting on their behalf): it may
    # not confirm or reject it (separation of duties).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reject_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        ordering = ("-submitted_at", "-id")
        verbose_name = _("党员报到")
        verbose_name_plural = _("党员报到")
        constraints = [
            models.UniqueConstraint(
                fields=("member",),
                condition=Q(status="submitted"),
                name="member_report_one_pending",
            ),
            models.UniqueConstraint(
                fields=("member",),
                condition=Q(status="confirmed"),
                name="member_report_one_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="member_report_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=("confirmed", "superseded"))
                | Q(confirmed_at__isnull=False),
                name="member_report_confirmed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(status__in=("superseded", "withdrawn")),
                name="member_report_ended_only_when_over",
            ),
        ]
        indexes = [
            models.Index(fields=("community", "status")),
            models.Index(fields=("member", "confirmed_at")),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.CONFIRMED)


class OrgReport(TimeStampedModel):
    """A unit's party organisation paired with a community (结对), which the community confirms."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待确认")
        CONFIRMED = "confirmed", _("已结对")
        REJECTED = "rejected", _("已退回")
        ENDED = "ended", _("已结束")

    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="org_reports"
    )
    community = models.ForeignKey(
        Area,
        verbose_name=_("结对社区"),
        on_delete=models.PROTECT,
        related_name="org_reports",
        limit_choices_to={"kind": Area.Kind.COMMUNITY},
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    note = models.CharField(_("结对内容"), max_length=200, blank=True)
    reason = models.CharField(_("退回或结束原因"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ("-submitted_at", "-id")
        verbose_name = _("组织报到")
        verbose_name_plural = _("组织报到")
        constraints = [
            models.UniqueConstraint(
                fields=("party_org", "community"),
                condition=Q(status__in=("submitted", "confirmed")),
                name="org_report_one_active_pair",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="org_report_rejected_has_reason",
            ),
        ]
        indexes = [models.Index(fields=("community", "status"))]

    def __str__(self) -> str:
        return f"{self.party_org} ↔ {self.community}"
