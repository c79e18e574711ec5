"""Migration 0003 moves the service's own notices into the one inbox: every reminder,
cancellation and promotion a member had is in `orgs.Notice` afterwards, with its text, its
times, whether it was read, a link to its activity, and a reminder still once per activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from gongjian.orgs.models import Notice
from gongjian.service.tests.helpers import publish
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("service", "0002_seed_categories")]


def test_the_service_notices_move_to_the_inbox(cast: Cast) -> None:
    # Given an activity, and the service's notices as they were kept before the migration
    activity = publish(cast)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("service", "ServiceNotice")
    sent = timezone.now() - dt.timedelta(days=3)
    read = sent + dt.timedelta(hours=1)
    reminder = old.objects.create(
        member_id=cast.member_record.pk,
        activity_id=activity.pk,
        kind="reminder",
        text="明天09:00有您报名的活动“晨辉社区环境整治”",
    )
    old.objects.create(
        member_id=cast.member_record.pk,
        activity_id=activity.pk,
        kind="cancelled",
        text="您报名的活动已取消：暴雨预警",
        read_at=read,
    )
    old.objects.filter(pk=reminder.pk).update(created_at=sent)

    # When the migrations run forward
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Then the member's inbox holds both, as they were
    notices = {n.kind: n for n in Notice.objects.filter(member=cast.member_record)}
    assert set(notices) == {"service.reminder", "service.cancelled"}
    kept = notices["service.reminder"]
    assert (kept.title, kept.body) == ("活动提醒", "明天09:00有您报名的活动“晨辉社区环境整治”")
    assert kept.created_at == sent
    assert kept.read_at is None
    assert kept.link == f"/service/a/{activity.public_id}/"
    assert kept.key == f"service.reminder:{activity.pk}:{cast.member_record.pk}"
    assert notices["service.cancelled"].read_at == read
    assert notices["service.cancelled"].key is None
