"""The matching engine on plain data: rules that must hold for any input. No database."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from gongjian.cobuild.matching import (
    Demand,
    MatchInputError,
    Preference,
    Resource,
    Weights,
    candidates,
    engine,
    match,
    serves,
)

AREAS = [
    "示范区/青禾街道/青禾社区",
    "示范区/青禾街道/晨辉社区",
    "示范区/东湖街道/望江社区",
    "示范区/东湖街道/东湖社区",
]
RESOURCE_AREAS = ["", "示范区", "示范区/青禾街道", "示范区/东湖街道", *AREAS]
TOPICS = [
    (
        "老人照顾不过来",
        "老伴住院了，想找人上门护理几天",
        "居家照护喘息服务",
        "专业护理员上门替代照护",
    ),
    ("孩子放学没人管", "双职工下班晚，孩子作业没人辅导", "四点半课堂", "教师党员辅导作业"),
    ("借钱不还想问律师", "打了欠条一直不还", "法律咨询进社区", "律师提供借贷合同法律咨询"),
    ("电动车推上楼充电", "从窗户拉电线飞线充电", "电动自行车安全充电劝导", "劝导不飞线充电"),
    ("垃圾分类推不动", "大家还是混着扔", "垃圾分类督导", "指导分类投放厨余垃圾"),
]


def random_lists(rng: random.Random, n: int, m: int) -> tuple[list[Demand], list[Resource]]:
    demands = []
    for i in range(n):
        title, text, _, _ = rng.choice(TOPICS)
        demands.append(
            Demand(f"D{i:03d}", title, text, rng.choice(["", "阳光银"]), rng.choice(AREAS))
        )
    resources = []
    for j in range(m):
        _, _, title, text = rng.choice(TOPICS)
        resources.append(
            Resource(
                f"R{j:03d}",
                title,
                text,
                rng.choice(["", "阳光银"]),
                rng.choice(RESOURCE_AREAS),
                rng.randint(1, 3),
            )
        )
    return demands, resources


def complete_preferences(
    rng: random.Random, demands: list[Demand], resources: list[Resource]
) -> list[Preference]:
    """Every side ranks everything it may be paired with (the area rule), in random order."""
    prefs = []
    for d in demands:
        ok = [r for r in resources if serves(r.area, d.area)]
        rng.shuffle(ok)
        prefs += [Preference("demand", d.id, r.id, k) for k, r in enumerate(ok, start=1)]
    for r in resources:
        ok_d = [d for d in demands if serves(r.area, d.area)]
        rng.shuffle(ok_d)
        prefs += [Preference("resource", r.id, d.id, k) for k, d in enumerate(ok_d, start=1)]
    return prefs


def as_tuples(result: object) -> list[tuple[str, str, float, tuple[str, ...]]]:
    return [
        (p.demand_id, p.resource_id, p.score, tuple(p.reasons))
        for p in result.proposals  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("seed", range(12))
def test_capacities_and_one_resource_per_demand_hold_on_random_lists(seed: int) -> None:
    # given random lists, with and without preferences
    rng = random.Random(seed)
    demands, resources = random_lists(rng, rng.randint(5, 40), rng.randint(1, 10))
    capacity = {r.id: r.capacity for r in resources}
    prefs = complete_preferences(rng, demands, resources) if seed % 2 else []
    # when matched
    result = match(demands, resources, prefs, workers=1)
    # then no resource is over capacity and no demand appears twice
    used = Counter(p.resource_id for p in result.proposals)
    assert all(used[r] <= capacity[r] for r in used)
    assert len({p.demand_id for p in result.proposals}) == len(result.proposals)
    assert set(result.unmatched).isdisjoint(p.demand_id for p in result.proposals)


@pytest.mark.parametrize("seed", range(8))
def test_the_area_rule_is_never_broken(seed: int) -> None:
    rng = random.Random(100 + seed)
    demands, resources = random_lists(rng, 30, 12)
    prefs = complete_preferences(rng, demands, resources)
    # preferences that break the area rule are ignored, not honoured
    prefs += [Preference("demand", d.id, r.id, 99) for d in demands for r in resources]
    prefs += [Preference("resource", r.id, d.id, 99) for d in demands for r in resources]
    area_d = {d.id: d.area for d in demands}
    area_r = {r.id: r.area for r in resources}
    for result in (match(demands, resources, workers=1), match(demands, resources, prefs)):
        for p in result.proposals:
            assert serves(area_r[p.resource_id], area_d[p.demand_id])
    for found in candidates(demands, resources, workers=1).values():
        for c in found:
            assert serves(area_r[c.resource_id], area_d[c.demand_id])


def test_area_rule_at_the_edges() -> None:
    demand = Demand("D1", "孩子放学没人管", area="示范区/青禾街道/晨辉社区")
    top = Demand("D2", "孩子放学没人管", area="")
    same_prefix = Resource("R1", "四点半课堂 孩子放学", area="示范区/青禾")  # not 青禾街道
    sibling = Resource("R2", "四点半课堂 孩子放学", area="示范区/青禾街道/青禾社区")
    everywhere = Resource("R3", "四点半课堂 孩子放学", area="")
    parent = Resource("R4", "四点半课堂 孩子放学", area=" 示范区 / 青禾街道 ")
    found = candidates([demand, top], [same_prefix, sibling, everywhere, parent], workers=1)
    assert {c.resource_id for c in found["D1"]} == {"R3", "R4"}
    assert {c.resource_id for c in found["D2"]} == {"R3"}


def test_same_area_scores_above_neighbouring_above_far() -> None:
    demand = Demand("D1", "垃圾分类推不动", area="示范区/青禾街道/晨辉社区")
    resources = [
        Resource("R1", "垃圾分类督导", area="示范区"),
        Resource("R2", "垃圾分类督导", area="示范区/青禾街道"),
        Resource("R3", "垃圾分类督导", area="示范区/青禾街道/晨辉社区"),
    ]
    found = candidates([demand], resources, workers=1)["D1"]
    assert [c.resource_id for c in found] == ["R3", "R2", "R1"]
    w = Weights()
    assert found[0].score - found[2].score == pytest.approx(w.area_same, abs=1e-5)
    assert found[1].score - found[2].score == pytest.approx(w.area_near, abs=1e-5)


def test_category_multiplies_the_text_score_and_is_tunable() -> None:
    demand = Demand("D1", "法律咨询", category="平安蓝")
    resources = [Resource("R1", "法律咨询", category="平安蓝"), Resource("R2", "法律咨询")]
    w = Weights(category=0.1)
    found = candidates([demand], resources, weights=w, workers=1)["D1"]
    assert [c.resource_id for c in found] == ["R1", "R2"]
    assert found[0].score == pytest.approx(found[1].score * (1 + w.category), abs=1e-5)
    flat = candidates([demand], resources, weights=Weights(category=0.0), workers=1)["D1"]
    assert flat[0].score == pytest.approx(flat[1].score)
    assert [c.resource_id for c in flat] == ["R1", "R2"]  # a tie goes to the smaller id


def test_a_category_alone_never_overturns_a_clearly_better_text_match() -> None:
    """Given a community that files "孩子放学后没人管" under 教育培训, the Youth League's
    after-school class filed under 青少年 and a weaker resource filed under 教育培训, when the
    engine runs, then the better text match wins: the shared category does not pull the
    demand to the weaker resource."""
    demand = Demand("D1", "孩子放学后没人管", "双职工下班晚，孩子放学后没人接没人管", "教育培训")
    resources = [
        Resource("R1", "放学后托管服务", "团区委为双职工家庭孩子提供放学后托管", "青少年"),
        Resource("R2", "家长教育讲座", "教育局组织家庭教育讲座", "教育培训"),
    ]
    for w in (Weights(), Weights(category=0.1), Weights(category=0.3)):
        (p,) = match([demand], resources, weights=w, workers=1).proposals
        assert p.resource_id == "R1", w


@pytest.mark.parametrize("seed", range(8))
def test_the_category_bonus_can_only_reorder_text_scores_within_its_factor(seed: int) -> None:
    """For any two candidates of a demand, one whose text score is more than (1 + category)
    times the other's ranks above it, whatever their categories."""
    rng = random.Random(300 + seed)
    demands, resources = random_lists(rng, 20, 12)
    resources = [
        Resource(r.id, r.title, r.description, rng.choice(["", "阳光银", "平安蓝"]), "", 5)
        for r in resources
    ]
    demands = [Demand(d.id, d.title, d.description, d.category, "") for d in demands]
    w = Weights(category=0.2)
    with_cat = candidates(demands, resources, weights=w, top_k=12, workers=1)
    text_only = candidates(demands, resources, weights=Weights(category=0.0), top_k=12, workers=1)
    for d in demands:
        text = {c.resource_id: c.score for c in text_only[d.id]}
        rank = {c.resource_id: i for i, c in enumerate(with_cat[d.id])}
        assert set(rank) == set(text)  # the category makes no candidate out of nothing
        for a, b in itertools.permutations(text, 2):
            if text[a] > text[b] * (1 + w.category) + 1e-9:
                assert rank[a] < rank[b], (d.id, a, b)


