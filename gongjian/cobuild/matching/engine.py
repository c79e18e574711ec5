"""Candidate scoring (top-k per demand by sparse products) and the ``match`` entry point."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .assign import max_weight_assign, stable_match
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
from .text import CHAR_PREFIX, CONCEPT_PREFIX, meaning_name, meanings_of, vectorise

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# A chunk of demands × the resources of one area holds at most this many cells.
CELL_BUDGET = 4_000_000
# Areas with fewer eligible pairs than this are scored pair by pair, many areas at once.
SMALL_BLOCK = 4_096
PAIR_BATCH = 1_000_000
DEFAULT_TOP_K = 10
UNMATCHED_SHOWN = 3
KEYWORDS_SHOWN = 4
CONCEPTS_SHOWN = 2
CHARS_SHOWN = 3


def normalise_area(area: str) -> str:
    """``" 示范区 / 青禾街道/ "`` → ``"示范区/青禾街道"``; the empty string is the top."""
    parts = (p.strip() for p in unicodedata.normalize("NFKC", area).split("/"))
    return "/".join(p for p in parts if p)


def parent_area(area: str) -> str:
    return area.rsplit("/", 1)[0] if "/" in area else ""


def serves(resource_area: str, demand_area: str) -> bool:
    """The area rule: a resource serves its area and everything under it (empty: everywhere)."""
    r, d = normalise_area(resource_area), normalise_area(demand_area)
    return r == "" or d == r or d.startswith(r + "/")


def _normalise_category(category: str) -> str:
    return unicodedata.normalize("NFKC", category).strip()


def _last(area: str) -> str:
    return area.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class _Pairs:
    demand: IntArray
    resource: IntArray
    score: FloatArray

    @staticmethod
    def empty() -> _Pairs:
        return _Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))

    @staticmethod
    def concat(parts: Sequence[_Pairs]) -> _Pairs:
        if not parts:
            return _Pairs.empty()
        return _Pairs(
            np.concatenate([p.demand for p in parts]),
            np.concatenate([p.resource for p in parts]),
            np.concatenate([p.score for p in parts]),
        )

    def top_k(self, k: int) -> _Pairs:
        """The best ``k`` per demand: higher score first, then lower resource index (= id)."""
        if self.demand.size == 0:
            return self
        order = np.lexsort((self.resource, -self.score, self.demand))
        d, r, s = self.demand[order], self.resource[order], self.score[order]
        starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
        sizes = np.diff(np.r_[starts, d.size])
        rank = np.arange(d.size) - np.repeat(starts, sizes)
        keep = rank < k
        return _Pairs(d[keep], r[keep], s[keep])


class _Index:
    """Demands (ordered by area, then id) and resources (ordered by id) with their vectors."""

    def __init__(
        self,
        demands: Iterable[Demand],
        resources: Iterable[Resource],
        weights: Weights,
        workers: int | None,
    ) -> None:
        dem = list(demands)
        res = list(resources)
        for kind, items in (("需求", dem), ("资源", res)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise MatchInputError(f"{kind}编号重复：{item.id}")
                seen.add(item.id)
        for r in res:
            if r.capacity < 1:
                raise MatchInputError(f"资源 {r.id} 的容量必须是正整数")
        d_area = {d.id: normalise_area(d.area) for d in dem}
        self.demands = sorted(dem, key=lambda d: (d_area[d.id] + "/", d.id))
        self.resources = sorted(res, key=lambda r: r.id)
        self.d_pos = {d.id: i for i, d in enumerate(self.demands)}
        self.r_pos = {r.id: i for i, r in enumerate(self.resources)}
        self.d_areas = [d_area[d.id] for d in self.demands]
        self.r_areas = [normalise_area(r.area) for r in self.resources]
        self.d_keys = [a + "/" for a in self.d_areas]
        self.capacity = [r.capacity for r in self.resources]

        vectors = vectorise(
            [d.title for d in self.demands] + [r.title for r in self.resources],
            [d.description for d in self.demands] + [r.description for r in self.resources],
            title_weight=weights.title,
            concept_weight=weights.concept,
            workers=workers,
            word_weight=weights.words,
            char_weight=weights.chars,
        )
        n = len(self.demands)
        self.vectors = vectors
        self.D: sp.csr_matrix = vectors.matrix[:n]
        self.R: sp.csr_matrix = vectors.matrix[n:]
        self.words: sp.csr_matrix = vectors.words

        cats: dict[str, int] = {}
        d_cat = [_normalise_category(d.category) for d in self.demands]
        r_cat = [_normalise_category(r.category) for r in self.resources]
        for c in sorted(set(d_cat) | set(r_cat)):
            if c:
                cats[c] = len(cats)
        self.d_cat = np.array([cats.get(c, -1) for c in d_cat], dtype=np.int64)
        self.r_cat = np.array([cats.get(c, -2) for c in r_cat], dtype=np.int64)
        self.categories = d_cat, r_cat

        areas: dict[str, int] = {}
        for a in sorted(
            set(self.d_areas) | set(self.r_areas) | set(map(parent_area, self.d_areas))
        ):
            if a:
                areas[a] = len(areas)
        self.d_area = np.array([areas.get(a, -2) for a in self.d_areas], dtype=np.int64)
        self.d_parent = np.array(
            [areas.get(parent_area(a), -2) for a in self.d_areas], dtype=np.int64
        )
        self.r_area = np.array([areas.get(a, -1) for a in self.r_areas], dtype=np.int64)

        groups: dict[str, list[int]] = {}
        for i, a in enumerate(self.r_areas):
            groups.setdefault(a, []).append(i)
        self.groups = [(a, np.asarray(groups[a], dtype=np.int64)) for a in sorted(groups)]
        by_area = np.concatenate([g for _, g in self.groups]) if self.groups else np.zeros(0)
        self.R_by_area: sp.csr_matrix = self.R[by_area.astype(np.int64)]
        self.group_start = np.r_[0, np.cumsum([g.size for _, g in self.groups])].astype(int)

    @property
    def n(self) -> int:
        return len(self.demands)

    @property
    def m(self) -> int:
        return len(self.resources)

    def subtree(self, area: str) -> tuple[int, int]:
        """The range of demand indices a resource of ``area`` serves."""
        if area == "":
            return 0, self.n
        prefix = area + "/"
        return bisect_left(self.d_keys, prefix), bisect_left(self.d_keys, prefix + "\U0010ffff")

    def eligible(self, d: int, r: int) -> bool:
        ra = self.r_areas[r]
        return ra == "" or self.d_keys[d].startswith(ra + "/")

    def score(self, d: IntArray, r: IntArray, text: FloatArray, weights: Weights) -> FloatArray:
        """text × cosine × (1 + category if the same category) + the area bonus."""
        same_cat = (self.d_cat[d] == self.r_cat[r]).astype(np.float64)
        out: FloatArray = weights.text * text * (
            1.0 + weights.category * same_cat
        ) + self.area_bonus(d, r, weights)
        return out

    def area_bonus(self, d: IntArray, r: IntArray, weights: Weights) -> FloatArray:
        same_area = (self.d_area[d] == self.r_area[r]).astype(np.float64)
        near_area = (self.d_parent[d] == self.r_area[r]).astype(np.float64)
        out: FloatArray = weights.area_same * same_area + weights.area_near * near_area
        return out

    def text_scores(self, d: IntArray, r: IntArray) -> FloatArray:
        """Cosine of explicit pairs, row by row (no all-pairs product)."""
        if d.size == 0:
            return np.zeros(0, np.float64)
        prod = self.D[d].multiply(self.R[r])
        return np.asarray(prod.sum(axis=1), dtype=np.float64).ravel()


def _finish(
    index: _Index,
    weights: Weights,
    d: IntArray,
    r: IntArray,
    text: FloatArray,
    forbidden: IntArray,
) -> tuple[_Pairs, npt.NDArray[np.bool_]]:
    """Drop pairs below ``min_text`` or forbidden; add category and area to the rest."""
    keep = text >= weights.min_text
    if forbidden.size:
        keep &= ~np.isin(d * index.m + r, forbidden)
    d, r, text = d[keep], r[keep], text[keep]
    return _Pairs(d, r, index.score(d, r, text, weights)), keep


def _chunk_top_k(
    index: _Index,
    weights: Weights,
    text: npt.NDArray[np.float32],
    start: int,
    r_idx: IntArray,
    k: int,
    forbidden: tuple[IntArray, IntArray],
) -> _Pairs:
    """The best ``k`` per row of one dense chunk (demands ``start``… × the resources
    ``r_idx`` of one area). Selected with ``argpartition``; ties at the boundary go to the
    lower column, i.e. the smaller resource id."""
    rows, width = text.shape
    valid = text >= weights.min_text
    f_d, f_r = forbidden
    if f_d.size:
        inside = (f_d >= start) & (f_d < start + rows)
        local = np.searchsorted(r_idx, f_r[inside])
        hit = (local < width) & (r_idx[np.minimum(local, width - 1)] == f_r[inside])
        valid[f_d[inside][hit] - start, local[hit]] = False
    d_cat = index.d_cat[start : start + rows]
    same_cat = d_cat[:, None] == index.r_cat[r_idx][None, :]
    score = np.where(valid, weights.text * text.astype(np.float64), -np.inf)
    score *= 1.0 + weights.category * same_cat
    if width > k:
        ramp = np.arange(width) * (1e-9 / width)
        best = np.argpartition(score - ramp, width - k, axis=1)[:, width - k :]
    else:
        best = np.broadcast_to(np.arange(width), (rows, width))
    chosen = np.take_along_axis(score, best, axis=1)
    ok = np.isfinite(chosen)
    d = (np.nonzero(ok)[0] + start).astype(np.int64)
    r = r_idx[best[ok]]
    return _Pairs(d, r, chosen[ok] + index.area_bonus(d, r, weights))


def _score_all(index: _Index, weights: Weights, top_k: int, forbidden: IntArray) -> _Pairs:
    """Top-k candidates per demand, area by area of the resources (only eligible pairs are
    ever multiplied), in chunks of demands so that any size fits in memory."""
    found: list[_Pairs] = []
    pending_d: list[IntArray] = []
    pending_r: list[IntArray] = []
    pending = 0
    f_d, f_r = forbidden // max(index.m, 1), forbidden % max(index.m, 1)

    def flush() -> None:
        nonlocal pending
        if pending:
            d = np.concatenate(pending_d)
            r = np.concatenate(pending_r)
            text = index.text_scores(d, r)
            found.append(_finish(index, weights, d, r, text, forbidden)[0])
            pending_d.clear()
            pending_r.clear()
            pending = 0

    for g, (area, r_idx) in enumerate(index.groups):
        lo, hi = index.subtree(area)
        if lo >= hi:
            continue
        if (hi - lo) * r_idx.size <= SMALL_BLOCK:
            pending_d.append(np.repeat(np.arange(lo, hi, dtype=np.int64), r_idx.size))
            pending_r.append(np.tile(r_idx, hi - lo))
            pending += (hi - lo) * r_idx.size
            if pending >= PAIR_BATCH:
                flush()
            continue
        rt = index.R_by_area[index.group_start[g] : index.group_start[g + 1]].T.tocsr()
        step = max(1, CELL_BUDGET // r_idx.size)
        for start in range(lo, hi, step):
            stop = min(hi, start + step)
            text = (index.D[start:stop] @ rt).toarray()
            found.append(_chunk_top_k(index, weights, text, start, r_idx, top_k, (f_d, f_r)))
    flush()
    return _Pairs.concat(found).top_k(top_k)


def _forbidden_codes(index: _Index, forbidden: Iterable[tuple[str, str]]) -> IntArray:
    codes = []
    for d_id, r_id in forbidden:
        d, r = index.d_pos.get(d_id), index.r_pos.get(r_id)
        if d is None or r is None:
            raise MatchInputError(f"禁止的配对指向未知编号：{d_id} — {r_id}")
        codes.append(d * index.m + r)
    return np.unique(np.asarray(codes, dtype=np.int64))


def candidates(
    demands: Iterable[Demand],
    resources: Iterable[Resource],
    *,
    forbidden: Iterable[tuple[str, str]] = (),
    weights: Weights | None = None,
    top_k: int = DEFAULT_TOP_K,
    workers: int | None = None,
) -> dict[str, list[Candidate]]:
    """The ``top_k`` best resources for each demand (best first, ties by resource id), scored
    by text, category and area, respecting the area rule and the forbidden pairs. Every demand
    id is a key; a demand that shares no word or concept with any resource it may use gets []."""
    weights = weights or Weights()
    index = _Index(demands, resources, weights, workers)
    pairs = _score_all(index, weights, top_k, _forbidden_codes(index, forbidden))
    return _group(index, pairs, top_k)


def _group(
    index: _Index, pairs: _Pairs, limit: int, only: npt.NDArray[np.bool_] | None = None
) -> dict[str, list[Candidate]]:
    """Candidates by demand id (sorted), best first; only the demands flagged in ``only``."""
    keep = np.ones(index.n, dtype=bool) if only is None else only
    ids = sorted(index.demands[i].id for i in np.flatnonzero(keep).tolist())
    out: dict[str, list[Candidate]] = {d_id: [] for d_id in ids}
    if pairs.demand.size:
        sel = keep[pairs.demand]
        pairs = _Pairs(pairs.demand[sel], pairs.resource[sel], pairs.score[sel])
    ordered = pairs.top_k(limit)
    for d, r, s in zip(ordered.demand, ordered.resource, ordered.score, strict=True):
        out[index.demands[d].id].append(
            Candidate(index.demands[d].id, index.resources[r].id, round(float(s), 6))
        )
    return out


def match(
    demands: Iterable[Demand],
    resources: Iterable[Resource],
    preferences: Iterable[Preference] = (),
    pinned: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    weights: Weights | None = None,
    top_k: int = DEFAULT_TOP_K,
    *,
    fill: bool = True,
    workers: int | None = None,
    names: Mapping[str, str] | None = None,
) -> MatchResult:
    """Propose demand–resource pairs; see the package docstring for the rules. ``names`` maps
    the codes the caller uses for categories and area segments to the names the reasons say
    (``{"QH0101": "青禾社区"}``); a code it does not map is said as it is."""
    weights = weights or Weights()
    if top_k < 1:
        raise MatchInputError("top_k 必须是正整数")
    index = _Index(demands, resources, weights, workers)
    forbidden_codes = _forbidden_codes(index, forbidden)
    blocked = set(forbidden_codes.tolist())

    # ranked lists: (demand, resource) -> rank, keeping the best rank if listed twice
    d_rank: dict[tuple[int, int], int] = {}
    r_rank: dict[tuple[int, int], int] = {}
    for p in preferences:
        if p.rank < 1:
            raise MatchInputError(f"志愿顺位必须是正整数：{p}")
        if p.side == "demand":
            d, r = index.d_pos.get(p.chooser_id), index.r_pos.get(p.chosen_id)
            target = d_rank
        elif p.side == "resource":
            d, r = index.d_pos.get(p.chosen_id), index.r_pos.get(p.chooser_id)
            target = r_rank
        else:
            raise MatchInputError(f"未知的志愿方：{p.side}")
        if d is None or r is None:
            raise MatchInputError(f"志愿指向未知编号：{p.chooser_id} → {p.chosen_id}")
        if d * index.m + r in blocked or not index.eligible(d, r):
            continue
        key = (d, r)
        target[key] = min(p.rank, target.get(key, p.rank))
    mutual = sorted(set(d_rank) & set(r_rank))

    # pinned pairs first
    pins: dict[int, int] = {}
    left = list(index.capacity)
    for d_id, r_id in pinned:
        d, r = index.d_pos.get(d_id), index.r_pos.get(r_id)
        if d is None or r is None:
            raise MatchInputError(f"指定的配对指向未知编号：{d_id} — {r_id}")
        if d in pins and pins[d] != r:
            raise MatchInputError(f"需求 {d_id} 被指定了多个资源")
        if d in pins:
            continue
        if d * index.m + r in blocked:
            raise MatchInputError(f"配对 {d_id} — {r_id} 既被指定又被禁止")
        if not index.eligible(d, r):
            raise MatchInputError(f"资源 {r_id} 不服务需求 {d_id} 所在区域，不能指定")
        if left[r] < 1:
            raise MatchInputError(f"资源 {r_id} 被指定的需求超过了容量")
        pins[d] = r
        left[r] -= 1

    # candidates: top-k by text, plus every mutually ranked pair, with the mutual bonus
    pairs = _score_all(index, weights, top_k, forbidden_codes)
    codes = pairs.demand * index.m + pairs.resource
    if mutual:
        m_d = np.array([k[0] for k in mutual], dtype=np.int64)
        m_r = np.array([k[1] for k in mutual], dtype=np.int64)
        m_codes = m_d * index.m + m_r
        is_mutual = np.isin(codes, m_codes)
        pairs = _Pairs(pairs.demand, pairs.resource, pairs.score + weights.mutual * is_mutual)
        extra = ~np.isin(m_codes, codes)
        e_d, e_r = m_d[extra], m_r[extra]
        e_s = index.score(e_d, e_r, index.text_scores(e_d, e_r), weights) + weights.mutual
        pairs = _Pairs.concat([pairs, _Pairs(e_d, e_r, e_s)])

    chosen: dict[int, int] = dict(pins)
    method = "flow"
    if d_rank or r_rank:
        method = "stable"
        lists: list[list[int]] = [[] for _ in range(index.n)]
        for (d, r), _rank in sorted(d_rank.items(), key=lambda kv: (kv[1], kv[0][1])):
            if d not in pins:
                lists[d].append(r)
        positions: list[dict[int, int]] = [{} for _ in range(index.m)]
        for (d, r), _rank in sorted(r_rank.items(), key=lambda kv: (kv[1], kv[0][0])):
            positions[r][d] = len(positions[r])
        stable = stable_match(lists, positions, left)
        for d, r in sorted(stable.items()):
            chosen[d] = r
            left[r] -= 1
    if fill:
        free = np.array([d not in chosen for d in range(index.n)], dtype=bool)
        sel = free[pairs.demand] if pairs.demand.size else np.zeros(0, dtype=bool)
        filled = max_weight_assign(pairs.demand[sel], pairs.resource[sel], pairs.score[sel], left)
        if filled:
            method = "stable+flow" if method == "stable" else "flow"
        for d, r in filled:
            chosen[d] = r
            left[r] -= 1

    explain = _Explainer(index, weights, d_rank, r_rank, set(pins.items()), names or {})
    c_d = np.array(sorted(chosen), dtype=np.int64)
    c_r = np.array([chosen[d] for d in sorted(chosen)], dtype=np.int64)
    c_s = index.score(c_d, c_r, index.text_scores(c_d, c_r), weights)
    proposals = []
    for d, r, s in zip(c_d.tolist(), c_r.tolist(), c_s.tolist(), strict=True):
        if (d, r) in d_rank and (d, r) in r_rank:
            s += weights.mutual
        proposals.append(
            Proposal(
                demand_id=index.demands[d].id,
                resource_id=index.resources[r].id,
                score=round(float(s), 6),
                reasons=explain.reasons(d, r),
            )
        )
    proposals.sort(key=lambda p: p.demand_id)
    left_out = np.ones(index.n, dtype=bool)
    left_out[c_d] = False
    unmatched = _group(index, pairs, UNMATCHED_SHOWN, left_out)
    return MatchResult(proposals=proposals, unmatched=unmatched, method=method)


class _Explainer:
    """Reasons in plain Chinese for one pair: only what added to its score, and names, not
    codes."""

    def __init__(
        self,
        index: _Index,
        weights: Weights,
        d_rank: dict[tuple[int, int], int],
        r_rank: dict[tuple[int, int], int],
        pinned: set[tuple[int, int]],
        names: Mapping[str, str],
    ) -> None:
        self.index = index
        self.weights = weights
        self.names = names
        self.matrices = {
            name: (m.indptr.tolist(), m.indices.tolist(), m.data.tolist())
            for name, m in (("D", index.D), ("R", index.R), ("W", index.words))
        }
        self.d_rank = d_rank
        self.r_rank = r_rank
        self.pinned = pinned
        features = index.vectors.features
        n_words = index.vectors.n_words
        self.n_meanings = index.vectors.n_concepts
        concept_col = {
            f[len(CONCEPT_PREFIX) :]: n_words + i
            for i, f in enumerate(features[n_words : n_words + self.n_meanings])
        }
        self.triggers: dict[int, set[int]] = {}
        for word_id, word in enumerate(features[:n_words]):
            for key in meanings_of(word):
                if key in concept_col:
                    self.triggers.setdefault(concept_col[key], set()).add(word_id)

    def _row(self, name: str, i: int) -> dict[int, float]:
        indptr, indices, data = self.matrices[name]
        lo, hi = indptr[i], indptr[i + 1]
        return dict(zip(indices[lo:hi], data[lo:hi], strict=True))

    def _said(self, doc: int, col: int) -> list[str]:
        """The words of document ``doc`` that stand for meaning column ``col``."""
        indptr, indices, _ = self.matrices["W"]
        mine = self.triggers.get(col, set())
        ids = indices[indptr[doc] : indptr[doc + 1]]
        return [self.index.vectors.features[i] for i in sorted(ids) if i in mine]

    def _name(self, code: str) -> str:
        return self.names.get(code, code)

    def _area(self, area: str) -> str:
        return self._name(_last(area))

    def reasons(self, d: int, r: int) -> list[str]:
        index, out = self.index, []
        if (d, r) in self.pinned:
            out.append("管理员指定")
        features, n_words = index.vectors.features, index.vectors.n_words
        first_char = n_words + self.n_meanings
        d_row, r_row = self._row("D", d), self._row("R", r)
        common = sorted((-(w * r_row[c]), c) for c, w in d_row.items() if c in r_row)
        keywords = [features[c] for _, c in common if c < n_words][:KEYWORDS_SHOWN]
        if keywords:
            out.append("共同关键词：" + "、".join(keywords))
        shown: set[str] = set()
        for _, c in common:
            if len(shown) >= CONCEPTS_SHOWN:
                break
            if c < n_words or c >= first_char:
                continue
            mine, theirs = self._said(d, c), self._said(index.n + r, c)
            if not mine or not theirs or set(mine) == set(theirs):
                continue
            key = features[c][len(CONCEPT_PREFIX) :]
            said = f"需求说“{'”“'.join(mine)}”，资源说“{'”“'.join(theirs)}”"
            if said in shown:
                continue
            shown.add(said)
            name = meaning_name(key)
            out.append(
                f"意思相近：{said}（同义词）" if name != key else f"意思相近：{name}（{said}）"
            )
        grams = [features[c][len(CHAR_PREFIX) :] for _, c in common if c >= first_char]
        if any(len(g) == 2 for g in grams):
            grams = [g for g in grams if len(g) == 2]
        grams = [g for g in grams if not any(g in k for k in keywords)][:CHARS_SHOWN]
        if grams:
            out.append("字面相近：" + "、".join(f"“{g}”" for g in grams))
        d_cat, r_cat = index.categories
        if self.weights.category and d_cat[d] and d_cat[d] == r_cat[r]:
            out.append(f"同属类别：{self._name(d_cat[d])}")
        da, ra = index.d_areas[d], index.r_areas[r]
        if ra and da == ra and self.weights.area_same:
            out.append(f"同一区域：{self._area(da)}")
        elif ra and parent_area(da) == ra and self.weights.area_near:
            out.append(f"邻近区域：{self._area(da)}与资源同属{self._area(ra)}")
        if (d, r) in self.d_rank and (d, r) in self.r_rank:
            out.append(
                f"双方互选：需求列为第{self.d_rank[(d, r)]}志愿，"
                f"资源列为第{self.r_rank[(d, r)]}志愿"
            )
        if not out:
            out.append("在资源服务范围内")
        return out
