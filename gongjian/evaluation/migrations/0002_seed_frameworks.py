"""The seeded frameworks: 五双五型, 六型机关, 五个坚持 (gongjian/evaluation/seeds.py)."""

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    from gongjian.evaluation.seeds import seed

    seed(
        apps.get_model("evaluation", "Framework"),
        apps.get_model("evaluation", "Indicator"),
        now=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