def test_meanings_reach_across_words_and_the_reasons_say_so() -> None:
    """Given a resident who writes 洗澡 and a unit that writes 沐浴 (one row of the thesaurus),
    the engine pairs them and says why."""
    demand = Demand("D1", "家里老人洗澡没人帮", "老伴腿脚不便，一个人没法洗澡")
    resources = [
        Resource("R1", "居家沐浴护理", "为失能老人提供上门沐浴和清洁"),
        Resource("R2", "法律咨询进社区", "律师提供合同、借贷法律咨询"),
        Resource("R3", "垃圾分类督导", "指导居民分类投放厨余垃圾"),
    ]
    result = match([demand], resources, weights=Weights(concept=0.5), workers=1)
    assert [(p.demand_id, p.resource_id) for p in result.proposals] == [("D1", "R1")]
    reasons = result.proposals[0].reasons
    assert "意思相近：需求说“洗澡”，资源说“沐浴”（同义词）" in reasons


def test_party_building_terms_come_from_the_short_table() -> None:
    demand = Demand("D1", "在职党员双报到活动", "希望机关党员进社区报到，参加志愿服务")
    resources = [
        Resource("R1", "党建联建结对共建", "机关支部与社区结对，组织在职党员到社区报到"),
        Resource("R2", "垃圾分类督导", "指导居民分类投放厨余垃圾"),
    ]
    (p,) = match([demand], resources, weights=Weights(concept=0.5), workers=1).proposals
    assert p.resource_id == "R1"
    assert any("在职党员" in r for r in p.reasons)


