"""The demo's grid work and mobilisations have the reported shape, and their pages show
something real to the demo's people."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.grid import demo as grid_demo
from gongjian.grid import selectors as grid_selectors
from gongjian.grid.models import Household, Issue, Visit
from gongjian.inspection import demo as inspection_demo
from gongjian.mobilise import demo, selectors
from gongjian.mobilise.models import Dispatch, Group, Mobilisation
from gongjian.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_grid_work_and_mobilisations() -> None:
    # Given the orgs demo at full size, when inspection, grid and mobilise build theirs
    ctx = orgs_demo.build_orgs(seed=7, scale=1.0)
    inspection_demo.build(ctx)
    grid_demo.build(ctx)
    demo.build(ctx)

    # then a past mobilisation of the reported size
    past = Mobilisation.objects.get(status="stood_down")
    dispatches = Dispatch.objects.filter(mobilisation=past)
    assert dispatches.count() == 370
    assert dispatches.values("unit").distinct().count() == 43
    assert past.places.filter(kind="town").count() == 4
    assert past.places.filter(kind="village").count() == 77
    # the villages beyond the district's 74 communities are areas called 村
    villages = past.places.filter(kind="village", area__local_kind="village")
    assert villages.count() == 3
    assert {p.area.kind_label for p in villages.select_related("area") if p.area} == {"村"}
    assert all(p.parent is not None and p.parent.kind == "town" for p in villages)
    groups = Group.objects.filter(mobilisation=past)
    assert groups.filter(kind="temporary_branch", party_org__kind="temporary_branch").count() == 15
    assert groups.filter(kind="vanguard_team").count() == 17
    totals = selectors.totals(mobilisations=Mobilisation.objects.filter(pk=past.pk))
    assert totals.arrivals == 370
    assert totals.person_times > 10_000
    # and grids with households, visits and a grid behind
    assert Household.objects.count() > 2000
    assert Visit.objects.count() > 2000
    assert Issue.objects.filter(status="passed", passed_to="finding").count() == 2
    community = ctx.users["community"]
    chase = grid_selectors.coverage_rows(actor=community, behind=True)
    assert chase[0].grid == "晨辉社区第七网格"

    # the pages show it to the demo's people
    live = Mobilisation.objects.get(status="issued")
    district = Client()
    district.force_login(ctx.users["district"])
    board = district.get(reverse("mobilise:board", args=[live.public_id])).content.decode()
    assert "已到岗" in board
    assert "区税务局" in board
    coverage = district.get(reverse("grid:coverage")).content.decode()
    assert "晨辉社区第七网格" in coverage
    unit = Client()
    unit.force_login(ctx.users["unit"])
    picker = unit.get(reverse("mobilise:name_cadres", args=[live.public_id])).content.decode()
    assert "选派并发送短信" in picker
    member = Client()
    member.force_login(ctx.users["member"])
    tasks = member.get(reverse("mobilise:my_tasks")).content.decode()
    assert "关于组织区直机关干部支援防汛一线的通知" in tasks
    assert "待确认" in tasks
    grid = Client()
    grid.force_login(ctx.users["grid"])
    assert "记录走访" in grid.get(reverse("grid:household_list")).content.decode()
