"""A member's duty record (履职档案) for one year: one line per kind of duty, each counted from
its records (which the line lists, each with a link), scored by the configurable rule
(`ScoreRule`). Study attendance, service hours and 双报到 come through those apps' selectors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.consult.models import (
    Attendance,
    Contribution,
    ScoreRule,
    Shift,
    Suggestion,
)
from gongjian.orgs.models import Member
from gongjian.reporting import selectors as reporting_selectors
from gongjian.service import selectors as service_selectors
from gongjian.study import selectors as study_selectors

ADOPTED = ("accepted", "assigned", "replied", "closed")


@dataclass
class Entry:
    """One record behind a line: when, what, and where to see it."""

    on: dt.date | None
    text: str
    link: str = ""


@dataclass
class Line:
    item: str
    label: str
    count: Decimal
    unit: str
    points: Decimal = Decimal("0")
    entries: list[Entry] = field(default_factory=list)


@dataclass
class DutyRecord:
    member: Member
    year: int
    lines: list[Line]

    @property
    def score(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal("0"))


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def rules() -> dict[str, ScoreRule]:
    return {r.item: r for r in ScoreRule.objects.all()}


def score_of(rule: ScoreRule | None, count: Decimal) -> Decimal:
    if rule is None:
        return Decimal("0")
    points = (rule.points * count).quantize(Decimal("0.1"))
    if rule.cap is not None:
        points = min(points, rule.cap)
    return points


def _line(
    item: str,
    label: str,
    unit: str,
    rows: Sequence[Any],
    entry: Callable[[Any], Entry],
    count: Decimal | None = None,
) -> Line:
    """A line counting `rows` (or `count`, where it is not how many there are), each listed
    as its `entry`."""
    return Line(
        item,
        label,
        Decimal(len(rows)) if count is None else count,
        unit,
        entries=[entry(r) for r in rows],
    )


def _consultation(c: Any) -> str:
    return reverse("consult:consultation_detail", args=[c.public_id])


def duty_record(*, member: Member, year: int) -> DutyRecord:
    start, end = _year_range(year)
    attended = list(
        Attendance.objects.filter(
            member=member, consultation__starts_at__gte=start, consultation__starts_at__lt=end
        )
        .select_related("consultation")
        .order_by("consultation__starts_at")
    )
    contributions = list(
        Contribution.objects.filter(member=member, created_at__gte=start, created_at__lt=end)
        .select_related("consultation")
        .order_by("created_at")
    )
    suggestions = list(
        Suggestion.objects.filter(
            member=member, submitted_at__gte=start, submitted_at__lt=end
        ).order_by("submitted_at")
    )
    shifts = list(
        Shift.objects.filter(member=member, on__year=year).select_related("studio").order_by("on")
    )
    service = list(service_selectors.member_attendances(member=member, year=year))
    study = study_selectors.member_record(member=member, year=year)
    present = [a for a in study.rows if a.status == "present"]
    reports = [
        r
        for r in reporting_selectors.member_reports_of(member=member)
        if r.status == "confirmed"
        and _local_date(r.created_at) is not None
        and (_local_date(r.created_at) or dt.date.min).year <= year
    ][:1]

    def suggestion(s: Suggestion) -> Entry:
        return Entry(
            _local_date(s.submitted_at),
            f"{s.title}（{s.get_status_display()}）",
            reverse("consult:suggestion_detail", args=[s.public_id]),
        )

    lines = [
        _line(
            "attended",
            _("参加协商议政活动"),
            _("次"),
            attended,
            lambda a: Entry(
                _local_date(a.consultation.starts_at),
                f"{a.consultation.get_form_display()}：{a.consultation.topic}",
                _consultation(a.consultation),
            ),
        ),
        _line(
            "contributed",
            _("发言与意见"),
            _("篇"),
            contributions,
            lambda c: Entry(
                _local_date(c.created_at),
                f"{c.get_kind_display()}：{c.text[:40]}",
                _consultation(c.consultation),
            ),
        ),
        _line("suggested", _("提出意见建议"), _("条"), suggestions, suggestion),
        _line(
            "adopted",
            _("意见建议被受理"),
            _("条"),
            [s for s in suggestions if s.status in ADOPTED],
            suggestion,
        ),
        _line(
            "shift",
            _("工作室/先锋岗值守"),
            _("次"),
            shifts,
            lambda s: Entry(
                s.on,
                f"{s.studio.name} {s.hours}小时",
                reverse("consult:studio_detail", args=[s.studio.public_id]),
            ),
        ),
        _line(
            "service_hour",
            _("志愿服务时长"),
            _("小时"),
            service,
            lambda a: Entry(
                _local_date(a.activity.starts_at),
                f"{a.activity.title} {a.hours}小时",
                reverse("service:activity_detail", args=[a.activity.public_id]),
            ),
            count=sum((a.hours or Decimal("0") for a in service), Decimal("0")),
        ),
        _line(
            "study",
            _("参加学习"),
            _("次"),
            present,
            lambda a: Entry(
                _local_date(a.session.starts_at),
                f"{a.session.get_kind_display()}：{a.session.topic}",
                reverse("study:session_detail", args=[a.session.public_id]),
            ),
        ),
        _line(
            "reported",
            _("双报到"),
            _("次"),
            reports,
            lambda r: Entry(
                _local_date(r.created_at),
                f"{r.community.name}（{r.get_status_display()}）",
                reverse("reporting:my_report"),
            ),
        ),
    ]
    rule = rules()
    for line in lines:
        line.points = score_of(rule.get(line.item), line.count)
    return DutyRecord(member=member, year=year, lines=lines)