def test_traditional_characters_read_as_simplified() -> None:
    demand = Demand("D1", "孩子放學後沒人管", "雙職工下班晚")
    resources = [
        Resource("R1", "放学后托管服务", "为双职工家庭孩子提供托管"),
        Resource("R2", "垃圾分类督导", "指导居民分类投放厨余垃圾"),
    ]
    (p,) = match([demand], resources, workers=1).proposals
    assert p.resource_id == "R1"
    assert any("放学" in r for r in p.reasons)


def test_reasons_name_categories_and_areas_by_the_names_the_caller_gives() -> None:
    d = Demand("D1", "垃圾分类推不动", category="SFQ01", area="SFQ/SFQ01/SFQ0102")
    r = Resource("R1", "垃圾分类督导", category="SFQ01", area="SFQ/SFQ01")
    names = {"SFQ01": "青禾街道", "SFQ0102": "晨辉社区"}
    w = Weights(category=0.1)
    (p,) = match([d], [r], weights=w, workers=1, names=names).proposals
    text = "；".join(p.reasons)
    assert "邻近区域：晨辉社区与资源同属青禾街道" in text
    assert "同属类别：青禾街道" in text
    assert "SFQ0" not in text
    (bare,) = match([d], [r], weights=w, workers=1).proposals
    assert "邻近区域：SFQ0102与资源同属SFQ01" in "；".join(bare.reasons)


@pytest.mark.parametrize("seed", range(6))
def test_every_proposal_has_reasons(seed: int) -> None:
    rng = random.Random(200 + seed)
    demands, resources = random_lists(rng, 25, 8)
    prefs = complete_preferences(rng, demands, resources)[::2]
    pinned = [(demands[0].id, r.id) for r in resources if serves(r.area, demands[0].area)][:1]
    result = match(demands, resources, prefs, pinned=pinned, workers=1)
    assert result.proposals
    for p in result.proposals:
        assert p.reasons
        assert all(isinstance(r, str) and r for r in p.reasons)


