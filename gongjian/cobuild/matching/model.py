"""Plain data the matching engine takes and gives back. No Django, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Side = Literal["demand", "resource"]


@dataclass(frozen=True, slots=True)
class Demand:
    """What a community needs (需求)."""

    id: str
    title: str
    description: str = ""
    category: str = ""
    area: str = ""


@dataclass(frozen=True, slots=True)
class Resource:
    """What a unit offers (资源); ``capacity`` is how many demands it can serve."""

    id: str
    title: str
    description: str = ""
    category: str = ""
    area: str = ""
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class Preference:
    """One entry of a ranked list (双向选择): ``chooser_id`` ranks ``chosen_id``, 1 is first."""

    side: Side
    chooser_id: str
    chosen_id: str
    rank: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored demand–resource pair that the engine considered."""

    demand_id: str
    resource_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed pair with its score and the reasons behind it, in plain Chinese."""

    demand_id: str
    resource_id: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The proposals (sorted by demand id) and, for each demand left without one, its best
    candidates (possibly none)."""

    proposals: list[Proposal]
    unmatched: dict[str, list[Candidate]]
    method: str


@dataclass(frozen=True, slots=True)
class Weights:
    """How a pair is scored; see the module docstring of :mod:`gongjian.cobuild.matching`.

    score = text × cosine(demand, resource)
          + category          if both have the same non-empty category
          + area_same         if the resource's area is the demand's area
          + area_near         if the resource's area is the parent of the demand's area
          + mutual            if each side ranked the other

    The text vectors are TF-IDF over words and concepts: a title word counts ``title`` times,
    a description word once, and each concept a word stands for adds ``concept`` times the
    word's count. A pair is a candidate only if its cosine is at least ``min_text``.
    """

    text: float = 1.0
    category: float = 0.15
    area_same: float = 0.10
    area_near: float = 0.05
    mutual: float = 0.20
    title: float = 2.0
    concept: float = 0.8
    min_text: float = 0.02


class MatchInputError(ValueError):
    """Input the engine cannot work with (an unknown id, a pin that breaks a rule, …)."""
