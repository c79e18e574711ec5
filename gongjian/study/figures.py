"""The study app's figures (see `gongjian/core/figures.py`; defined in docs/figures.md), and a
member's lines of the duty record.

- `study.sessions_held`: sessions recorded as held, whose day lies in the period, organised by
  a party organisation in the scope → the session list (held, the same days and scope);
- `study.attendances`: attendances marked present at those (not cancelled) sessions →
  the attendance list (present);
- `study.branches_behind`: branches in the scope that missed a rule in a month (quarter,
  year) of the period that is over → the compliance table, branches behind only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope
from gongjian.core.periods import Period
from gongjian.study import selectors
from gongjian.study.models import Attendance, StudySession

GROUP = "学习"


def _url(name: str, scope: Scope, period: Period, **extra: Any) -> str:
    query: dict[str, Any] = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if scope.area_id:
        query["area"] = scope.area_id
    if scope.unit_id:
        query["unit"] = scope.unit_id
    query.update(extra)
    return f"{reverse(name)}?{urlencode(query)}"


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    where: dict[str, Any] = {
        "start": period.start,
        "end": period.end,
        "area": scope.area_id,
        "unit": scope.unit_id,
    }
    held = selectors.session_list(actor=actor, status=StudySession.Status.HELD, **where)
    present = selectors.attendance_list(actor=actor, status=Attendance.Status.PRESENT, **where)
    table = selectors.compliance(
        actor=actor, period=period, area=scope.area_id, unit=scope.unit_id, behind=True
    )
    return [
        Figure(
            key="study.sessions_held",
            label=_("召开学习活动"),
            value=held.count(),
            unit="次",
            url=_url("study:session_list", scope, period, status="held"),
            group=GROUP,
        ),
        Figure(
            key="study.attendances",
            label=_("参加学习"),
            value=present.count(),
            unit="人次",
            url=_url("study:attendance_list", scope, period, status="present"),
            group=GROUP,
        ),
        Figure(
            key="study.branches_behind",
            label=_("组织生活未达标支部"),
            value=len(table.rows),
            unit="个",
            url=_url("study:compliance", scope, period, behind=1),
            group=GROUP,
        ),
    ]


def duty_lines(*, member: Any, year: int) -> list[dict[str, Any]]:
    """The member's study in the year, as lines of the duty record (履职档案). Plain dicts
    (`label`, `count`, `detail`, `url`) until `core.figures.DutyLine` exists."""
    record = selectors.member_record(member=member, year=year)
    url = f"{reverse('study:my_study')}?year={year}"
    detail = _("参加%(p)d次，请假%(l)d次，缺席%(a)d次，已补学%(m)d次，心得%(n)d篇") % {
        "p": record.present,
        "l": record.leave,
        "a": record.absent,
        "m": record.makeups_done,
        "n": record.notes,
    }
    lines = [{"label": _("参加学习"), "count": record.present, "detail": detail, "url": url}]
    if record.makeups_due:
        lines.append(
            {
                "label": _("待补学"),
                "count": record.makeups_due,
                "detail": _("有%(n)d次学习待补学") % {"n": record.makeups_due},
                "url": f"{reverse('study:makeup_list')}?mine=1&makeup=assigned",
            }
        )
    return lines
