"""Quality on the hand-labelled set: the engine against a character-bigram TF-IDF baseline."""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from pathlib import Path

from gongjian.cobuild.matching import Demand, Resource, candidates, match, serves
from gongjian.cobuild.matching.io import read_demands, read_resources

DATA = Path(__file__).resolve().parents[1] / "data" / "cobuild_labelled"


def load() -> tuple[list[Demand], list[Resource], dict[str, set[str]]]:
    labels: dict[str, set[str]] = defaultdict(set)
    with open(DATA / "labels.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            labels[row["demand_id"]].add(row["resource_id"])
    return read_demands(DATA / "demands.csv"), read_resources(DATA / "resources.csv"), labels


def bigrams(text: str) -> list[str]:
    chars = [c for c in text if c.strip() and c not in "，。、；：？！“”（）,.()"]
    return ["".join(chars[i : i + 2]) for i in range(len(chars) - 1)]


def baseline_top1(
    demands: list[Demand], resources: list[Resource], area_rule: bool
) -> dict[str, str | None]:
    """Plain character-bigram TF-IDF cosine on title + description; no words, no rules."""
    docs = [bigrams(d.title + d.description) for d in demands]
    docs += [bigrams(r.title + r.description) for r in resources]
    df = Counter(g for doc in docs for g in set(doc))
    n = len(docs)
    vecs = []
    for doc in docs:
        tf = Counter(doc)
        v = {g: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[g])) + 1) for g, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({g: x / norm for g, x in v.items()})
    out: dict[str, str | None] = {}
    for i, d in enumerate(demands):
        best: tuple[float, str] | None = None
        for j, r in enumerate(resources):
            if area_rule and not serves(r.area, d.area):
                continue
            dv, rv = vecs[i], vecs[len(demands) + j]
            s = sum(x * rv.get(g, 0.0) for g, x in dv.items())
            if s > 0 and (best is None or s > best[0] or (s == best[0] and r.id < best[1])):
                best = (s, r.id)
        out[d.id] = best[1] if best else None
    return out


def evaluate(verbose: bool = False) -> dict[str, float | int]:
    demands, resources, labels = load()
    result = match(demands, resources, workers=1)
    proposed = {p.demand_id: p.resource_id for p in result.proposals}
    top = candidates(demands, resources, workers=1)
    top1 = {d: (c[0].resource_id if c else None) for d, c in top.items()}
    base = baseline_top1(demands, resources, area_rule=False)
    base_area = baseline_top1(demands, resources, area_rule=True)
    n = len(demands)

    def acc(pred: dict[str, str | None]) -> float:
        return sum(pred.get(d.id) in labels[d.id] for d in demands) / n

    if verbose:
        by_id = {r.id: r for r in resources}
        for d in demands:
            got = proposed.get(d.id)
            if got not in labels[d.id]:
                print(
                    f"MISS {d.id} {d.title} -> {got} {by_id[got].title if got else ''}"
                    f" | want {sorted(labels[d.id])} | top {[c.resource_id for c in top[d.id]][:3]}"
                )
    return {
        "demands": n,
        "resources": len(resources),
        "labelled_pairs": sum(len(v) for v in labels.values()),
        "engine_proposal_accuracy": round(acc(proposed), 4),
        "engine_top1_accuracy": round(acc(top1), 4),
        "baseline_top1_accuracy": round(acc(base), 4),
        "baseline_with_area_rule_top1_accuracy": round(acc(base_area), 4),
    }


if __name__ == "__main__":
    print(evaluate(verbose=True))
