from django.db import migrations

CATEGORIES = [
    ("red", "暖心红", "#c8102e", "党员服务：政策宣讲、帮办代办、结对帮扶"),
    ("blue", "平安蓝", "#1f5fbf", "法律与平安：法律咨询、普法宣传、治安巡逻"),
    ("white", "天使白", "#8c9aa8", "医疗健康：义诊、健康讲座、急救培训"),
    ("green", "生态绿", "#2e8b57", "生态环境：环境整治、垃圾分类、植绿护绿"),
    ("silver", "阳光银", "#a7a9ac", "关爱老人：助老服务、入户探访、陪伴关怀"),
]


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("service", "ServiceCategory")
    for order, (code, name, colour, description) in enumerate(CATEGORIES, start=1):
        ServiceCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "colour": colour, "description": description, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
