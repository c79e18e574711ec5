"""The figures of a scope and a period, as plain data: no Django here, so the briefing text
(`briefing_text.py`) can be written and tested alone. `figures.figures_for` fills them; the
dashboard, the API and the briefing all read the same object, so they cannot disagree."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in local time (Asia/Shanghai)."""

    start: dt.date
    end: dt.date
    kind: str = "custom"  # this_month, last_month, this_year, last_year, custom

    @property
    def label(self) -> str:
        if self.kind == "this_year" or (
            self.start == dt.date(self.start.year, 1, 1) and self.end.year == self.start.year
        ):
            if self.end == dt.date(self.start.year, 12, 31):
                return f"{self.start.year}年"
            return f"{self.start.year}年1月1日至{self.end.month}月{self.end.day}日"
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        if (
            self.start.day == 1
            and self.end.year == self.start.year
            and self.end.month == self.start.month
        ):
            if self.end.day == last:
                return f"{self.start.year}年{self.start.month}月"
            return f"{self.start.year}年{self.start.month}月1日至{self.end.day}日"
        return (
            f"{self.start.year}年{self.start.month}月{self.start.day}日至"
            f"{self.end.year}年{self.end.month}月{self.end.day}日"
        )

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        out = []
        m = self.start.replace(day=1)
        while m <= self.end:
            out.append(m)
            m = next_month(m)
        return out


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return next_month(first) - dt.timedelta(days=1)


def period_of(
    kind: str, *, today: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    """A named period as of `today`; `custom` takes `start` and `end`."""
    if kind == "this_month":
        return Period(today.replace(day=1), today, kind)
    if kind == "last_month":
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return Period(first, month_end(first), kind)
    if kind == "last_year":
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31), kind)
    if kind == "custom" and start is not None and end is not None:
        if end < start:
            start, end = end, start
        return Period(start, end, kind)
    return Period(dt.date(today.year, 1, 1), today, "this_year")


@dataclass
class CategoryFigure:
    code: str
    name: str
    colour: str
    activities: int = 0
    person_times: int = 0
    hours: float = 0.0
    households: int = 0


@dataclass
class MonthFigure:
    month: str  # 2026-03
    activities: int = 0
    person_times: int = 0
    hours: float = 0.0


@dataclass
class UnitRank:
    id: int
    code: str
    name: str
    in_service: int = 0
    reported: int = 0
    person_times: int = 0
    hours: float = 0.0

    @property
    def rate(self) -> float | None:
        return self.reported / self.in_service if self.in_service else None


@dataclass
class CommunityRank:
    id: int
    code: str
    name: str
    street: str = ""
    reports: int = 0
    activities: int = 0
    person_times: int = 0
    households: int = 0
    demands: int = 0


@dataclass
class Figures:
    """Everything a dashboard or a briefing says about one scope node and one period.

    Organisation figures (`units` … `in_service`) are as of today; reporting figures as of
    the period's end; service and co-building figures over the period.
    """

    scope_key: str
    scope_name: str
    scope_kind: str  # all, district, street, community, grid, unit
    period: Period
    as_of: dt.date
    computed_at: dt.datetime | None = None  # when these figures were counted (they are cached)
    # Organisation
    units: int = 0
    party_orgs: int = 0
    members: int = 0
    in_service: int = 0
    # 双报到 (as of the period's end, or today if sooner)
    reported: int = 0
    pending: int = 0
    reports_received: int = 0  # confirmed reports to the communities of the scope
    pairings: int = 0
    # Volunteer service (over the period)
    has_service: bool = False
    activities: int = 0
    person_times: int = 0
    people: int = 0
    hours: float = 0.0
    households: int = 0
    categories: list[CategoryFigure] = field(default_factory=list)
    months: list[MonthFigure] = field(default_factory=list)
    # Direct-link co-building
    has_cobuild: bool = False
    resources: int = 0
    resource_units: int = 0
    demands: int = 0
    demand_communities: int = 0
    matched: int = 0
    signed: int = 0
    projects_active: int = 0
    projects_finished: int = 0
    # Rankings: every unit and community of the scope, best first
    unit_ranking: list[UnitRank] = field(default_factory=list)
    community_ranking: list[CommunityRank] = field(default_factory=list)

    @property
    def reporting_rate(self) -> float | None:
        return self.reported / self.in_service if self.in_service else None

    def top_units(self, n: int = 5) -> list[UnitRank]:
        return self.unit_ranking[:n]

    def bottom_units(self, n: int = 5) -> list[UnitRank]:
        """The laggards, worst first, never repeating a unit already among the leaders."""
        rest = self.unit_ranking[n:]
        return list(reversed(rest[-n:]))

    def top_communities(self, n: int = 5) -> list[CommunityRank]:
        return self.community_ranking[:n]

    def bottom_communities(self, n: int = 5) -> list[CommunityRank]:
        rest = self.community_ranking[n:]
        return list(reversed(rest[-n:]))
