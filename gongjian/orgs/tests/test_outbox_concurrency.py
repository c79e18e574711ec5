"""Two runs of `gongjian outbox_send` at once (say, cron started one before the last ended)
never send one message twice: on PostgreSQL with real parallel connections."""

from __future__ import annotations

import pytest

from gongjian.orgs import services as org_services
from gongjian.orgs.models import OutboxMessage
from gongjian.testing.cast import Cast, make_member
from gongjian.testing.parallel import in_parallel, postgresql_only
from gongjian.testing.sms_gateway import FakeGateway

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

RUNS = 4
MESSAGES = 12


def test_simultaneous_runs_send_each_message_once(cast: Cast, sms_gateway: FakeGateway) -> None:
    postgresql_only()
    # Given twelve pending messages and a gateway that takes a moment to answer
    for n in range(MESSAGES):
        member = make_member(f"党员{n}", cast.tax_branch)
        OutboxMessage.objects.create(member=member, channel="sms", body=f"提醒{n}")
    sms_gateway.delay = 0.05
    # When four runs start together
    results = in_parallel([org_services.outbox_deliver] * RUNS)
    # Then every message went out exactly once, and each run sent its share
    texts = sorted(r.json["text"] for r in sms_gateway.received)
    assert texts == sorted(f"提醒{n}" for n in range(MESSAGES))
    assert sum(r.sent for r in results) == MESSAGES
    assert sum(1 for r in results if r.sent) > 1  # they really ran side by side
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
