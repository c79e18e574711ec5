"""Which unit should handle a suggestion: its text against each unit's stated duties and the
suggestions the unit has handled before, through the co-building text engine
(`gongjian.cobuild.matching.text`: jieba words, their meanings, character grams, TF-IDF).
Pure: imports no Django, takes plain data.

score(unit) = DUTY × cosine(suggestion, duties) + PAST × cosine(suggestion, past titles)

Each block is its own vector space over the units of one district (a word every unit's duties
say weighs little). The reasons name the words the suggestion shares with the unit's duties
and the past suggestion most like it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from gongjian.cobuild.matching import text

# Chosen on the development half of bench/data/consult_routing/ (bench/consult/quality.py);
# the test half was not looked at to choose them.
DUTY = 0.8
PAST = 0.2
WORDS = 0.5
CHARS = 2.0
CONCEPT = 0.5
KEYWORDS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class UnitProfile:
    unit_id: int
    name: str
    duties: str
    past: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Proposal:
    unit_id: int
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)


def _vectors(
    query: tuple[str, str], docs: Sequence[tuple[str, str]]
) -> tuple[sp.csr_matrix, text.Vectors]:
    titles = [query[0], *[d[0] for d in docs]]
    descriptions = [query[1], *[d[1] for d in docs]]
    vec = text.vectorise(
        titles,
        descriptions,
        title_weight=1.0,
        concept_weight=CONCEPT,
        word_weight=WORDS,
        char_weight=CHARS,
        workers=1,
    )
    return vec.matrix, vec


def _cosines(matrix: sp.csr_matrix) -> np.ndarray:
    return np.asarray((matrix[1:] @ matrix[0].T).todense()).ravel()


def _shared_words(vec: text.Vectors, a: int, b: int) -> list[str]:
    m = vec.matrix
    row_a = dict(zip(m[a].indices.tolist(), m[a].data.tolist(), strict=True))
    row_b = dict(zip(m[b].indices.tolist(), m[b].data.tolist(), strict=True))
    common = sorted((-(w * row_b[c]), c) for c, w in row_a.items() if c in row_b)
    return [vec.features[c] for _, c in common if c < vec.n_words][:KEYWORDS_SHOWN]


def propose(title: str, body: str, units: Sequence[UnitProfile], *, top: int = 3) -> list[Proposal]:
    """The `top` units most likely to handle the suggestion, best first, with reasons."""
    if not units:
        return []
    duty_m, duty_v = _vectors((title, body), [(u.name, u.duties) for u in units])
    duty = _cosines(duty_m)
    scores = DUTY * duty
    has_past = [bool(u.past) for u in units]
    past_v = None
    if any(has_past):
        past_m, past_v = _vectors((title, body), [("", "。".join(u.past)) for u in units])
        scores = scores + PAST * _cosines(past_m)
    order = np.argsort(-scores, kind="stable")[:top]
    out: list[Proposal] = []
    for i in order.tolist():
        unit = units[i]
        if scores[i] <= 0:
            continue
        reasons = []
        words = _shared_words(duty_v, 0, i + 1)
        if words:
            reasons.append("职责相关：" + "、".join(words))
        if past_v is not None and unit.past:
            like = _most_like(title + body, unit.past)
            if like:
                reasons.append(f"曾办理类似建议：{like}")
        out.append(Proposal(unit.unit_id, unit.name, round(float(scores[i]), 4), reasons))
    return out


@lru_cache(maxsize=65536)
def _words(title: str) -> frozenset[str]:
    return frozenset(text.tokenize(title))


def _most_like(query: str, past: Sequence[str]) -> str:
    mine = set(text.tokenize(query))
    best, best_n = "", 0
    for title in past:
        n = len(mine & _words(title))
        if n > best_n:
            best, best_n = title, n
    return best
