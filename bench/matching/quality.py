"""Quality on the two labelled sets, the engine beside a character n-gram TF-IDF baseline.

    .venv/bin/python bench/matching/quality.py            # both sets, side by side
    .venv/bin/python bench/matching/quality.py --misses   # and the engine's misses on the first
    .venv/bin/python bench/matching/quality.py --thresholds  # what a higher min_text costs there

Sets (``bench/data/``): ``cobuild_labelled`` (the first set; the engine's weights are chosen on
it, see ``tune.py``) and ``cobuild_heldout`` (written independently and frozen; nothing is
tuned on it: this script only reads it). A label file may list several acceptable resources
for a demand, or none: a demand with none is right only if nothing is proposed for it.

Figures per set:

* ``engine``: ``match`` with capacities (the proposals the committee sees);
* ``engine_top1``: the engine's best candidate per demand, capacities ignored;
* ``baseline``: character 1–2-gram TF-IDF (raw counts × smoothed IDF, L2), cosine on title +
  description, the area rule, and capacities kept by a greedy pass over the pairs in order of
  cosine;
* ``baseline_top1``: the same cosine's best resource per demand, no rule, no capacity.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gongjian.cobuild.matching import (  # noqa: E402
    Demand,
    Resource,
    Weights,
    candidates,
    match,
    serves,
)
from gongjian.cobuild.matching.io import read_demands, read_resources  # noqa: E402

DATA = ROOT / "bench" / "data"
SETS = ("cobuild_labelled", "cobuild_heldout")
PUNCTUATION = set("，。、；：？！“”‘’（）《》【】—…,.;:?!()[]\"' \t\r\n")


@dataclass(frozen=True)
class LabelledSet:
    name: str
    demands: list[Demand]
    resources: list[Resource]
    labels: dict[str, set[str]]  # demand id -> acceptable resource ids (may be empty)


def load(name: str) -> LabelledSet:
    folder = DATA / name
    labels: dict[str, set[str]] = defaultdict(set)
    with open(folder / "labels.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            labels[row["demand_id"]].add(row["resource_id"])
    demands = read_demands(folder / "demands.csv")
    resources = read_resources(folder / "resources.csv")
    return LabelledSet(name, demands, resources, {d.id: labels.get(d.id, set()) for d in demands})


def correct(data: LabelledSet, proposed: dict[str, str | None]) -> dict[str, bool]:
    """Right if the proposal is acceptable, or if nothing is proposed where nothing is."""
    out = {}
    for d in data.demands:
        got, want = proposed.get(d.id), data.labels[d.id]
        out[d.id] = got in want if want else got is None
    return out


def accuracy(data: LabelledSet, proposed: dict[str, str | None]) -> float:
    marks = correct(data, proposed)
    return sum(marks.values()) / len(marks)


def char_grams(text: str) -> list[str]:
    chars = [c for c in text if c not in PUNCTUATION]
    return chars + ["".join(chars[i : i + 2]) for i in range(len(chars) - 1)]


def baseline_scores(
    demands: Sequence[Demand], resources: Sequence[Resource]
) -> list[list[tuple[float, str]]]:
    """Character 1–2-gram TF-IDF cosine of every demand with every resource."""
    items: list[Demand | Resource] = [*demands, *resources]
    docs = [char_grams(x.title + x.description) for x in items]
    df = Counter(g for doc in docs for g in set(doc))
    n = len(docs)
    vecs = []
    for doc in docs:
        tf = Counter(doc)
        v = {g: c * (math.log((1 + n) / (1 + df[g])) + 1) for g, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({g: x / norm for g, x in v.items()})
    out = []
    for i in range(len(demands)):
        dv = vecs[i]
        row = []
        for j, r in enumerate(resources):
            rv = vecs[len(demands) + j]
            row.append((sum(x * rv.get(g, 0.0) for g, x in dv.items()), r.id))
        out.append(row)
    return out


def baseline(data: LabelledSet) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """(top-1 with no rule and no capacity, greedy with the area rule and capacities)."""
    scores = baseline_scores(data.demands, data.resources)
    top1: dict[str, str | None] = {}
    pairs = []
    by_id = {r.id: r for r in data.resources}
    for d, row in zip(data.demands, scores, strict=True):
        hits = [(-s, r) for s, r in row if s > 0]
        top1[d.id] = min(hits)[1] if hits else None  # ties go to the smaller id
        pairs += [(-s, d.id, r) for s, r in row if s > 0 and serves(by_id[r].area, d.area)]
    left = {r.id: r.capacity for r in data.resources}
    greedy: dict[str, str | None] = {d.id: None for d in data.demands}
    for _neg, d_id, r_id in sorted(pairs):
        if greedy[d_id] is None and left[r_id] > 0:
            greedy[d_id] = r_id
            left[r_id] -= 1
    return top1, greedy


def engine(
    data: LabelledSet, weights: Weights | None = None
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """(proposals with capacities, best candidate per demand)."""
    result = match(data.demands, data.resources, weights=weights, workers=1)
    proposed: dict[str, str | None] = {d.id: None for d in data.demands}
    proposed.update({p.demand_id: p.resource_id for p in result.proposals})
    top = candidates(data.demands, data.resources, weights=weights, workers=1)
    return proposed, {d: (c[0].resource_id if c else None) for d, c in top.items()}


def evaluate_set(name: str, weights: Weights | None = None) -> dict[str, object]:
    data = load(name)
    proposed, top1 = engine(data, weights)
    base_top1, base_greedy = baseline(data)
    return {
        "set": name,
        "demands": len(data.demands),
        "resources": len(data.resources),
        "demands_with_no_acceptable_resource": sum(not v for v in data.labels.values()),
        "engine": round(accuracy(data, proposed), 4),
        "engine_top1": round(accuracy(data, top1), 4),
        "baseline": round(accuracy(data, base_greedy), 4),
        "baseline_top1": round(accuracy(data, base_top1), 4),
    }


def evaluate(sets: Sequence[str] = SETS) -> list[dict[str, object]]:
    return [evaluate_set(name) for name in sets]


def misses(name: str = SETS[0]) -> None:
    """The engine's misses on one set, each with the engine's top 3 (id, title, score) and the
    rank of the best acceptable resource among the candidates; then, over the whole set, how
    often an acceptable resource is the first candidate, in the top 3, in the top 10 (the
    ceiling of any re-ranking of the engine's top 10). Never used on the held-out set while
    tuning."""
    data = load(name)
    proposed, _top1 = engine(data)
    top = candidates(data.demands, data.resources, workers=1, top_k=len(data.resources))
    by_id = {r.id: r for r in data.resources}
    ranks: Counter[str] = Counter()
    for d in data.demands:
        ids = [c.resource_id for c in top[d.id]]
        rank = min((ids.index(w) + 1 for w in data.labels[d.id] if w in ids), default=0)
        ranks[
            "1" if rank == 1 else "2-3" if 1 < rank <= 3 else "4-10" if 3 < rank <= 10 else "none"
        ] += bool(data.labels[d.id])
        got = proposed[d.id]
        if (got in data.labels[d.id]) if data.labels[d.id] else got is None:
            continue
        shown = [
            f"{c.resource_id} {by_id[c.resource_id].title} {c.score:.3f}" for c in top[d.id][:3]
        ]
        print(
            f"MISS {d.id} {d.title} -> {got} {by_id[got].title if got else ''}"
            f" | want {sorted(data.labels[d.id])} (rank {rank or '-'})"
            f" | top {'; '.join(shown)}"
        )
    served = sum(bool(v) for v in data.labels.values())
    top3 = ranks["1"] + ranks["2-3"]
    print(
        f"acceptable resource at rank 1: {ranks['1']}/{served}, top 3: {top3},"
        f" top 10: {top3 + ranks['4-10']}, lower or not a candidate: {ranks['none']}"
    )


THRESHOLDS = (0.02, 0.03, 0.035, 0.04, 0.045, 0.05, 0.06)


def thresholds(name: str = SETS[0]) -> None:
    """What a higher ``min_text`` would cost and gain on a set without unserved demands: the
    accuracy of ``match`` on the real demands, and, simulating a demand that nothing on the
    list serves by taking its acceptable resources away, how many such demands would be
    refused (their best remaining cosine, area bonus left out, below the threshold). Never
    used on the held-out set while tuning."""
    data = load(name)
    text_only = replace(Weights(), area_same=0.0, area_near=0.0, min_text=0.0)
    top = candidates(
        data.demands, data.resources, weights=text_only, top_k=len(data.resources), workers=1
    )
    best_other = [
        max((c.score for c in top[d.id] if c.resource_id not in data.labels[d.id]), default=0.0)
        for d in data.demands
    ]
    for t in THRESHOLDS:
        proposed, _top1 = engine(data, replace(Weights(), min_text=t))
        refused = sum(s < t for s in best_other)
        print(
            f"min_text {t:.3f}: right {accuracy(data, proposed):.1%},"
            f" refused when the right resource is missing {refused}/{len(data.demands)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--misses", action="store_true", help="list the first set's misses")
    parser.add_argument(
        "--thresholds", action="store_true", help="what a higher min_text costs on the first set"
    )
    args = parser.parse_args()
    rows = evaluate([s for s in args.sets.split(",") if s])
    keys = ["engine", "engine_top1", "baseline", "baseline_top1"]
    print(f"{'set':<18}" + "".join(f"{k:>15}" for k in keys))
    for row in rows:
        print(f"{row['set']!s:<18}" + "".join(f"{row[k]:>15.1%}" for k in keys))
    if args.misses:
        misses()
    if args.thresholds:
        thresholds()


if __name__ == "__main__":
    main()
