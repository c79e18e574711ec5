"""The standard categories of suggestions (with their deadlines in working days) and the
default score rule of a duty record; written by migration 0002 and, after a database flush,
by the demo (`ensure`). Plain data here, so the migration can read it."""

from __future__ import annotations

from decimal import Decimal

CATEGORIES = [
    ("01-urban", "城市管理", 15),
    ("02-traffic", "交通出行", 15),
    ("03-education", "教育", 15),
    ("04-health", "医疗卫生", 15),
    ("05-elderly", "养老与社会保障", 15),
    ("06-environment", "生态环境", 15),
    ("07-housing", "住房与物业", 15),
    ("08-safety", "公共安全", 10),
    ("09-economy", "经济发展与营商环境", 20),
    ("10-culture", "文化体育", 20),
    ("11-other", "其他", 15),
]
RULES = [
    ("attended", "2", None),
    ("contributed", "1", None),
    ("suggested", "1", "20"),
    ("adopted", "2", None),
    ("shift", "1", None),
    ("service_hour", "0.5", "20"),
    ("study", "0.5", None),
    ("reported", "2", "2"),
]


def ensure() -> None:
    from gongjian.consult.models import Category, ScoreRule

    for code, name, days in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "workdays": days})
    for item, points, cap in RULES:
        ScoreRule.objects.get_or_create(
            item=item,
            defaults={"points": Decimal(points), "cap": Decimal(cap) if cap else None},
        )
