"""The service's notices join the one inbox (`orgs.Notice`): each row is copied with its time,
its reading time, a title for its kind and a link to its activity; reminders keep their one per
member and activity as the notice's key. Then `ServiceNotice` goes."""

from django.db import migrations

KINDS = {
    "reminder": ("service.reminder", "活动提醒"),
    "cancelled": ("service.cancelled", "活动取消"),
    "promoted": ("service.promoted", "候补转正"),
}
BATCH = 2000


def _link(public_id):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("service:activity_detail", args=[public_id])
    except NoReverseMatch:
        return ""


def forwards(apps, schema_editor):
    ServiceNotice = apps.get_model("service", "ServiceNotice")
    Notice = apps.get_model("orgs", "Notice")
    rows = ServiceNotice.objects.select_related("activity").order_by("id")
    batch = []
    for old in rows.iterator(chunk_size=BATCH):
        kind, title = KINDS.get(old.kind, (f"service.{old.kind}", "服务通知"))
        key = None
        if old.kind == "reminder":
            key = f"service.reminder:{old.activity_id}:{old.member_id}"
        batch.append(
            (
                old,
                Notice(
                    member_id=old.member_id,
                    kind=kind,
                    title=title,
                    body=old.text,
                    link=_link(old.activity.public_id),
                    read_at=old.read_at,
                    key=key,
                ),
            )
        )
        if len(batch) >= BATCH:
            _save(Notice, batch)
            batch = []
    _save(Notice, batch)


def _save(Notice, batch):
    """Write the notices, then give each the times of the notice it copies (`created_at` is
    set to now on insert)."""
    created = Notice.objects.bulk_create([new for _old, new in batch], batch_size=BATCH)
    for (old, _new), notice in zip(batch, created, strict=True):
        notice.created_at, notice.updated_at = old.created_at, old.updated_at
    Notice.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=BATCH)


def backwards(apps, schema_editor):
    Notice = apps.get_model("orgs", "Notice")
    Notice.objects.filter(kind__startswith="service.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0002_seed_categories"),
        ("orgs", "0002_notices_outbox"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ServiceNotice"),
    ]
