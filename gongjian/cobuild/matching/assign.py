"""Assignment under capacities: stable matching (deferred acceptance) and maximum total score
(min-cost flow). Works on integer indices; the caller maps ids to indices and back.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

# Scores are turned into integer costs with this many steps per 1.0 of score.
COST_SCALE = 1_000_000


def stable_match(
    demand_lists: Sequence[Sequence[int]],
    resource_rank: Sequence[dict[int, int]],
    capacity: Sequence[int],
) -> dict[int, int]:
    """Demand-proposing deferred acceptance with capacities (hospitals/residents).

    ``demand_lists[d]`` lists the resources ``d`` ranked, best first; ``resource_rank[r]`` maps
    each demand ``r`` ranked to its position (smaller is better, all distinct). Only mutually
    ranked pairs can be matched; the lists may hold others, which are skipped. The result is
    the demand-optimal stable matching, ``{demand: resource}``.
    """
    nxt = [0] * len(demand_lists)
    held: list[list[tuple[int, int]]] = [[] for _ in capacity]  # heap of (-position, demand)
    free = deque(d for d in range(len(demand_lists)) if demand_lists[d])
    match: dict[int, int] = {}
    while free:
        d = free.popleft()
        prefs = demand_lists[d]
        while nxt[d] < len(prefs):
            r = prefs[nxt[d]]
            nxt[d] += 1
            pos = resource_rank[r].get(d)
            if pos is None or capacity[r] <= 0:
                continue
            heap = held[r]
            if len(heap) < capacity[r]:
                heapq.heappush(heap, (-pos, d))
                match[d] = r
                break
            worst_pos, worst = -heap[0][0], heap[0][1]
            if pos < worst_pos:
                heapq.heapreplace(heap, (-pos, d))
                match[d] = r
                del match[worst]
                free.append(worst)
                break
    return match


def max_weight_assign(
    demand_idx: npt.NDArray[np.int64],
    resource_idx: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    capacity: Sequence[int],
) -> list[tuple[int, int]]:
    """Pairs of maximum total score where each demand gets at most one resource and resource
    ``r`` at most ``capacity[r]`` demands. Edges are (demand_idx[i], resource_idx[i], scores[i]);
    only edges with a positive score are used. Solved as a min-cost flow
    source → demand → resource → sink, with a zero-cost bypass demand → sink so that leaving a
    demand unmatched is allowed. Deterministic: arcs are added in (demand, resource) order.
    """
    keep = scores > 0
    d_arr, r_arr, s_arr = demand_idx[keep], resource_idx[keep], scores[keep]
    if d_arr.size == 0:
        return []
    order = np.lexsort((r_arr, d_arr))
    d_arr, r_arr, s_arr = d_arr[order], r_arr[order], s_arr[order]
    cap = np.asarray(capacity, dtype=np.int64)
    ok = cap[r_arr] > 0
    d_arr, r_arr, s_arr = d_arr[ok], r_arr[ok], s_arr[ok]
    if d_arr.size == 0:
        return []

    d_nodes, d_local = np.unique(d_arr, return_inverse=True)
    r_nodes, r_local = np.unique(r_arr, return_inverse=True)
    n_d, n_r = d_nodes.size, r_nodes.size
    source, sink = 0, 1 + n_d + n_r
    d_node = 1 + d_local
    r_node = 1 + n_d + r_local
    costs = -np.rint(s_arr * COST_SCALE).astype(np.int64)

    all_d = np.arange(1, 1 + n_d, dtype=np.int64)
    all_r = np.arange(1 + n_d, 1 + n_d + n_r, dtype=np.int64)
    tails = np.concatenate([np.full(n_d, source), d_node, all_d, all_r]).astype(np.int32)
    heads = np.concatenate([all_d, r_node, np.full(n_d, sink), np.full(n_r, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(n_d), np.ones(d_arr.size), np.ones(n_d), cap[r_nodes]]).astype(
        np.int64
    )
    unit = np.concatenate([np.zeros(n_d), costs, np.zeros(n_d), np.zeros(n_r)]).astype(np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = n_d, -n_d
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the bypass arcs make it always feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    pair_arcs = np.arange(n_d, n_d + d_arr.size, dtype=np.int32)
    used = np.asarray(flow.flows(pair_arcs)) > 0
    return [(int(d), int(r)) for d, r in zip(d_arr[used], r_arr[used], strict=True)]
