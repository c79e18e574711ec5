"""What dual reporting puts on a workbench (`core.workbench`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.workbench import MINE, SHORTCUT, WAITING, Item
from gongjian.orgs import scope
from gongjian.orgs.models import Role
from gongjian.reporting import selectors
from gongjian.reporting.models import MemberReport, OrgReport


def items(*, actor: Any, today: dt.date) -> list[Item]:
    posts = scope.posts_of(actor)
    out: list[Item] = []
    roles = posts.roles
    deciders = posts.superuser or bool(
        roles & {Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
    )
    if deciders:
        n = selectors.member_report_list(
            actor=actor, status=MemberReport.Status.SUBMITTED, decidable=True
        ).count()
        out.append(
            Item(
                WAITING,
                _("待确认的党员报到"),
                reverse("reporting:report_list") + "?status=submitted",
                count=n,
                order=10,
            )
        )
        pairings = selectors.org_report_list(
            actor=actor, status=OrgReport.Status.SUBMITTED, decidable=True
        ).count()
        out.append(
            Item(
                WAITING,
                _("待确认的组织报到（结对）"),
                reverse("reporting:pairing_list") + "?status=submitted",
                count=pairings,
                order=11,
            )
        )
        out.append(Item(SHORTCUT, _("报到确认"), reverse("reporting:report_list"), order=10))
        out.append(Item(SHORTCUT, _("报到率"), reverse("reporting:rates"), order=30))
    if posts.unit_ids:
        unit = selectors.status_unit(actor)
        if unit is not None:
            missing = selectors.unit_members_status(
                actor=actor, unit=unit, state=selectors.STATE_NONE
            ).count()
            out.append(
                Item(
                    WAITING,
                    _("本单位未报到的在职党员"),
                    reverse("reporting:unit_status")
                    + f"?unit={unit.pk}&state={selectors.STATE_NONE}",
                    count=missing,
                    detail=unit.name,
                    order=12,
                )
            )
            out.append(
                Item(SHORTCUT, _("本单位报到情况"), reverse("reporting:unit_status"), order=12)
            )
    if Role.GRID_LEADER in roles:
        out.append(Item(SHORTCUT, _("网格居住党员"), reverse("reporting:residents"), order=15))
    if posts.member_id is not None:
        report = (
            selectors.my_reports(actor=actor)
            .filter(~Q(status__in=(MemberReport.Status.SUPERSEDED, MemberReport.Status.WITHDRAWN)))
            .order_by("-created_at")
            .first()
        )
        if report is None:
            out.append(
                Item(
                    MINE,
                    _("我的报到"),
                    reverse("reporting:my_report"),
                    detail=_("尚未报到"),
                    action=(_("去报到"), reverse("reporting:report_form")),
                    order=10,
                )
            )
        else:
            place = report.community.name + (f" · {report.grid.name}" if report.grid else "")
            out.append(
                Item(
                    MINE,
                    _("我的报到"),
                    reverse("reporting:my_report"),
                    detail=f"{report.get_status_display()} · {place}",
                    action=(_("重新报到"), reverse("reporting:report_form"))
                    if report.status == MemberReport.Status.REJECTED
                    else None,
                    order=10,
                )
            )
    return out
