"""Duty hours count as service hours. Given a cadre of 区税务局 on a checkpoint's roster, when
they check in and out of a shift, then its hours (in half hours, like an attendance's) are in
their service hours and points, in the service figures of the district and of their unit, and
a shift not checked out of counts nothing — equal to a recount from the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.figures import Scope
from gongjian.core.periods import Period
from gongjian.mobilise import selectors, services
from gongjian.mobilise.models import Dispatch, Duty
from gongjian.mobilise.tests.helpers import issue, place, quota, world
from gongjian.service import figures as service_figures
from gongjian.service import selectors as service_selectors
from gongjian.service.models import Attendance
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _service(actor: object, scope: Scope) -> dict[str, object]:
    today = timezone.localdate()
    period = Period(start=today.replace(day=1) - dt.timedelta(days=31), end=today)
    return {
        f.key: f.value for f in service_figures.figures(actor=actor, scope=scope, period=period)
    }


def _recount() -> Decimal:
    hours = sum((a.hours for a in Attendance.objects.all()), Decimal(0))
    for d in Duty.objects.filter(checked_out_at__isnull=False):
        assert d.checked_in_at is not None
        assert d.checked_out_at is not None
        hours += Decimal((d.checked_out_at - d.checked_in_at).total_seconds() // 1800) / 2
    return hours


def test_a_checked_out_shift_counts_as_service_hours_once(cast: Cast) -> None:
    # Given a mobilisation with the tax bureau's cadre at the checkpoint on two shifts
    w = world(cast, cadres_per_unit=2)
    m = issue(cast, w)
    q = quota(m, cast.tax, "青禾检查站")
    services.cadres_name(
        actor=cast.unit_admin, quota_id=q.pk, member_ids=[cast.member_record.public_id]
    )
    dispatch = Dispatch.objects.get(member=cast.member_record)
    checkpoint = place(m, "青禾检查站")
    now = timezone.now()
    shifts = [
        services.shift_create(
            actor=cast.district_admin,
            place_id=checkpoint.public_id,
            starts_at=now + dt.timedelta(hours=8 * k),
            ends_at=now + dt.timedelta(hours=8 * (k + 1)),
            need=1,
        )
        for k in range(2)
    ]
    duties = [
        services.duty_assign(
            actor=cast.district_admin, shift_id=s.public_id, dispatch_id=dispatch.public_id
        )
        for s in shifts
    ]
    before = service_selectors.member_summary(member=cast.member_record)
    district = _service(cast.district_admin, Scope())
    # when the cadre checks in and out of the first shift (8 h 20 min on duty)
    services.duty_check_in(actor=cast.district_admin, duty_id=duties[0].pk)
    services.duty_check_out(actor=cast.district_admin, duty_id=duties[0].pk)
    began = now - dt.timedelta(hours=8, minutes=20)
    Duty.objects.filter(pk=duties[0].pk).update(checked_in_at=began, checked_out_at=now)

    # then their service hours and points grow by 8 (half hours, rounded down), once
    after = service_selectors.member_summary(member=cast.member_record)
    assert after.hours - before.hours == Decimal("8")
    assert after.points - before.points == Decimal("8")
    assert (after.duties, after.duty_hours) == (1, Decimal("8"))
    assert after.activities == before.activities  # a shift is no volunteer activity
    again = service_selectors.member_summary(member=cast.member_record)
    assert again.hours == after.hours  # read twice, counted once
    # the service figures of the district and of the tax bureau include them
    got = _service(cast.district_admin, Scope())
    assert got["service.hours"] - district["service.hours"] == Decimal("8.0")  # type: ignore[operator]
    assert got["service.duty_hours"] == Decimal("8.0")
    assert got["service.person_times"] == district["service.person_times"]
    assert got["service.hours"] == _recount()
    tax = _service(cast.district_admin, Scope(unit_id=cast.tax.pk))
    assert tax["service.duty_hours"] == Decimal("8.0")
    justice = _service(cast.district_admin, Scope(unit_id=cast.justice.pk))
    assert justice["service.duty_hours"] == Decimal("0.0")
    # a street the checkpoint is not in: nothing
    street = _service(
        cast.district_admin,
        Scope(area_id=cast.donghu.pk, area_path=cast.donghu.path, area_kind="street"),
    )
    assert street["service.duty_hours"] == Decimal("0.0")
    # the second shift, checked in but not out, counts nothing yet
    Duty.objects.filter(pk=duties[1].pk).update(checked_in_at=now)
    assert service_selectors.member_summary(member=cast.member_record).hours == after.hours
    # the mobilisation's own support figures still count the shift once
    totals = selectors.totals(mobilisations=m.__class__.objects.filter(pk=m.pk))
    assert totals.shifts == 2  # checked in: both (person-times of support)
    # and the member's own page says where the hours come from
    client = Client()
    client.force_login(cast.member_record.user)  # type: ignore[arg-type]
    page = client.get(reverse("service:my_service")).content.decode()
    assert "含下沉值守1班、8小时" in page
