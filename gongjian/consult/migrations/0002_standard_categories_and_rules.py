"""The standard categories of suggestions with their deadlines (15 working days unless the
kind of work needs less or more), and the default score rule of a duty record."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

from gongjian.consult.standard import CATEGORIES, RULES

def forwards(apps: Any, schema_editor: Any) -> None:
    Category = apps.get_model("consult", "Category")
    ScoreRule = apps.get_model("consult", "ScoreRule")
    for code, name, days in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "workdays": days})
    for item, points, cap in RULES:
        ScoreRule.objects.get_or_create(
            item=item,
            defaults={"points": Decimal(points), "cap": Decimal(cap) if cap else None},
        )


class Migration(migrations.Migration):
    dependencies = [("consult", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