def test_reasons_name_keywords_category_area_and_mutual_choice() -> None:
    d = Demand("D1", "垃圾分类推不动", category="生态绿", area="示范区/青禾街道/晨辉社区")
    r = Resource("R1", "垃圾分类督导", category="生态绿", area="示范区/青禾街道/晨辉社区")
    prefs = [Preference("demand", "D1", "R1", 1), Preference("resource", "R1", "D1", 2)]
    (p,) = match([d], [r], prefs, weights=Weights(category=0.1), workers=1).proposals
    text = "；".join(p.reasons)
    assert "共同关键词：垃圾分类" in text
    assert "同属类别：生态绿" in text
    assert "同一区域：晨辉社区" in text
    assert "双方互选：需求列为第1志愿，资源列为第2志愿" in text


@pytest.mark.parametrize("seed", range(6))
def test_same_input_in_any_order_gives_the_same_output(seed: int) -> None:
    rng = random.Random(300 + seed)
    demands, resources = random_lists(rng, 40, 10)
    prefs = complete_preferences(rng, demands, resources) if seed % 2 else []
    forbidden = [(demands[1].id, resources[0].id)]
    first = match(demands, resources, prefs, forbidden=forbidden, workers=1)
    again = match(demands, resources, prefs, forbidden=forbidden, workers=1)
    shuffled_d, shuffled_r, shuffled_p = demands[:], resources[:], prefs[:]
    rng.shuffle(shuffled_d)
    rng.shuffle(shuffled_r)
    rng.shuffle(shuffled_p)
    other = match(shuffled_d, shuffled_r, shuffled_p, forbidden=forbidden, workers=1)
    assert as_tuples(first) == as_tuples(again) == as_tuples(other)
    assert first.unmatched == other.unmatched
    assert first.method == other.method


def test_forbidden_pair_is_never_proposed_even_when_best() -> None:
    demand = Demand("D1", "孩子放学没人管", "作业没人辅导")
    best = Resource("R1", "四点半课堂", "放学后辅导作业，孩子没人管")
    other = Resource("R2", "暑期托管班", "双职工家庭孩子假期托管")
    assert match([demand], [best, other], workers=1).proposals[0].resource_id == "R1"
    result = match([demand], [best, other], forbidden=[("D1", "R1")], workers=1)
    assert [p.resource_id for p in result.proposals] == ["R2"]
    prefs = [Preference("demand", "D1", "R1", 1), Preference("resource", "R1", "D1", 1)]
    result = match([demand], [best, other], prefs, forbidden=[("D1", "R1")], workers=1)
    assert ("D1", "R1") not in {(p.demand_id, p.resource_id) for p in result.proposals}
    found = candidates([demand], [best, other], forbidden=[("D1", "R1")], workers=1)
    assert [c.resource_id for c in found["D1"]] == ["R2"]


def test_pinned_pair_is_kept_and_takes_capacity() -> None:
    demands = [
        Demand("D1", "孩子放学没人管", "作业没人辅导"),
        Demand("D2", "垃圾分类推不动"),
    ]
    resources = [
        Resource("R1", "四点半课堂", "放学后辅导作业", capacity=1),
        Resource("R2", "垃圾分类督导", capacity=1),
    ]
    # D2 shares nothing with R1, and R1 has room for one: the pin wins
    result = match(demands, resources, pinned=[("D2", "R1")], workers=1)
    pairs = {p.demand_id: p for p in result.proposals}
    assert pairs["D2"].resource_id == "R1"
    assert pairs["D2"].reasons[0] == "管理员指定"
    # D1's best resource has no room left; it is left out or gets a weak one, never R1
    assert "D1" in result.unmatched or pairs["D1"].resource_id == "R2"
    assert sum(p.resource_id == "R1" for p in result.proposals) == 1


def test_pins_that_break_a_rule_are_refused() -> None:
    d = Demand("D1", "孩子放学没人管", area="示范区/青禾街道/晨辉社区")
    d2 = Demand("D2", "孩子放学没人管", area="示范区/青禾街道/晨辉社区")
    far = Resource("R1", "四点半课堂", area="示范区/东湖街道")
    near = Resource("R2", "四点半课堂", area="示范区/青禾街道", capacity=1)
    with pytest.raises(MatchInputError, match="不服务"):
        match([d], [far, near], pinned=[("D1", "R1")], workers=1)
    with pytest.raises(MatchInputError, match="超过了容量"):
        match([d, d2], [far, near], pinned=[("D1", "R2"), ("D2", "R2")], workers=1)
    with pytest.raises(MatchInputError, match="既被指定又被禁止"):
        match([d], [near], pinned=[("D1", "R2")], forbidden=[("D1", "R2")], workers=1)
    with pytest.raises(MatchInputError, match="多个资源"):
        match([d], [far, near], pinned=[("D1", "R2"), ("D1", "R1")], workers=1)
    with pytest.raises(MatchInputError, match="未知编号"):
        match([d], [near], pinned=[("D9", "R2")], workers=1)


