"""Choose the engine's weights on the first labelled set, with a cross-validated figure.

    .venv/bin/python bench/matching/tune.py        # writes bench/results/matching_tuning.json

Only ``bench/data/cobuild_labelled`` is read; the held-out set is never looked at here.

Each weight setting of the grid is run once with ``match`` (capacities kept) on the whole set,
which marks every demand right or wrong. The demands are split into ``FOLDS`` folds (by their
position in id order, so the split is fixed); for each fold the setting that is right most
often on the other folds is chosen and scored on that fold. The cross-validated accuracy is the
mean over the folds: an estimate, for a list the weights were not chosen on, of how often the
chosen setting is right. The setting chosen on all folds together becomes the default of
``Weights``. Among settings that are equally good the first in grid order wins; the grid is
ordered from the plainest setting (no category, no area bonus) up, so a weight is only raised
when that is measurably better.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from quality import SETS, correct, engine, load  # noqa: E402

from gongjian.cobuild.matching import Weights  # noqa: E402

FOLDS = 5
RESULTS = HERE.parents[1] / "bench" / "results" / "matching_tuning.json"
GRID = {
    "category": [0.0, 0.05, 0.1, 0.2],
    "area_same": [0.0, 0.05],  # area_near is half of it
    "words": [0.5, 1.0],
    "concept": [0.0, 0.25, 0.5, 1.0],
    "chars": [1.0, 2.0, 4.0],
    "title": [1.0, 2.0],
}


def settings() -> list[dict[str, float]]:
    keys = list(GRID)
    out = []
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(keys, values, strict=True))
        setting["area_near"] = setting["area_same"] / 2
        out.append(setting)
    return out


def main() -> None:
    data = load(SETS[0])
    ids = sorted(d.id for d in data.demands)
    fold_of = {d_id: i % FOLDS for i, d_id in enumerate(ids)}
    grid = settings()
    marks: list[dict[str, bool]] = []
    for i, setting in enumerate(grid):
        proposed, _top1 = engine(data, Weights(**setting))
        marks.append(correct(data, proposed))
        if i % 100 == 0:
            print(f"{i}/{len(grid)}", file=sys.stderr, flush=True)

    def right(k: int, fold: int | None, inside: bool) -> int:
        return sum(
            ok for d_id, ok in marks[k].items() if fold is None or (fold_of[d_id] == fold) == inside
        )

    folds = []
    for fold in range(FOLDS):
        best = max(range(len(grid)), key=lambda k: (right(k, fold, False), -k))
        size = sum(f == fold for f in fold_of.values())
        folds.append(
            {
                "fold": fold,
                "chosen": grid[best],
                "right": right(best, fold, True),
                "demands": size,
            }
        )
    cv = sum(f["right"] for f in folds) / len(ids)  # type: ignore[misc]
    best = max(range(len(grid)), key=lambda k: (right(k, None, True), -k))
    report = {
        "set": SETS[0],
        "grid": GRID,
        "settings": len(grid),
        "folds": folds,
        "cross_validated_accuracy": round(cv, 4),
        "chosen": grid[best],
        "chosen_accuracy_on_the_whole_set": round(right(best, None, True) / len(ids), 4),
        "weights": asdict(Weights(**grid[best])),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("cross_validated_accuracy", "chosen")}, indent=1))
    print("chosen on the whole set:", report["chosen_accuracy_on_the_whole_set"], file=sys.stderr)


if __name__ == "__main__":
    main()
