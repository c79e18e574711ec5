"""The figures of a scope and a period, as plain data: no Django here, so the briefing text
(`briefing_text.py`) can be written and tested alone. `figures.figures_for` fills them; the
dashboard, the API and the briefing all read the same object, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gongjian.core.periods import Period, month_end, next_month, period_of

__all__ = ["Period", "month_end", "next_month", "period_of"]


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
    community_word: str = "社区"  # 村, 村（社区）: the communities' local kind, for "各社区"
    # Organisation
    units: int = 0
    party_orgs: int = 0
    members: int = 0
    in_service: int = 0
    # 双报到 (as of the period's end, or today if sooner)
    reported: int = 0
    pending: int = 0
    reports_received: int = 0  # people whose report to the scope's communities held
    reports_waiting: int = 0  # people whose report to them waited for a decision
    pairings: int = 0
    # Volunteer service (over the period)
    has_service: bool = False
    activities: int = 0  # held: begun by the end of the period or now (not cancelled)
    activities_planned: int = 0  # published, in the period, not begun yet
    activities_organised: int = 0  # a unit's: held activities it organised
    valid_until: dt.datetime | None = None  # the first planned one starts: recount then
    person_times: int = 0
    people: int = 0
    hours: float = 0.0  # every attendance's hours, QR check-outs' included
    hours_confirmed: float = 0.0  # of those, the hours an organiser confirmed
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
