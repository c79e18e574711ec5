"""Confirming matches at the same time never passes a resource's capacity and never confirms
one demand twice, on PostgreSQL with real parallel connections."""

from __future__ import annotations

import functools

import pytest

from gongjian.cobuild import services
from gongjian.cobuild.models import Match
from gongjian.cobuild.tests.helpers import build_world
from gongjian.core.errors import Conflict
from gongjian.testing.cast import Cast
from gongjian.testing.parallel import in_parallel, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    postgresql_only()


def test_two_administrators_confirming_at_once_keep_the_capacity(cast: Cast) -> None:
    # Given the latest run proposes 区税务局's legal talks (one community only) to two
    # communities, and 区司法局's lawyers for 晨辉社区's elderly
    w = build_world(cast)
    run = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    run.matches.all().delete()
    proposals = [
        Match.objects.create(
            run=run, campaign=w.campaign, demand=d, resource=r, score=0.5, reasons=["法律"]
        )
        for d, r in (
            (w.chenhui_law, w.tax_law),
            (w.xingguang_law, w.tax_law),
            (w.chenhui_elderly, w.justice_law),
        )
    ]

    # When three administrators' confirmations of one proposal each arrive at the same moment
    results = in_parallel(
        [
            functools.partial(
                services.matches_confirm,
                actor=cast.district_admin,
                campaign=w.campaign,
                match_ids=[m.pk],
            )
            for m in proposals
        ]
    )

    # Then two go through and one is refused for the capacity, whatever the order: 区税务局's
    # talks go to one community only
    refused = [r for r in results if isinstance(r, Conflict)]
    assert sorted(r for r in results if isinstance(r, int)) == [1, 1], results
    assert [r.code for r in refused] == ["capacity"]
    assert isinstance(results[2], int)  # the lawyers were never in question
    confirmed = Match.objects.filter(campaign=w.campaign, status=Match.Status.CONFIRMED)
    assert confirmed.filter(resource=w.tax_law).count() == 1
    assert confirmed.count() == 2
