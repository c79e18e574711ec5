"""The matching engine of 直联共建: demands of communities ↔ resources of units.

Pure Python (numpy, scipy, jieba, OR-Tools); no Django, no database. Plain data in, plain
data out: :class:`Demand`, :class:`Resource`, :class:`Preference` in; a :class:`MatchResult`
of :class:`Proposal` (demand, resource, score, reasons) out.

Rules
-----
* **Area.** An area is a path from the top of the tree, ``/``-separated
  (``示范区/青禾街道/青禾社区``). A resource serves its area and everything under it; an empty
  resource area serves everywhere; an empty demand area is the top, so only resources with an
  empty area serve it. A demand outside a resource's area is never paired with it — not by
  text, not by preference, not by pin.
* **Score** (weights in :class:`Weights`, all tunable)::

      score = text × cosine            TF-IDF over jieba words and concepts, in [0, 1]   (1.0)
            + category                 same non-empty category                           (0.15)
            + area_same                the resource's area is the demand's area          (0.10)
            + area_near                the resource's area is the demand area's parent    (0.05)
            + mutual                   each side ranked the other                        (0.20)

  "Neighbouring" areas are siblings under one parent; since a resource may only serve its own
  subtree, the sibling bonus goes to a demand whose area sits directly under the resource's
  area (the demand's community and its siblings make up the street the resource serves).
* **Candidates.** The ``top_k`` best resources per demand, by sparse matrix products of the
  demand and resource vectors, area by area of the resources (only eligible pairs are ever
  multiplied) and in chunks of demands; a pair needs a cosine of at least ``min_text``
  (a shared word or concept). Ties go to the smaller resource id.
* **Assignment.** Pinned pairs first (they must obey the area rule and the capacities).
  Then, where preferences were given, demand-proposing deferred acceptance with capacities
  on the mutually ranked pairs (hospitals/residents; the demand-optimal stable matching).
  Then, unless ``fill=False``, a maximum-total-score assignment of the demands still free to
  the capacity still left, over the candidate graph, by min-cost flow (OR-Tools). Filling
  never creates a blocking pair: a resource with room left never rejected anyone.
  Forbidden pairs are never proposed. Each demand gets at most one resource; no resource
  gets more demands than its capacity.
* **Determinism.** Demands are ordered by (area, id), resources by id; no randomness; the
  same input in any order gives the same output.
* **Reasons.** Each proposal says why, in plain Chinese: shared keywords, concepts meant by
  different words (意思相近), same category, same or neighbouring area, mutual choice, pinned.
"""

from __future__ import annotations

from .engine import candidates, match, normalise_area, serves
from .model import (
    Candidate,
    Demand,
    MatchInputError,
    MatchResult,
    Preference,
    Proposal,
    Resource,
    Weights,
)

__all__ = [
    "Candidate",
    "Demand",
    "MatchInputError",
    "MatchResult",
    "Preference",
    "Proposal",
    "Resource",
    "Weights",
    "candidates",
    "match",
    "normalise_area",
    "serves",
]
