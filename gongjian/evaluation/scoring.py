"""Totals, grades and ranking of a model-organ campaign, from plain data. No Django here: the
services feed this module numbers and store what it returns, so it can be tested and
benchmarked alone.

A framework is a tree. Every node has a weight; the children of a node share its weight
exactly, and the top-level nodes share 100. A leaf (an indicator) is scored on its own scale
from 0 to `max_score`; it brings `score / max_score × weight` points to the total, so a
perfect campaign totals 100.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Node:
    """One node of a framework's tree: a dimension (it has children) or an indicator."""

    id: int
    parent_id: int | None
    name: str
    weight: Decimal
    max_score: Decimal = HUNDRED


@dataclass(frozen=True)
class WeightProblem:
    node_id: int | None  # None: the top level
    name: str
    expected: Decimal
    actual: Decimal


def weight_problems(nodes: Sequence[Node]) -> list[WeightProblem]:
    """Every node whose children's weights do not add up to its own (the top level to 100),
    in tree order. An empty list means the weights are right."""
    children: dict[int | None, list[Node]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    problems: list[WeightProblem] = []
    top = children.get(None, [])
    total = sum((n.weight for n in top), Decimal(0))
    if total != HUNDRED:
        problems.append(WeightProblem(None, "", HUNDRED, total))
    for n in nodes:
        kids = children.get(n.id)
        if not kids:
            continue
        total = sum((k.weight for k in kids), Decimal(0))
        if total != n.weight:
            problems.append(WeightProblem(n.id, n.name, n.weight, total))
    return problems


def leaves(nodes: Sequence[Node]) -> list[Node]:
    parents = {n.parent_id for n in nodes}
    return [n for n in nodes if n.id not in parents]


def threshold_score(value: Decimal | None, steps: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The score of a measured value: the score of the highest step whose minimum the value
    reaches; 0 below every step or when there is no value."""
    if value is None:
        return Decimal(0)
    best: tuple[Decimal, Decimal] | None = None
    for minimum, score in steps:
        if value >= minimum and (best is None or minimum > best[0]):
            best = (minimum, score)
    return best[1] if best is not None else Decimal(0)


def weighted_total(indicators: Iterable[Node], scores: Mapping[int, Decimal | None]) -> Decimal:
    """The total of one assessment: Σ score / max × weight over the indicators, to 0.01.
    A missing score counts 0."""
    total = Decimal(0)
    for ind in indicators:
        score = scores.get(ind.id)
        if score is None or ind.max_score <= 0:
            continue
        total += score / ind.max_score * ind.weight
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GradeScale:
    """The lowest totals of 优秀, 良好 and 合格; below the last is 不合格."""

    excellent: Decimal = Decimal(90)
    good: Decimal = Decimal(80)
    passing: Decimal = Decimal(60)

    def problems(self) -> list[str]:
        out = []
        if not (HUNDRED >= self.excellent >= self.good >= self.passing >= 0):
            out.append("thresholds must satisfy 100 ≥ excellent ≥ good ≥ passing ≥ 0")
        return out


EXCELLENT, GOOD, PASSING, FAILING = "excellent", "good", "passing", "failing"


def grade(total: Decimal, scale: GradeScale) -> str:
    if total >= scale.excellent:
        return EXCELLENT
    if total >= scale.good:
        return GOOD
    if total >= scale.passing:
        return PASSING
    return FAILING


def rank(totals: Mapping[K, Decimal], tie_break: Mapping[K, str] | None = None) -> dict[K, int]:
    """Competition ranking ("1, 2, 2, 4"): equal totals share a place. Ties are listed by
    `tie_break` (e.g. the unit code) but keep the same rank."""
    keys = list(totals)
    keys.sort(key=lambda k: (-totals[k], (tie_break or {}).get(k, ""), str(k)))
    out: dict[K, int] = {}
    previous: Decimal | None = None
    place = 0
    for position, k in enumerate(keys, start=1):
        if totals[k] != previous:
            place = position
            previous = totals[k]
        out[k] = place
    return out


def top(counts: Mapping[K, int], n: int, tie_break: Mapping[K, str] | None = None) -> list[K]:
    """The first `n` keys by count (most first), ties listed by `tie_break`."""
    keys = sorted(counts, key=lambda k: (-counts[k], (tie_break or {}).get(k, ""), str(k)))
    return keys[:n]
