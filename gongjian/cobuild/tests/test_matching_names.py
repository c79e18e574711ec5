"""The matching run's reasons name areas by their names (晨辉社区), never by their codes."""

from __future__ import annotations

import pytest

from gongjian.cobuild import services
from gongjian.cobuild.tests.helpers import build_world
from gongjian.orgs.models import Area
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_reasons_say_area_names_not_codes(cast: Cast) -> None:
    # Given the lists, one resource of 青禾街道 for the elders of its 晨辉社区
    w = build_world(cast)
    # When the committee runs the matching
    run = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    # then the street's resource goes to 晨辉 and says where, by name
    elderly = run.matches.get(demand=w.chenhui_elderly)
    assert elderly.resource_id == w.tax_elderly.pk
    assert "邻近区域：晨辉社区与资源同属青禾街道" in elderly.reasons
    # and no reason anywhere spells an area code
    codes = set(Area.objects.values_list("code", flat=True))
    for m in run.matches.all():
        for reason in m.reasons:
            assert not any(code in reason for code in codes), reason