def test_duplicate_ids_and_bad_capacity_are_refused() -> None:
    with pytest.raises(MatchInputError, match="需求编号重复"):
        match([Demand("D1", "a"), Demand("D1", "b")], [], workers=1)
    with pytest.raises(MatchInputError, match="容量"):
        match([Demand("D1", "a")], [Resource("R1", "b", capacity=0)], workers=1)


def brute_force_best_total(
    edges: dict[tuple[str, str], float], demands: list[str], capacity: dict[str, int]
) -> float:
    best = 0.0
    options = [[None, *[r for (d2, r) in edges if d2 == d]] for d in demands]
    for choice in itertools.product(*options):
        used = Counter(r for r in choice if r is not None)
        if all(used[r] <= capacity[r] for r in used):
            total = sum(edges[(d, r)] for d, r in zip(demands, choice, strict=True) if r)
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(10))
def test_without_preferences_the_total_score_is_maximal(seed: int) -> None:
    rng = random.Random(400 + seed)
    demands, resources = random_lists(rng, rng.randint(2, 6), rng.randint(1, 4))
    resources = [
        Resource(r.id, r.title, r.description, r.category, r.area, rng.randint(1, 2))
        for r in resources
    ]
    found = candidates(demands, resources, top_k=10, workers=1)
    edges = {(c.demand_id, c.resource_id): c.score for cs in found.values() for c in cs}
    capacity = {r.id: r.capacity for r in resources}
    result = match(demands, resources, top_k=10, workers=1)
    total = sum(p.score for p in result.proposals)
    expected = brute_force_best_total(edges, [d.id for d in demands], capacity)
    assert total == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("top_k", [1, 2, 5])
def test_chunked_products_and_pair_by_pair_scoring_agree(
    top_k: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given lists big enough to be scored both ways
    rng = random.Random(top_k)
    demands, resources = random_lists(rng, 60, 40)
    forbidden = [(d.id, r.id) for d in demands for r in resources if rng.random() < 0.2]
    monkeypatch.setattr(engine, "SMALL_BLOCK", 0)  # every area by sparse products
    monkeypatch.setattr(engine, "CELL_BUDGET", 64)  # in many small chunks
    chunked = candidates(demands, resources, forbidden=forbidden, top_k=top_k, workers=1)
    monkeypatch.setattr(engine, "SMALL_BLOCK", 10**9)  # every pair one by one
    pairwise = candidates(demands, resources, forbidden=forbidden, top_k=top_k, workers=1)
    assert not {(c.demand_id, c.resource_id) for cs in chunked.values() for c in cs} & set(
        forbidden
    )
    # then the top-k (ids, order and scores) are the same
    assert chunked.keys() == pairwise.keys()
    for d_id in chunked:
        assert [c.resource_id for c in chunked[d_id]] == [c.resource_id for c in pairwise[d_id]]
        for a, b in zip(chunked[d_id], pairwise[d_id], strict=True):
            assert a.score == pytest.approx(b.score, abs=1e-5)


def test_candidates_are_top_k_best_first() -> None:
    rng = random.Random(7)
    demands, resources = random_lists(rng, 20, 30)
    found = candidates(demands, resources, top_k=3, workers=1)
    assert set(found) == {d.id for d in demands}
    for cs in found.values():
        assert len(cs) <= 3
        keys = [(-c.score, c.resource_id) for c in cs]
        assert keys == sorted(keys)


def test_unmatched_demands_list_their_best_candidates() -> None:
    demands = [Demand("D1", "垃圾分类推不动"), Demand("D2", "垃圾分类没人管")]
    resources = [Resource("R1", "垃圾分类督导", capacity=1)]
    result = match(demands, resources, workers=1)
    assert len(result.proposals) == 1
    (left,) = result.unmatched
    assert [c.resource_id for c in result.unmatched[left]] == ["R1"]
    nothing = match([Demand("D3", "合唱队缺老师")], resources, workers=1)
    assert nothing.proposals == []
    assert nothing.unmatched == {"D3": []}
