"""Reviews under real parallel connections (PostgreSQL): a rectification is reviewed once."""

from __future__ import annotations

import functools

import pytest

from gongjian.core.errors import Conflict
from gongjian.inspection import services
from gongjian.inspection.models import Rectification
from gongjian.inspection.tests.helpers import finding, jpeg
from gongjian.testing.cast import Cast
from gongjian.testing.parallel import in_parallel, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    postgresql_only()


def test_a_rectification_is_reviewed_once(cast: Cast) -> None:
    f = finding(cast)
    services.rectification_submit(
        actor=cast.community_secretary,
        finding_id=f.public_id,
        text="已整改",
        photo_files=[("a.jpg", jpeg((200, 200)))],
    )
    # When the inspector passes it and the working committee returns it, at once, 4 times
    jobs = [
        functools.partial(
            services.rectification_review, actor=cast.member, finding_id=f.public_id, passed=True
        ),
        functools.partial(
            services.rectification_review,
            actor=cast.district_admin,
            finding_id=f.public_id,
            passed=False,
            reason="未整改到位",
        ),
    ] * 4
    results = in_parallel(jobs, threads=8)
    # Then one review took effect; the others were told it was already reviewed
    assert sum(1 for r in results if isinstance(r, Conflict)) == 7
    assert Rectification.objects.filter(finding=f).exclude(result="").count() == 1
