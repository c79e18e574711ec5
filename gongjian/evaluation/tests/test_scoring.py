"""The pure scoring module: weights, thresholds, totals, grades, ranking."""

from __future__ import annotations

from decimal import Decimal as D

from gongjian.evaluation import scoring
from gongjian.evaluation.scoring import GradeScale, Node


def test_weight_problems_name_the_node() -> None:
    nodes = [
        Node(1, None, "政治型", D(40)),
        Node(2, 1, "a", D(20)),
        Node(3, 1, "b", D(15)),
        Node(4, None, "服务型", D(60)),
    ]
    problems = scoring.weight_problems(nodes)
    assert [(p.node_id, p.actual, p.expected) for p in problems] == [(1, D(35), D(40))]
    assert scoring.weight_problems(nodes[:1])[0].node_id is None


def test_threshold_score_takes_the_highest_step_reached() -> None:
    steps = [(D(60), D(60)), (D(80), D(80)), (D(95), D(100))]
    assert scoring.threshold_score(D("59.9"), steps) == 0
    assert scoring.threshold_score(D(60), steps) == 60
    assert scoring.threshold_score(D("94.99"), steps) == 80
    assert scoring.threshold_score(D(100), steps) == 100
    assert scoring.threshold_score(None, steps) == 0


def test_weighted_total_and_grades() -> None:
    leaves = [Node(1, None, "a", D(40), D(10)), Node(2, None, "b", D(60), D(100))]
    assert scoring.weighted_total(leaves, {1: D(10), 2: D(100)}) == D(100)
    assert scoring.weighted_total(leaves, {1: D(5), 2: None}) == D(20)
    assert scoring.weighted_total(leaves, {1: D(1), 2: D(1)}) == D("4.60")
    scale = GradeScale()
    assert [scoring.grade(D(x), scale) for x in (90, "89.99", 80, 60, "59.99")] == [
        "excellent",
        "good",
        "good",
        "passing",
        "failing",
    ]
    assert GradeScale(D(70), D(80), D(60)).problems()


def test_ranking_shares_places_on_ties() -> None:
    totals = {"a": D(90), "b": D(95), "c": D(90), "d": D(80)}
    assert scoring.rank(totals, tie_break={"a": "2", "c": "1"}) == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert scoring.top({"x": 3, "y": 5, "z": 3}, 2, tie_break={"x": "2", "z": "1"}) == ["y", "z"]
