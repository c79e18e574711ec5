"""Stable matching with capacities (hospitals/residents, demand-proposing), checked by brute
force on small random instances and against the `matching` package from PyPI."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from matching.games import HospitalResident

from gongjian.cobuild.matching import Demand, Preference, Resource, match
from gongjian.cobuild.matching.assign import stable_match

Ranks = dict[str, dict[str, int]]


def instance(
    rng: random.Random, n: int, m: int, complete: bool = True
) -> tuple[list[Demand], list[Resource], list[Preference], Ranks, Ranks]:
    """Lists whose texts share nothing: only the preferences speak. Complete preferences:
    every demand ranks every resource and back, in random order."""
    demands = [Demand(f"D{i}", f"需求{i}") for i in range(n)]
    resources = [Resource(f"R{j}", f"资源{j}", capacity=rng.randint(1, 2)) for j in range(m)]
    d_rank: Ranks = {}
    r_rank: Ranks = {}
    prefs = []
    for d in demands:
        order = [r.id for r in resources if complete or rng.random() < 0.7]
        rng.shuffle(order)
        d_rank[d.id] = {r: k for k, r in enumerate(order, start=1)}
        prefs += [Preference("demand", d.id, r, k) for r, k in d_rank[d.id].items()]
    for r in resources:
        order = [d.id for d in demands if complete or rng.random() < 0.7]
        rng.shuffle(order)
        r_rank[r.id] = {d: k for k, d in enumerate(order, start=1)}
        prefs += [Preference("resource", r.id, d, k) for d, k in r_rank[r.id].items()]
    return demands, resources, prefs, d_rank, r_rank


def blocking_pairs(
    assigned: dict[str, str], d_rank: Ranks, r_rank: Ranks, capacity: dict[str, int]
) -> list[tuple[str, str]]:
    holders: dict[str, list[str]] = {r: [] for r in capacity}
    for d, r in assigned.items():
        holders[r].append(d)
    out = []
    for d, ranks in d_rank.items():
        for r, k in ranks.items():
            if d not in r_rank[r]:
                continue  # not mutually acceptable
            current = assigned.get(d)
            if current == r:
                continue
            wants = current is None or k < d_rank[d].get(current, 10**9)
            room = len(holders[r]) < capacity[r]
            better = any(r_rank[r][d] < r_rank[r][other] for other in holders[r])
            if wants and (room or better):
                out.append((d, r))
    return out


def all_stable(d_rank: Ranks, r_rank: Ranks, capacity: dict[str, int]) -> list[dict[str, str]]:
    demands = sorted(d_rank)
    options = [[None, *[r for r in d_rank[d] if d in r_rank[r]]] for d in demands]
    found = []
    for choice in itertools.product(*options):
        assigned = {d: r for d, r in zip(demands, choice, strict=True) if r is not None}
        used = Counter(assigned.values())
        if all(used[r] <= capacity[r] for r in used) and not blocking_pairs(
            assigned, d_rank, r_rank, capacity
        ):
            found.append(assigned)
    return found


@pytest.mark.parametrize("seed", range(40))
def test_complete_preferences_give_a_stable_matching_without_blocking_pairs(seed: int) -> None:
    rng = random.Random(seed)
    demands, resources, prefs, d_rank, r_rank = instance(rng, rng.randint(2, 9), rng.randint(1, 5))
    capacity = {r.id: r.capacity for r in resources}
    result = match(demands, resources, prefs, workers=1)
    assigned = {p.demand_id: p.resource_id for p in result.proposals}
    assert blocking_pairs(assigned, d_rank, r_rank, capacity) == []
    assert result.method == "stable"


@pytest.mark.parametrize("seed", range(30))
def test_the_stable_matching_is_the_demand_optimal_one(seed: int) -> None:
    rng = random.Random(1000 + seed)
    complete = seed % 2 == 0
    demands, resources, prefs, d_rank, r_rank = instance(
        rng, rng.randint(2, 5), rng.randint(1, 3), complete
    )
    capacity = {r.id: r.capacity for r in resources}
    result = match(demands, resources, prefs, fill=False, workers=1)
    ours = {p.demand_id: p.resource_id for p in result.proposals}
    stable = all_stable(d_rank, r_rank, capacity)
    assert ours in stable
    worst = 10**9
    for other in stable:
        for d in d_rank:
            mine = d_rank[d].get(ours.get(d, ""), worst)
            theirs = d_rank[d].get(other.get(d, ""), worst)
            assert mine <= theirs


@pytest.mark.parametrize("seed", range(10))
def test_filling_leftover_capacity_creates_no_blocking_pair(seed: int) -> None:
    # given partial preferences and texts that also match by words
    rng = random.Random(2000 + seed)
    demands, resources, prefs, d_rank, r_rank = instance(rng, 8, 4, complete=False)
    demands = [Demand(d.id, "孩子放学没人管 作业辅导") for d in demands]
    resources = [Resource(r.id, "四点半课堂 作业辅导", capacity=r.capacity) for r in resources]
    capacity = {r.id: r.capacity for r in resources}
    result = match(demands, resources, prefs, workers=1)
    assigned = {p.demand_id: p.resource_id for p in result.proposals}
    assert blocking_pairs(assigned, d_rank, r_rank, capacity) == []
    assert len(assigned) == min(len(demands), sum(capacity.values()))  # filled


@pytest.mark.parametrize("seed", range(15))
def test_same_result_as_the_matching_package(seed: int) -> None:
    rng = random.Random(3000 + seed)
    demands, resources, prefs, d_rank, r_rank = instance(rng, 30, 8, complete=False)
    # the peer wants mutually acceptable lists
    resident_prefs = {
        d: sorted((r for r in ranks if d in r_rank[r]), key=ranks.__getitem__)
        for d, ranks in d_rank.items()
    }
    hospital_prefs = {
        r: sorted((d for d in ranks if r in d_rank[d]), key=ranks.__getitem__)
        for r, ranks in r_rank.items()
    }
    resident_prefs = {d: p for d, p in resident_prefs.items() if p}
    hospital_prefs = {r: p for r, p in hospital_prefs.items() if p}
    capacities = {r.id: r.capacity for r in resources if r.id in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    peer = {
        res.name: hosp.name for hosp, rs in game.solve(optimal="resident").items() for res in rs
    }
    ours = {
        p.demand_id: p.resource_id for p in match(demands, resources, prefs, fill=False).proposals
    }
    assert ours == peer


def test_stable_match_on_indices_rejects_the_worst_held_demand() -> None:
    # resource 0 holds one; demand 1 is preferred by it, so demand 0 moves to resource 1
    lists = [[0, 1], [0]]
    ranks = [{1: 0, 0: 1}, {0: 0}]
    assert stable_match(lists, ranks, [1, 1]) == {1: 0, 0: 1}
    assert stable_match(lists, ranks, [2, 1]) == {0: 0, 1: 0}
    assert stable_match(lists, ranks, [0, 0]) == {}
