"""The three seeded frameworks — 五双五型, 六型机关, 五个坚持 — as plain data. A data migration
writes them as shared templates (no district), published; a district copies one to change it.

Each node: (code, name, weight, children | leaf options). A leaf is manual unless it names a
metric; its thresholds map the metric's value to a score out of 100.
"""

from __future__ import annotations

from typing import Any

Leaf = dict[str, Any]

RATE = {"metric": "reporting_rate", "thresholds": [[60, 60], [80, 80], [95, 100]]}
PAIRS = {"metric": "pairings", "thresholds": [[1, 60], [2, 80], [3, 100]]}
TIMES = {"metric": "person_times_per_member", "thresholds": [[0.5, 60], [1, 80], [2, 100]]}
HOURS = {"metric": "service_hours_per_member", "thresholds": [[1, 60], [3, 80], [6, 100]]}


def _m(rubric: str, evidence: bool = False) -> Leaf:
    return {"rubric": rubric, "evidence_required": evidence}


FRAMEWORKS: list[dict[str, Any]] = [
    {
        "code": "wushuang-wuxing",
        "name": "五双五型",
        "description": "人大机关“五双五型”模范机关：政治型、学习型、服务型、创新型、效能型机关。",
        "tree": [
            (
                "1",
                "政治型机关",
                20,
                [
                    (
                        "1.1",
                        "第一议题制度落实",
                        10,
                        _m("每次党组会传达学习第一议题，有记录得满分；缺一次扣10分。", True),
                    ),
                    ("1.2", "党组织结对共建", 10, PAIRS),
                ],
            ),
            (
                "2",
                "学习型机关",
                20,
                [
                    (
                        "2.1",
                        "理论学习中心组学习",
                        10,
                        _m("按计划开展集中学习，有方案、有记录、有研讨。", True),
                    ),
                    ("2.2", "读书活动与机关讲堂", 10, _m("全年开展读书活动或讲堂不少于4次。")),
                ],
            ),
            (
                "3",
                "服务型机关",
                25,
                [
                    ("3.1", "在职党员双报到", 10, RATE),
                    ("3.2", "志愿服务参与", 10, TIMES),
                    ("3.3", "为民办实事", 5, _m("年度为民办实事项目完成情况。", True)),
                ],
            ),
            (
                "4",
                "创新型机关",
                15,
                [
                    ("4.1", "党建品牌创建", 15, _m("一支部一特色一品牌创建成效。", True)),
                ],
            ),
            (
                "5",
                "效能型机关",
                20,
                [
                    ("5.1", "作风建设与效能提升", 10, _m("作风建设专项工作落实情况。")),
                    ("5.2", "志愿服务时长", 10, HOURS),
                ],
            ),
        ],
    },
    {
        "code": "liuxing-jiguan",
        "name": "六型机关",
        "description": "政协机关“六型机关”：学习型、服务型、创新型、担当型、智慧型、清廉型。",
        "tree": [
            (
                "1",
                "学习型机关",
                15,
                [
                    ("1.1", "理论学习", 10, _m("理论学习中心组与支部学习落实情况。", True)),
                    ("1.2", "读书与讲堂", 5, _m("读书活动、机关讲堂开展情况。")),
                ],
            ),
            (
                "2",
                "服务型机关",
                20,
                [
                    ("2.1", "在职党员双报到", 10, RATE),
                    ("2.2", "志愿服务参与", 10, TIMES),
                ],
            ),
            (
                "3",
                "创新型机关",
                15,
                [
                    ("3.1", "工作创新与品牌", 15, _m("协商议政与党建工作的创新举措与品牌。", True)),
                ],
            ),
            (
                "4",
                "担当型机关",
                15,
                [
                    ("4.1", "履职担当", 10, _m("委员履职、协商议政参与情况。", True)),
                    ("4.2", "结对共建", 5, PAIRS),
                ],
            ),
            (
                "5",
                "智慧型机关",
                15,
                [
                    ("5.1", "数字化履职", 15, _m("网上履职平台、数字化办公应用情况。")),
                ],
            ),
            (
                "6",
                "清廉型机关",
                20,
                [
                    ("6.1", "廉政建设", 20, _m("廉政风险防控与警示教育开展情况。", True)),
                ],
            ),
        ],
    },
    {
        "code": "wuge-jianchi",
        "name": "五个坚持",
        "description": (
            "区级机关党建“五个坚持”：坚持政治引领、理论武装、服务群众、改革创新、从严治党。"
        ),
        "tree": [
            (
                "1",
                "坚持政治引领",
                20,
                [
                    (
                        "1.1",
                        "政治建设责任落实",
                        20,
                        _m("党组（党委）履行机关党建主体责任情况。", True),
                    ),
                ],
            ),
            (
                "2",
                "坚持理论武装",
                20,
                [
                    ("2.1", "学习制度落实", 20, _m("第一议题、中心组学习、主题党日落实情况。")),
                ],
            ),
            (
                "3",
                "坚持服务群众",
                20,
                [
                    ("3.1", "在职党员双报到", 10, RATE),
                    ("3.2", "志愿服务时长", 10, HOURS),
                ],
            ),
            (
                "4",
                "坚持改革创新",
                20,
                [
                    ("4.1", "创新项目与品牌", 20, _m("党建创新项目和支部品牌成效。", True)),
                ],
            ),
            (
                "5",
                "坚持从严治党",
                20,
                [
                    ("5.1", "纪律作风建设", 20, _m("全面从严治党与作风建设落实情况。")),
                ],
            ),
        ],
    },
]


def seed(framework_model: Any, indicator_model: Any, *, now: Any = None) -> int:
    """Write the seeded frameworks that are missing (by code). Works with the real models or
    with a migration's historical ones. Returns the number written."""
    written = 0
    for spec in FRAMEWORKS:
        if framework_model.objects.filter(code=spec["code"]).exists():
            continue
        fw = framework_model.objects.create(
            code=spec["code"],
            name=spec["name"],
            description=spec["description"],
            status="published",
            published_at=now,
        )
        for order, (code, name, weight, children) in enumerate(spec["tree"]):
            dim = indicator_model.objects.create(
                framework=fw, code=code, name=name, weight=weight, order=order
            )
            for k, (c_code, c_name, c_weight, leaf) in enumerate(children):
                indicator_model.objects.create(
                    framework=fw,
                    parent=dim,
                    code=c_code,
                    name=c_name,
                    weight=c_weight,
                    order=k,
                    max_score=100,
                    rubric=leaf.get("rubric", ""),
                    evidence_required=leaf.get("evidence_required", False),
                    method="computed" if "metric" in leaf else "manual",
                    metric=leaf.get("metric", ""),
                    thresholds=leaf.get("thresholds", []),
                )
        written += 1
    return written
