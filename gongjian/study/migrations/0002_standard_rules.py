"""The standard rules of regular organisational life (三会一课 and 主题党日): a branch members'
meeting and a party lecture at least once a quarter; a branch committee meeting, a group
meeting and a theme day once a month."""

from __future__ import annotations

from typing import Any

from django.db import migrations

STANDARD = [
    ("members_meeting", "quarter", "三会一课：支部党员大会一般每季度召开1次"),
    ("committee_meeting", "month", "三会一课：支部委员会会议一般每月召开1次"),
    ("group_meeting", "month", "三会一课：党小组会一般每月召开1次"),
    ("party_lecture", "quarter", "三会一课：党课一般每季度至少1次"),
    ("theme_day", "month", "主题党日每月开展1次"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("study", "StudyRule")
    for kind, period, note in STANDARD:
        rule.objects.get_or_create(
            kind=kind, district=None, defaults={"period": period, "minimum": 1, "note": note}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("study", "StudyRule").objects.filter(district=None).delete()


class Migration(migrations.Migration):
    dependencies = [("study", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
