"""A member's effective-dated history (ADR 0030): transfers, leaving the service and the roll,
moving home, each from the day it took effect, and the backfill of the existing members."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from gongjian.core.errors import ValidationFailed
from gongjian.orgs import history
from gongjian.orgs.models import Member, MemberSpell, MemberTransfer
from gongjian.orgs.services import member_leave, member_transfer, member_update
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _spells(member: Member) -> list[tuple[dt.date | None, dt.date | None, int | None, bool]]:
    return [
        (s.valid_from, s.valid_to, s.unit_id, s.in_service)
        for s in MemberSpell.objects.filter(member=member).order_by(history.FIRST)
    ]


def test_a_new_member_has_one_open_spell_equal_to_the_row(cast: Cast) -> None:
    m = cast.tax_colleague
    assert _spells(m) == [(None, None, cast.tax.pk, True)]
    spell = history.state_on(m, _today())
    assert spell is not None
    assert history.values_of(spell) == history.values_of(m)


def test_a_past_dated_transfer_counts_from_its_day(cast: Cast) -> None:
    m = cast.tax_colleague
    day = _today() - dt.timedelta(days=40)
    member_transfer(
        actor=cast.platform_admin,
        member=m.public_id,
        to_org=cast.justice_branch.pk,
        effective_on=day,
    )
    m.refresh_from_db()
    assert m.unit_id == cast.justice.pk
    assert _spells(m) == [(None, day, cast.tax.pk, True), (day, None, cast.justice.pk, True)]
    before = history.state_on(m, day - dt.timedelta(days=1))
    after = history.state_on(m, day)
    assert before is not None
    assert before.party_org_id == cast.tax_branch.pk
    assert after is not None
    assert after.party_org_id == cast.justice_branch.pk
    assert MemberTransfer.objects.get(member=m).effective_on == day


def test_a_transfer_dated_before_a_later_one_leaves_the_later_standing(cast: Cast) -> None:
    m = cast.tax_colleague
    later, earlier = _today() - dt.timedelta(days=10), _today() - dt.timedelta(days=60)
    admin = cast.platform_admin
    member_transfer(
        actor=admin, member=m.public_id, to_org=cast.justice_branch.pk, effective_on=later
    )
    m.refresh_from_db()
    # Recorded afterwards: back to the tax bureau's branch from two months ago.
    member_transfer(
        actor=admin, member=m.public_id, to_org=cast.tax_branch.pk, effective_on=earlier
    )
    m.refresh_from_db()
    # The earlier move fills the time up to the later one, which still stands: the row and
    # the open spell stay where the later move put the member.
    assert history.state_on(m, earlier).unit_id == cast.tax.pk
    assert history.state_on(m, later).unit_id == cast.justice.pk
    assert m.unit_id == cast.justice.pk


def test_leaving_the_service_and_the_roll_on_past_days(cast: Cast) -> None:
    m = cast.justice_member
    left_service = _today() - dt.timedelta(days=30)
    member_update(
        actor=cast.platform_admin, member=m.public_id, in_service=False, effective_on=left_service
    )
    m.refresh_from_db()
    assert not m.in_service
    assert _spells(m) == [
        (None, left_service, cast.justice.pk, True),
        (left_service, None, cast.justice.pk, False),
    ]
    left_roll = _today() - dt.timedelta(days=5)
    member_leave(actor=cast.platform_admin, member_id=m.public_id, reason="调离", left_on=left_roll)
    assert not history.state_on(m, left_roll).is_active
    assert history.state_on(m, left_roll - dt.timedelta(days=1)).is_active


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.timedelta(days=3), "转接日期不能晚于今天"),
        ("2026-13-40", "转接日期不是有效日期"),
    ],
)
def test_a_transfer_on_an_impossible_day_is_refused_and_writes_nothing(
    cast: Cast, day: Any, message: str
) -> None:
    m = cast.tax_colleague
    when = _today() + day if isinstance(day, dt.timedelta) else day
    with pytest.raises(ValidationFailed) as caught:
        member_transfer(
            actor=cast.platform_admin,
            member=m.public_id,
            to_org=cast.justice_branch.pk,
            effective_on=when,
        )
    assert caught.value.detail["fields"]["effective_on"] == [message]
    assert not MemberTransfer.objects.filter(member=m).exists()
    assert _spells(m) == [(None, None, cast.tax.pk, True)]


def test_a_transfer_before_the_member_joined_is_refused(cast: Cast) -> None:
    m = cast.tax_colleague
    Member.objects.filter(pk=m.pk).update(joined_on=_today() - dt.timedelta(days=100))
    with pytest.raises(ValidationFailed) as caught:
        member_transfer(
            actor=cast.platform_admin,
            member=m.public_id,
            to_org=cast.justice_branch.pk,
            effective_on=_today() - dt.timedelta(days=200),
        )
    assert "转接日期不能早于" in caught.value.detail["fields"]["effective_on"][0]


def test_a_save_in_the_admin_way_follows_today(cast: Cast) -> None:
    m = cast.chenhui_resident
    m.home_community = cast.xingguang
    m.save()
    rows = list(MemberSpell.objects.filter(member=m).order_by(history.FIRST))
    assert [(r.valid_from, r.valid_to, r.home_community_id) for r in rows] == [
        (None, _today(), cast.chenhui.pk),
        (_today(), None, cast.xingguang.pk),
    ]


def test_the_backfill_splits_at_each_recorded_transfer(cast: Cast) -> None:
    m = cast.tax_colleague
    joined, moved = dt.date(2010, 7, 1), dt.date(2025, 3, 1)
    Member.objects.filter(pk=m.pk).update(
        joined_on=joined, party_org=cast.justice_branch, unit=cast.justice
    )
    MemberTransfer.objects.create(
        member=m,
        from_org=cast.tax_branch,
        to_org=cast.justice_branch,
        from_unit=cast.tax,
        to_unit=cast.justice,
        effective_on=moved,
    )
    MemberSpell.objects.all().delete()
    migration = importlib.import_module("gongjian.orgs.migrations.0007_member_spells")
    migration.backfill(apps, None)
    assert _spells(m) == [(joined, moved, cast.tax.pk, True), (moved, None, cast.justice.pk, True)]
    assert MemberSpell.objects.count() == Member.objects.count() + 1
