"""Arrivals under real parallel connections (PostgreSQL): 500 cadres arriving at once write
one arrival each; 20 simultaneous check-ins of one cadre write one."""

from __future__ import annotations

import functools

import pytest
from django.utils import timezone

from gongjian.mobilise import services
from gongjian.mobilise.models import Arrival, Dispatch, Mobilisation, Place, Quota
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast, make_member
from gongjian.testing.parallel import in_parallel, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    postgresql_only()


def _mobilisation(c: Cast, cadres: int) -> tuple[Mobilisation, list[Dispatch]]:
    m = services.mobilisation_issue(
        actor=c.district_admin,
        title="并发到岗",
        starts_at=timezone.now(),
        places=[(f"村{i}", "village", None, "") for i in range(10)],
        quotas=[(c.tax.pk, f"村{i}", cadres // 10, None) for i in range(10)],
    )
    members: list[Member] = [
        make_member(f"干部{i}", c.tax_branch, unit=c.tax) for i in range(cadres)
    ]
    for i in range(10):
        quota = Quota.objects.get(mobilisation=m, place__name=f"村{i}")
        services.cadres_name(
            actor=c.district_admin,
            quota_id=quota.pk,
            member_ids=[
                x.public_id for x in members[i * (cadres // 10) : (i + 1) * (cadres // 10)]
            ],
        )
    return m, list(Dispatch.objects.filter(mobilisation=m).select_related("place"))


def test_500_simultaneous_arrivals_write_one_each(cast: Cast) -> None:
    m, dispatches = _mobilisation(cast, 500)
    jobs = [
        functools.partial(
            services.arrival_by_link, dispatch_id=d.public_id, place_id=d.place.public_id
        )
        for d in dispatches
    ]
    results = in_parallel(jobs, threads=20)
    assert all(isinstance(r, tuple) and r[1] for r in results)
    assert Arrival.objects.filter(mobilisation=m).count() == 500
    assert Arrival.objects.values("dispatch").distinct().count() == 500


def test_20_parallel_checkins_of_one_cadre_write_one(cast: Cast) -> None:
    _m, dispatches = _mobilisation(cast, 10)
    one = dispatches[0]
    place = Place.objects.get(pk=one.place_id)
    jobs = [
        functools.partial(
            services.arrival_by_link, dispatch_id=one.public_id, place_id=place.public_id
        )
    ] * 20
    results = in_parallel(jobs, threads=20)
    assert Arrival.objects.filter(dispatch=one).count() == 1
    # every caller is answered with the one arrival; exactly one of them made it
    assert len({r[0].pk for r in results}) == 1
    assert sum(1 for r in results if r[1]) == 1
