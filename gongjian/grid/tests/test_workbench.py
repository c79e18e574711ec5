"""What grid work puts on a workbench. Given 晨辉社区's households (张大爷 lives alone), when
the first grid's leader opens the home page, then the grids behind their coverage target and
the households due a visit are counted, each count equal to the list it links to; after the
visits, the counts fall; a person without a grid gets nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from gongjian.core.workbench import DUE, LATE, SHORTCUT, Item, workbench_for
from gongjian.grid.models import Household
from gongjian.grid.tests.helpers import households, visit
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _grid_items(actor: object) -> dict[str, Item]:
    bench = workbench_for(actor=actor, today=timezone.localdate())
    return {i.label: i for items in bench.sections.values() for i in items if i.app == "grid"}


def test_a_grid_leader_sees_grids_behind_and_households_due(cast: Cast) -> None:
    made = households(cast)
    items = _grid_items(cast.grid_leader)
    behind = items["走访覆盖未达标的网格"]
    assert behind.section == LATE
    assert behind.count == 1  # the leader's grid only; none of its four visited
    elderly = items["待走访的独居老人"]
    assert (elderly.section, elderly.count) == (DUE, 1)  # 张大爷
    yearly = items["一年内未走访的住户"]
    assert yearly.count == 4
    assert items["记录入户走访"].section == SHORTCUT
    # each count is the count of the list it links to
    client = Client()
    client.force_login(cast.grid_leader)
    page = client.get(yearly.url).content.decode()
    assert page.count('class="s-item"') == 4
    page = client.get(elderly.url).content.decode()
    assert "张大爷" in page
    assert "李阿姨" not in page
    home = client.get("/").content.decode()
    assert "待走访的独居老人" in home

    # when the leader visits 张大爷, then he is no longer due; the grid is still behind
    zhang = next(h for h in made if h.head_name == "张大爷")
    visit(cast, zhang)
    items = _grid_items(cast.grid_leader)
    assert "待走访的独居老人" not in items  # zero: dropped
    assert items["一年内未走访的住户"].count == 3
    for h in Household.objects.filter(grid=cast.chenhui_grid1).exclude(pk=zhang.pk):
        visit(cast, h)
    items = _grid_items(cast.grid_leader)
    assert "走访覆盖未达标的网格" not in items
    assert "一年内未走访的住户" not in items


def test_the_community_sees_its_grids_and_others_nothing(cast: Cast) -> None:
    households(cast)
    items = _grid_items(cast.community_secretary)
    assert items["走访覆盖未达标的网格"].count == 2  # both grids of 晨辉社区
    assert items["一年内未走访的住户"].count == 6
    assert _grid_items(cast.outsider) == {}
    assert _grid_items(cast.unit_admin) == {}
