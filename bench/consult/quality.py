"""How often the platform proposes the right unit for a suggestion, beside a plain baseline.

Data: `bench/data/consult_routing/` — 14 district units with their stated duties
(`units.csv`) and 84 suggestions written as residents write them (`suggestions.csv`), each
labelled with the unit that should handle it, split half `dev`, half `test` (three of each per
unit, alternating).

- The proposal (`gongjian.consult.routing.propose`, on the co-building text engine) sees each
  unit's duties and its past assignments. On the dev half each suggestion is proposed with
  the other dev suggestions as past assignments (leave-one-out); on the test half with all
  dev suggestions as past assignments. The weights in `routing.py` were set looking at the
  dev half only.
- The baseline: character-bigram TF-IDF (log tf, smoothed idf over the query and the unit
  profiles), cosine between the suggestion and each unit's profile (its duties and the same
  past assignment titles), best first.

Usage: python bench/consult/quality.py [--tune]   (--tune: the sweep on the dev half only,
which chose DUTY 0.8 / PAST 0.2 / CONCEPT 0.5 / CHARS 2.0)
"""

from __future__ import annotations

import csv
import math
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from gongjian.consult import routing  # noqa: E402

DATA = ROOT / "bench" / "data" / "consult_routing"


def load() -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    with (DATA / "units.csv").open(encoding="utf-8") as f:
        units = [(r["unit"], r["duties"]) for r in csv.DictReader(f)]
    with (DATA / "suggestions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return units, rows


def bigrams(text: str) -> Counter[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" or c.isalnum()]
    return Counter(a + b for a, b in pairwise(chars))


def baseline(query: str, profiles: list[str]) -> list[int]:
    docs = [bigrams(query), *[bigrams(p) for p in profiles]]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)

    def vec(d: Counter[str]) -> dict[str, float]:
        v = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    q = vec(docs[0])
    scores = [sum(q.get(t, 0.0) * x for t, x in vec(d).items()) for d in docs[1:]]
    return sorted(range(len(profiles)), key=lambda i: -scores[i])


def evaluate(
    split: str, units: list[tuple[str, str]], rows: list[dict[str, str]]
) -> dict[str, float]:
    names = [u for u, _ in units]
    dev = [r for r in rows if r["split"] == "dev"]
    cases = [r for r in rows if r["split"] == split]
    hits = {"engine@1": 0, "engine@3": 0, "duties_only@1": 0, "baseline@1": 0, "baseline@3": 0}
    for case in cases:
        history = [r for r in dev if r["id"] != case["id"]]
        past = {u: [r["title"] for r in history if r["unit"] == u] for u in names}
        profiles = [
            routing.UnitProfile(unit_id=i, name=u, duties=d, past=past[u])
            for i, (u, d) in enumerate(units)
        ]
        proposed = [
            p.unit_id for p in routing.propose(case["title"], case["text"], profiles, top=3)
        ]
        truth = names.index(case["unit"])
        hits["engine@1"] += bool(proposed) and proposed[0] == truth
        hits["engine@3"] += truth in proposed
        bare = [routing.UnitProfile(unit_id=i, name=u, duties=d) for i, (u, d) in enumerate(units)]
        alone = routing.propose(case["title"], case["text"], bare, top=1)
        hits["duties_only@1"] += bool(alone) and alone[0].unit_id == truth
        order = baseline(
            case["title"] + case["text"], [d + "。" + "。".join(past[u]) for u, d in units]
        )
        hits["baseline@1"] += order[0] == truth
        hits["baseline@3"] += truth in order[:3]
    return {"n": len(cases), **{k: round(v / len(cases), 3) for k, v in hits.items()}}


def tune(units: list[tuple[str, str]], rows: list[dict[str, str]]) -> None:
    for past in (0.0, 0.1, 0.2, 0.3, 0.4):
        for concept in (0.0, 0.5, 1.0):
            for chars in (1.0, 2.0):
                routing.DUTY, routing.PAST = 1 - past, past
                routing.CONCEPT, routing.CHARS = concept, chars
                r = evaluate("dev", units, rows)
                print(f"past {past} concept {concept} chars {chars}: {r}")


def main() -> None:
    units, rows = load()
    if "--tune" in sys.argv:
        tune(units, rows)
        return
    print(f"{len(units)} units, {len(rows)} labelled suggestions")
    for split in ("dev", "test"):
        result = evaluate(split, units, rows)
        print(split, result)


if __name__ == "__main__":
    main()
