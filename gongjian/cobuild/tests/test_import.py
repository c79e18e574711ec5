"""The resource and demand lists come in from spreadsheets, all rows or none."""

from __future__ import annotations

import pytest

# The app's ready() does not import the importers yet (apps.py belongs to the engine's owner);
# the URLconf does, through the API and the pages. Here, without a request, import them.
from gongjian.cobuild import importers as _importers  # noqa: F401
from gongjian.cobuild.models import Demand, Resource
from gongjian.cobuild.tests.helpers import build_world
from gongjian.core.imports import import_run, importers
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_both_importers_are_offered_to_the_right_people(cast: Cast) -> None:
    kinds = {i.kind: i for i in importers()}
    assert kinds["cobuild_resources"].may_use(cast.unit_admin)
    assert not kinds["cobuild_resources"].may_use(cast.community_secretary)
    assert kinds["cobuild_demands"].may_use(cast.community_secretary)
    assert not kinds["cobuild_demands"].may_use(cast.grid_leader)


def test_a_unit_imports_its_resources_all_or_nothing(cast: Cast) -> None:
    w = build_world(cast, publish=False)
    before = Resource.objects.count()
    # One bad row (capacity 0, an unknown area): nothing is written, each error named
    bad = _csv(
        [
            "资源名称,资源内容,类别,可服务社区数,服务区域编码",
            "税务志愿服务队,上门讲解政策,法律政策宣讲,2,",
            "困难群众帮扶,结对帮扶,困难帮扶,0,NOPE",
        ]
    )
    batch = import_run(actor=cast.unit_admin, kind="cobuild_resources", data=bad, filename="r.csv")
    assert batch.status == "invalid"
    columns = {(e["row"], e["column"]) for e in batch.errors}
    assert {(3, "可服务社区数"), (3, "服务区域编码")} <= columns
    assert Resource.objects.count() == before
    # Fixed: both rows go in, for the unit admin's own unit and the open campaign
    good = bad.replace(b",0,NOPE", b",1," + cast.qinghe.code.encode())
    batch = import_run(actor=cast.unit_admin, kind="cobuild_resources", data=good, filename="r.csv")
    assert batch.status == "committed", batch.errors
    new = Resource.objects.filter(campaign=w.campaign, title="困难群众帮扶").get()
    assert (new.unit, new.area, new.capacity) == (cast.tax, cast.qinghe, 1)


def test_a_community_imports_its_demands(cast: Cast) -> None:
    w = build_world(cast, publish=False)
    data = _csv(
        [
            "共建活动,社区编码,需求名称,需求内容,类别,优先级,期望完成时间",
            f"{w.campaign.name},{cast.chenhui.code},楼道照明改造,老楼楼道没有灯,老旧小区改造,高,2026-09-30",
            f"{w.campaign.name},{cast.xingguang.code},别人的需求,,,中,",
        ]
    )
    batch = import_run(
        actor=cast.community_secretary, kind="cobuild_demands", data=data, filename="d.csv"
    )
    assert batch.status == "invalid"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "社区编码")]
    data = b"\n".join(data.split(b"\n")[:2]) + b"\n"
    batch = import_run(
        actor=cast.community_secretary, kind="cobuild_demands", data=data, filename="d.csv"
    )
    assert batch.status == "committed", batch.errors
    demand = Demand.objects.get(title="楼道照明改造")
    assert (demand.community, demand.priority) == (cast.chenhui, "high")
