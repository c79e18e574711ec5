"""Would a learnt re-ranker beat the engine's fixed mix? Cross-validated on the first set only.

    .venv/bin/python bench/matching/rerank.py   # writes bench/results/matching_rerank.json

Only ``bench/data/cobuild_labelled`` is read; the held-out set is never looked at here.

For every demand × resource pair of the first set, a few features from the engine's own
vectors (``gongjian.cobuild.matching.text.vectorise``, one block at a time, title counted once
or twice): the cosine of the words, the characters and the meanings (Cilin rows and the
party-building table); the IDF-weighted share of the demand's features the resource contains
(``cov``) and the other way round (``rcov``); the title-only character cosine; the same
category (a soft feature, 0 or 1). A linear score over a subset of them is learnt as a
conditional logit: for each demand, a softmax over the resources that may serve it (the area
rule), maximising the probability of its acceptable resources, with an L2 penalty
(``scipy.optimize``, no other dependency). Five folds by id order, as ``tune.py``: the weights
learnt on four folds score the fifth. Two figures per subset: the best resource per demand
(top-1), and the assignment with capacities (the engine's min-cost flow over each demand's
ten best, with the engine's area bonus), each demand scored by weights not learnt on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import minimize

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from quality import SETS, load  # noqa: E402

from gongjian.cobuild.matching import serves  # noqa: E402
from gongjian.cobuild.matching.assign import max_weight_assign  # noqa: E402
from gongjian.cobuild.matching.engine import normalise_area, parent_area  # noqa: E402
from gongjian.cobuild.matching.text import vectorise  # noqa: E402

FOLDS = 5
TOP_K = 10
AREA_SAME = 0.05
RESULTS = HERE.parents[1] / "bench" / "results" / "matching_rerank.json"
Matrix = npt.NDArray[np.float64]
SUBSETS = [
    ["cos_c1"],
    ["cos_w1", "cos_c1"],
    ["cos_c1", "cov_c1"],
    ["cos_w2", "cos_c2", "cov_w2", "cov_c2"],
    ["cos_w2", "cos_c2", "cov_w2", "cov_c2", "cat"],
    ["cos_w2", "cos_c2", "cov_w2", "cov_c2", "cos_m2", "cov_m2", "cat"],
    ["cos_w1", "cos_c1", "cov_w1", "cov_c1", "cos_m1", "cov_m1", "rcov_c1", "rcov_w1", "cat"],
    ["cos_w1", "cos_c1", "cov_c1", "cos_m1", "cov_m1", "rcov_c1", "cos_ctitle", "cat"],
]
PENALTIES = [1e-3, 1e-2]


def features(data_name: str) -> tuple[dict[str, Matrix], npt.NDArray[np.bool_], Matrix, Matrix]:
    data = load(data_name)
    titles = [d.title for d in data.demands] + [r.title for r in data.resources]
    texts = [d.description for d in data.demands] + [r.description for r in data.resources]
    n = len(data.demands)

    def block(title: float, **weights: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        v = vectorise(
            titles,
            texts,
            title_weight=title,
            word_weight=weights.get("word_weight", 0.0),
            concept_weight=weights.get("concept_weight", 0.0),
            char_weight=weights.get("char_weight", 0.0),
        )
        return v.matrix[:n], v.matrix[n:]

    out: dict[str, Matrix] = {}
    for name, key in (("w", "word_weight"), ("c", "char_weight"), ("m", "concept_weight")):
        for title in (1.0, 2.0):
            dm, rm = block(title, **{key: 1.0})
            tag = f"{name}{title:g}"
            out[f"cos_{tag}"] = (dm @ rm.T).toarray().astype(np.float64)
            for label, q, t in (("cov", dm, rm), ("rcov", rm, dm)):
                sums = np.asarray(q.sum(axis=1)).ravel()
                sums[sums == 0] = 1.0
                shares = sp.diags(1.0 / sums) @ q
                present = (t > 0).astype(np.float64)
                prod = shares @ present.T if label == "cov" else (shares @ present.T).T
                out[f"{label}_{tag}"] = np.asarray(prod.toarray(), dtype=np.float64)
    dm, rm = block(1000.0, char_weight=1.0)
    out["cos_ctitle"] = (dm @ rm.T).toarray().astype(np.float64)
    out["cat"] = np.array(
        [
            [float(bool(d.category) and d.category == r.category) for r in data.resources]
            for d in data.demands
        ]
    )
    eligible = np.array([[serves(r.area, d.area) for r in data.resources] for d in data.demands])
    labels = np.array(
        [[r.id in data.labels[d.id] for r in data.resources] for d in data.demands], dtype=float
    )
    areas = [normalise_area(d.area) for d in data.demands]
    bonus = np.array(
        [
            [
                AREA_SAME * (a == normalise_area(r.area))
                + AREA_SAME
                / 2
                * (normalise_area(r.area) != "" and parent_area(a) == normalise_area(r.area))
                for r in data.resources
            ]
            for a in areas
        ]
    )
    capacity = np.array([r.capacity for r in data.resources], dtype=float)
    return out, eligible, labels, np.vstack([bonus, capacity[None, :]])


def fit(
    x: Matrix, rows: npt.NDArray[np.int64], ok: npt.NDArray[np.bool_], y: Matrix, penalty: float
) -> Matrix:
    """Conditional logit weights (scores are scaled by 30 so that cosines of 0–1 separate)."""
    xs, oks, ys = x[rows] * 30.0, ok[rows], y[rows] > 0
    known = ys.any(axis=1)

    def loss(w: Matrix) -> float:
        s = np.where(oks, xs @ w, -1e9)
        top = s.max(axis=1, keepdims=True)
        lse = np.log(np.exp(s - top).sum(axis=1)) + top[:, 0]
        pos = np.where(ys, s, -1e9)
        ptop = pos.max(axis=1, keepdims=True)
        lp = np.log(np.exp(pos - ptop).sum(axis=1)) + ptop[:, 0]
        return float(-(lp - lse)[known].mean() + penalty * (w @ w))

    w0 = np.full(x.shape[-1], 1.0 / x.shape[-1])
    return np.asarray(minimize(loss, w0, method="L-BFGS-B").x)


def assigned(scores: Matrix, ok: npt.NDArray[np.bool_], y: Matrix, capacity: Matrix) -> int:
    s = np.where(ok, scores, -np.inf)
    best = np.argsort(-s, axis=1, kind="stable")[:, :TOP_K]
    d = np.repeat(np.arange(s.shape[0]), best.shape[1])
    r = best.ravel()
    keep = np.isfinite(s[d, r])
    d, r, v = d[keep], r[keep], s[d, r][keep]
    v = v - v.min() + 0.01  # the flow uses positive scores; a shift keeps the order
    pairs = max_weight_assign(
        d.astype(np.int64), r.astype(np.int64), v, capacity.astype(int).tolist()
    )
    return int(sum(y[i, j] for i, j in pairs))


def main() -> None:
    feats, ok, y, extra = features(SETS[0])
    bonus, capacity = extra[:-1], extra[-1]
    n = y.shape[0]
    fold = np.arange(n) % FOLDS  # the demands are read in id order
    rows = []
    for subset in SUBSETS:
        x = np.stack([feats[k] for k in subset], axis=-1)
        for penalty in PENALTIES:
            held = np.zeros_like(y)
            for k in range(FOLDS):
                train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
                held[test] = x[test] @ fit(x, train, ok, y, penalty)
            top1 = np.where(ok, held, -np.inf).argmax(axis=1)
            w_all = fit(x, np.arange(n), ok, y, penalty)
            rows.append(
                {
                    "features": subset,
                    "penalty": penalty,
                    "cv_top1": round(float(y[np.arange(n), top1].mean()), 4),
                    "cv_with_capacities": round(assigned(held + bonus, ok, y, capacity) / n, 4),
                    "weights_on_the_whole_set": [round(float(v), 3) for v in w_all],
                }
            )
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
