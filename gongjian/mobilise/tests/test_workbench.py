"""What mobilisation puts on a workbench, per role. Given a mobilisation asking the tax bureau
for cadres: its administrator sees the cadres still to name; once named, the cadre sees the
dispatch to confirm (with a 收到 button) and, on a roster, today's shift; the working
committee sees the mobilisation under way with the cadres not yet arrived and the units
behind, the count equal to the list it links to; each goes when done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongjian.core.workbench import DUE, LATE, WAITING, Item, workbench_for
from gongjian.mobilise import services
from gongjian.mobilise.models import Dispatch, Mobilisation, Quota
from gongjian.mobilise.tests.helpers import place
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _items(actor: object) -> dict[str, Item]:
    bench = workbench_for(actor=actor, today=timezone.localdate())
    return {i.label: i for items in bench.sections.values() for i in items if i.app == "mobilise"}


def _issue(cast: Cast) -> Mobilisation:
    return services.mobilisation_issue(
        actor=cast.district_admin,
        title="支援青禾",
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        places=[("青禾镇", "town", None, ""), ("青禾检查站", "checkpoint", None, "青禾镇")],
        quotas=[(cast.tax.pk, "青禾检查站", 2, None), (cast.justice.pk, "青禾镇", 1, None)],
    )


def test_each_role_sees_its_mobilisation_work(cast: Cast) -> None:
    m = _issue(cast)
    # the unit administrator: two cadres to name
    items = _items(cast.unit_admin)
    to_name = items["待派员：支援青禾"]
    assert (to_name.section, to_name.count) == (WAITING, 2)
    client = Client()
    client.force_login(cast.unit_admin)
    assert client.get(to_name.url).status_code == 200
    assert "待派员：支援青禾" not in _items(cast.member)  # the member is no administrator

    quota = Quota.objects.get(mobilisation=m, unit=cast.tax)
    services.cadres_name(
        actor=cast.unit_admin, quota_id=quota.pk, member_ids=[cast.member_record.public_id]
    )
    assert _items(cast.unit_admin)["待派员：支援青禾"].count == 1

    # the cadre: the dispatch to confirm, with the link's 收到
    dispatch = Dispatch.objects.get(member=cast.member_record)
    mine = _items(cast.member)["下沉任务待确认：青禾检查站"]
    assert mine.section == WAITING
    assert mine.action is not None
    assert mine.action[0] == "收到"
    assert str(dispatch.public_id) in mine.url
    services.dispatch_confirm(dispatch_id=dispatch.public_id)
    assert "下沉任务待确认：青禾检查站" not in _items(cast.member)

    # and today's shift at the checkpoint
    checkpoint = place(m, "青禾检查站")
    now = timezone.now()
    shift = services.shift_create(
        actor=cast.district_admin,
        place_id=checkpoint.public_id,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
        need=1,
    )
    duty = services.duty_assign(
        actor=cast.district_admin, shift_id=shift.public_id, dispatch_id=dispatch.public_id
    )
    today = _items(cast.member)["今日值守：青禾检查站"]
    assert today.section == DUE
    services.duty_check_in(actor=cast.district_admin, duty_id=duty.pk)
    assert "已签到" in _items(cast.member)["今日值守：青禾检查站"].detail
    services.duty_check_out(actor=cast.district_admin, duty_id=duty.pk)
    assert "今日值守：青禾检查站" not in _items(cast.member)

    # the committee: under way, three cadres still to arrive, both units behind
    under = _items(cast.district_admin)["动员中尚未到岗：支援青禾"]
    assert (under.section, under.count) == (LATE, 3)
    assert "落后单位2个" in under.detail
    committee = Client()
    committee.force_login(cast.district_admin)
    board = committee.get(under.url).content.decode()
    assert "区税务局" in board
    services.arrival_by_link(dispatch_id=dispatch.public_id, place_id=checkpoint.public_id)
    under = _items(cast.district_admin)["动员中尚未到岗：支援青禾"]
    assert under.count == 2
    # the unit's administrator is not the committee: no such item
    assert "动员中尚未到岗：支援青禾" not in _items(cast.unit_admin)
    # stood down: nothing left for anyone
    services.mobilisation_stand_down(actor=cast.district_admin, mobilisation_id=m.public_id)
    for actor in (cast.unit_admin, cast.member, cast.district_admin, cast.outsider):
        assert _items(actor) == {}
