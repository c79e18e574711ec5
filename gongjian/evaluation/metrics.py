"""Metric sources of computed indicators: `name → function(unit_ids, start, end)` returning
`{unit_id: value}` for every unit that has a value, each one or two aggregate queries
grouped by unit, never a query per unit.

The records are other apps': each app's `figures.py` answers "these units, this period, grouped
by unit" by its own rules (a member counts as reported at a moment by the same rule as the
reporting rates), and this module only divides and rounds. A source whose app is not
installed is simply not offered.

Members are counted as they are now (in service and on the roll); the platform keeps no
history of a member's unit beyond transfers, which a campaign's figures do not replay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.orgs.models import Member

MetricFn = Callable[[Sequence[int], dt.date, dt.date], dict[int, Decimal]]
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit_label: str  # what the value is measured in, for display
    fn: MetricFn
    link: Callable[[int], str]  # unit id → the page of the records behind the figure
    do_not_call_in_templates = True  # a template reads its label, not its figures

    def __call__(self, unit_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
        return self.fn(unit_ids, start, end)


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after `day` (local time)."""
    return start_of(day + dt.timedelta(days=1))


def _q(value: Decimal) -> Decimal:
    return value.quantize(FOUR)


def _in_service(unit_ids: Sequence[int]) -> dict[int, int]:
    """In-service members on the roll, per unit: one GROUP BY."""
    return dict(
        Member.objects.filter(unit_id__in=list(unit_ids), in_service=True, is_active=True)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )


def _link(name: str, query: str) -> Callable[[int], str]:
    def build(unit_id: int) -> str:
        try:
            return reverse(name) + query.format(unit_id)
        except NoReverseMatch:
            return ""

    return build


# 双报到 (gongjian.reporting) ------------------------------------------------------------------


def reporting_rate(unit_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Per cent of the unit's in-service members reported to their community at the end of
    the period (a confirmed report holding then), in one query."""
    from gongjian.reporting import figures

    return {u: _q(v) for u, v in figures.reporting_rate_by_unit(unit_ids, end_of(end)).items()}


def pairings(unit_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Communities the unit's party organisations were paired with (结对) at the end of the
    period, in one query."""
    from gongjian.reporting import figures

    return figures.pairings_by_unit(unit_ids, end_of(end))


# 志愿服务 (gongjian.service) ------------------------------------------------------------------


def _attendance(
    unit_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, tuple[int, Decimal]]:
    """(person-times, hours) of the unit's members at published activities that began in the
    period: one GROUP BY. One member at one activity is one person-time."""
    from gongjian.service import figures

    return figures.attendance_by_unit(unit_ids, start_of(start), end_of(end))


def _per_member(
    unit_ids: Sequence[int],
    start: dt.date,
    end: dt.date,
    pick: Callable[[tuple[int, Decimal]], Decimal],
) -> dict[int, Decimal]:
    members = _in_service(unit_ids)
    done = _attendance(unit_ids, start, end)
    return {u: _q(pick(done.get(u, (0, Decimal(0)))) / n) for u, n in members.items() if n}


def person_times_per_member(
    unit_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """Volunteer-service person-times in the period per in-service member."""
    return _per_member(unit_ids, start, end, lambda t: Decimal(t[0]))


def service_hours_per_member(
    unit_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """Volunteer-service hours in the period per in-service member."""
    return _per_member(unit_ids, start, end, lambda t: t[1])


# 直联共建 (gongjian.cobuild) ------------------------------------------------------------------


def cobuild_projects_finished(
    unit_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """Co-building projects of the unit finished in the period, in one query."""
    if not apps.is_installed("gongjian.cobuild"):
        return {}
    from gongjian.cobuild import figures

    return figures.projects_finished_by_unit(unit_ids, start_of(start), end_of(end))


# The registry ---------------------------------------------------------------------------------


def registry() -> dict[str, Metric]:
    """The sources offered on this installation."""
    out: dict[str, Metric] = {}
    if apps.is_installed("gongjian.reporting"):
        out["reporting_rate"] = Metric(
            "reporting_rate",
            str(_("在职党员报到率")),
            "%",
            reporting_rate,
            _link("reporting:unit_status", "?unit={}"),
        )
        out["pairings"] = Metric(
            "pairings",
            str(_("结对社区数")),
            str(_("个")),
            pairings,
            _link("reporting:pairing_list", "?unit={}"),
        )
    if apps.is_installed("gongjian.service"):
        out["person_times_per_member"] = Metric(
            "person_times_per_member",
            str(_("人均志愿服务人次")),
            str(_("人次/人")),
            person_times_per_member,
            _link("service:stats", "?by=unit&unit={}"),
        )
        out["service_hours_per_member"] = Metric(
            "service_hours_per_member",
            str(_("人均志愿服务时长")),
            str(_("小时/人")),
            service_hours_per_member,
            _link("service:stats", "?by=unit&unit={}"),
        )
    if apps.is_installed("gongjian.cobuild"):
        out["cobuild_projects_finished"] = Metric(
            "cobuild_projects_finished",
            str(_("完成共建项目数")),
            str(_("个")),
            cobuild_projects_finished,
            _link("cobuild:project_list", "?unit={}"),
        )
    return out


def metric_choices() -> list[tuple[str, str]]:
    return [(m.name, m.label) for m in registry().values()]
