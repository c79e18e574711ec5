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

    score = text × cosine(demand, resource) × (1 + category  if both have the same category)
          + area_same         if the resource's area is the demand's area
          + area_near         if the resource's area is the parent of the demand's area
          + mutual            if each side ranked the other

    The cosine mixes three blocks of TF-IDF features (:mod:`.text`) in proportion to
    ``words`` (jieba words), ``concept`` (what the words mean: Cilin synonym rows and the
    party-building table) and ``chars`` (characters and character bigrams); a title counts
    ``title`` times its description. A pair is a candidate only if its cosine is at least
    ``min_text``. The category multiplies the text score: it can reorder resources whose text
    scores are within a factor ``1 + category`` of each other, never lift a clearly better text
    match's rival above it, and never make a pair out of nothing.

    The defaults were chosen on ``bench/data/cobuild_labelled/`` (``bench/matching/tune.py``,
    5-fold cross-validated; docs/adr/0002-matching-engine.md): there the category and the
    meanings block (Cilin and the party-building table) measured no gain, so both are off
    by default and a caller may switch them on (``Weights(category=0.1, concept=0.5)``).
    """

    text: float = 1.0
    category: float = 0.0
    area_same: float = 0.05
    area_near: float = 0.025
    mutual: float = 0.20
    title: float = 1.0
    concept: float = 0.0
    min_text: float = 0.02
    words: float = 0.5
    chars: float = 2.0

    def __post_init__(self) -> None:
        for name in ("text", "category", "area_same", "area_near", "mutual", "title"):
            if not 0 <= getattr(self, name) < 1e6:
                raise MatchInputError(f"权重 {name} 必须是非负数")
        for name in ("concept", "words", "chars", "min_text"):
            if not 0 <= getattr(self, name) < 1e6:
                raise MatchInputError(f"权重 {name} 必须是非负数")
        if self.words + self.concept + self.chars <= 0:
            raise MatchInputError("词、词义和字三种文本信号的权重不能都为零")


class MatchInputError(ValueError):
    """Input the engine cannot work with (an unknown id, a pin that breaks a rule, …)."""
