"""One vote per member under parallel voting, on PostgreSQL with real parallel connections."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from gongjian.evaluation import services
from gongjian.evaluation.models import Case, CaseVote
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast, make_member, make_user
from gongjian.testing.parallel import in_parallel, outcomes, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _run(target: Any, args: list[tuple[Any, ...]]) -> list[str]:
    return outcomes(in_parallel([functools.partial(target, *a) for a in args]))


def _shortlist(cast: Cast, n: int) -> list[Case]:
    c = h.campaign(cast)
    cases = []
    for i in range(n):
        k = services.case_submit(
            actor=cast.unit_admin, campaign=c, unit=cast.tax, title=f"案例{i}", summary="简介"
        )
        cases.append(services.case_shortlist(actor=cast.district_admin, case=k, shortlisted=True))
    return cases


def test_one_member_voting_in_parallel_keeps_one_vote(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    postgresql_only()
    cases = _shortlist(cast, THREADS)
    got = _run(lambda k: services.case_vote(actor=cast.member, case=k), [(k,) for k in cases])
    assert got == ["conflict"] * (THREADS - 1) + ["ok"], got
    assert CaseVote.objects.filter(member=cast.member_record).count() == 1
    assert (
        sum(Case.objects.filter(pk__in=[k.pk for k in cases]).values_list("vote_count", flat=True))
        == 1
    )


def test_many_members_voting_at_once_are_all_counted(cast: Cast) -> None:
    postgresql_only()
    (case,) = _shortlist(cast, 1)
    voters = []
    for i in range(THREADS):
        user = make_user(f"pv{i}")
        make_member(f"并发投票{i}", cast.tax_branch, user=user)
        voters.append(user)
    got = _run(lambda u: services.case_vote(actor=u, case=case), [(u,) for u in voters])
    assert got == ["ok"] * THREADS
    case.refresh_from_db()
    assert case.vote_count == THREADS == CaseVote.objects.filter(case=case).count()
