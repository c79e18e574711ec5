"""Stories of the grid app: households imported, cadres assigned, visits logged with an
issue passed on, coverage equal to a recount, personal fields masked and unmasked (audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.models import AuditLog, ImportBatch
from gongjian.grid import selectors, services
from gongjian.grid.models import Assignment, Household, Issue, Visit
from gongjian.grid.tests.helpers import csv_rows, households, import_households, visit
from gongjian.inspection import services as inspection_services
from gongjian.inspection.models import Finding
from gongjian.testing.cast import Cast


def test_households_import_all_or_nothing_and_personal_fields_encrypted(cast: Cast) -> None:
    g1 = cast.chenhui_grid1.code
    bad = import_households(
        cast,
        csv_rows(
            f"{g1},1,1,101,,张大爷,13800138001,,1,是,否,否",
            f"{g1},1,1,102,,李阿姨,1380013,,1,否,否,否",  # a broken phone
            f"{cast.xingguang_grid1.code},1,1,101,,外人,,,1,否,否,否",  # not the secretary's
            f"{g1},1,1,101,,重复,,,1,否,否,否",  # the first row's address again
        ),
    )
    assert bad.status == ImportBatch.Status.INVALID
    columns = {(e["row"], e["column"]) for e in bad.errors}
    assert (3, "户主电话") in columns
    assert (4, "网格编码") in columns
    assert (5, "房号") in columns
    assert Household.objects.count() == 0  # nothing written

    made = households(cast)
    assert len(made) == 6
    first = made[0]
    assert first.elderly_alone
    assert not first.hardship
    assert first.place == "1栋1单元101室"
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT head_phone FROM grid_household WHERE id = %s", [first.pk])
        stored = cur.fetchone()[0]
    assert "13800138001" not in stored  # encrypted at rest
    assert first.head_phone == "13800138001"


def test_unmask_is_audited_and_refused_for_outsiders(cast: Cast) -> None:
    first = households(cast)[0]
    value = services.household_unmask(
        actor=cast.grid_leader, household_id=first.public_id, field_name="head_phone", reason="回访"
    )
    assert value == "13800138001"
    entry = AuditLog.objects.filter(action="unmask", object_type="grid.household").latest("id")
    assert entry.success
    assert entry.changes == {"field": "head_phone"}
    with pytest.raises(NotFound):
        services.household_unmask(
            actor=cast.outsider, household_id=first.public_id, field_name="head_phone"
        )
    with pytest.raises(PermissionDenied):
        services.household_unmask(
            actor=cast.grid_leader, household_id=first.public_id, field_name="head_id_number"
        )
    assert AuditLog.objects.filter(action="unmask", success=False).count() == 1


def test_cadres_assigned_to_grids(cast: Cast) -> None:
    today = timezone.localdate()
    leader = services.assignment_create(
        actor=cast.community_secretary,
        grid_id=cast.chenhui_grid1.pk,
        member_id=cast.chenhui_resident.public_id,
        role="leader",
        starts_on=today,
    )
    assert leader.unit is None
    # The tax bureau sends its colleague down to the second grid of 晨辉社区
    sent = services.assignment_create(
        actor=cast.unit_admin,
        grid_id=cast.chenhui_grid2.pk,
        member_id=cast.tax_colleague.public_id,
        role="leader",  # a unit sends members down, whatever it asks
        starts_on=today,
        ends_on=today + dt.timedelta(days=90),
    )
    assert sent.role == Assignment.Role.SENT_DOWN
    assert sent.unit == cast.tax
    with pytest.raises(Conflict):
        services.assignment_create(
            actor=cast.unit_admin,
            grid_id=cast.chenhui_grid2.pk,
            member_id=cast.tax_colleague.public_id,
            role="sent_down",
            starts_on=today,
        )
    with pytest.raises(ValidationFailed) as err:
        services.assignment_create(
            actor=cast.unit_admin,
            grid_id=cast.chenhui_grid2.pk,
            member_id=cast.justice_member.public_id,
            role="sent_down",
            starts_on=today,
        )
    assert "member" in err.value.detail["fields"]
    with pytest.raises(ValidationFailed) as err:
        services.assignment_create(
            actor=cast.community_secretary,
            grid_id=cast.chenhui_grid1.pk,
            member_id=cast.member_record.public_id,
            role="leader",
            starts_on=today,
            ends_on=today - dt.timedelta(days=1),
        )
    assert "ends_on" in err.value.detail["fields"]
    assert Assignment.objects.count() == 2
    # the cadre sent down now sees the second grid's households, and not the first's
    colleague = cast.tax_colleague
    from gongjian.testing.cast import make_user

    colleague.user = make_user("colleague")
    colleague.save()
    houses = households(cast)
    seen = set(selectors.household_list(actor=colleague.user).values_list("pk", flat=True))
    assert seen == {h.pk for h in houses if h.grid_id == cast.chenhui_grid2.pk}
    services.assignment_end(actor=cast.unit_admin, assignment_id=sent.pk, ends_on=today)
    sent.refresh_from_db()
    assert sent.ends_on == today


def test_visits_logged_and_an_issue_passed_on_as_a_finding(cast: Cast) -> None:
    houses = households(cast)
    v = visit(
        cast, houses[0], issues=[("hazard", "楼道堆放杂物，消防通道堵塞"), ("need", "需要助餐")]
    )
    assert v.visitor is None  # the grid leader of the cast has no member record
    assert v.issues.count() == 2
    # a new household met on the way
    v2 = services.visit_log(
        actor=cast.grid_leader,
        grid_id=cast.chenhui_grid1.pk,
        new_household={"head_name": "新住户", "building": "3", "room": "301"},
    )
    assert v2.household.grid == cast.chenhui_grid1
    # bad input: nothing written
    before = Visit.objects.count()
    with pytest.raises(ValidationFailed) as err:
        visit(cast, houses[1], issues=[("fire", "着火")])
    assert "issue_kind" in err.value.detail["fields"]
    with pytest.raises(ValidationFailed):
        visit(cast, houses[1], visited_on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(NotFound):
        visit(cast, houses[0], actor=cast.outsider)
    assert Visit.objects.count() == before

    # the district's inspection takes the hazard as a finding for 晨辉社区
    today = timezone.localdate()
    inspection = inspection_services.inspection_create(
        actor=cast.district_admin,
        kind="check",
        subject="消防安全检查",
        led_by="district",
        starts_on=today,
        ends_on=today,
    )
    hazard = v.issues.get(kind="hazard")
    with pytest.raises(ValidationFailed):
        services.issue_pass(actor=cast.district_admin, issue_id=hazard.public_id, to="finding")
    passed = services.issue_pass(
        actor=cast.district_admin,
        issue_id=hazard.public_id,
        to="finding",
        target_id=inspection.public_id,
    )
    finding = Finding.objects.get(public_id=passed.passed_ref)
    assert finding.responsible_area == cast.chenhui
    assert finding.category == "safety"
    assert passed.status == Issue.Status.PASSED
    with pytest.raises(Conflict):
        services.issue_pass(
            actor=cast.district_admin,
            issue_id=hazard.public_id,
            to="finding",
            target_id=inspection.public_id,
        )
    # a suggestion goes through the handler another app registers (consult registers one)
    need = v.issues.get(kind="need")
    registered = dict(services._HANDLERS)
    services._HANDLERS.pop("suggestion", None)
    try:
        with pytest.raises(Conflict):
            services.issue_pass(
                actor=cast.community_secretary, issue_id=need.public_id, to="suggestion"
            )
        services.pass_handler_register("suggestion", lambda actor, issue, target: "S-1")
        done = services.issue_pass(
            actor=cast.community_secretary, issue_id=need.public_id, to="suggestion"
        )
        assert done.passed_ref == "S-1"
    finally:
        services._HANDLERS.clear()
        services._HANDLERS.update(registered)


def test_coverage_equals_a_recount(cast: Cast) -> None:
    houses = households(cast)
    today = timezone.localdate()
    visit(cast, houses[0])
    visit(cast, houses[0])  # twice: one household
    visit(cast, houses[1], issues=[("dispute", "邻里噪音纠纷")])
    visit(
        cast, houses[4], actor=cast.community_secretary, visited_on=today - dt.timedelta(days=400)
    )  # outside the year
    rows = {r.grid_id: r for r in selectors.coverage_rows(actor=cast.community_secretary)}
    start = today - dt.timedelta(days=364)
    for grid_id, row in rows.items():
        in_grid = [h for h in houses if h.grid_id == grid_id]
        visited = {
            v.household_id for v in Visit.objects.filter(grid_id=grid_id, visited_on__gte=start)
        }
        assert row.households == len(in_grid)
        assert row.visited == len(visited)
    g1 = rows[cast.chenhui_grid1.pk]
    assert (g1.households, g1.visited, g1.visits, g1.issues) == (4, 2, 3, 1)
    assert rows[cast.chenhui_grid2.pk].visited == 0
    # 独居老人 monthly: one of two visited
    elderly = {
        r.grid_id: r
        for r in selectors.coverage_rows(actor=cast.community_secretary, flag="elderly_alone")
    }
    assert (elderly[cast.chenhui_grid1.pk].households, elderly[cast.chenhui_grid1.pk].visited) == (
        1,
        1,
    )
    assert elderly[cast.chenhui_grid2.pk].rate == 0
    chase = selectors.coverage_rows(actor=cast.community_secretary, behind=True)
    assert next(r.grid_id for r in chase) == cast.chenhui_grid2.pk
    # the other community's secretary sees none of it; the district sees it all
    assert cast.xingguang_grid1.pk not in rows
    district = {r.grid_id for r in selectors.coverage_rows(actor=cast.district_admin)}
    assert {cast.chenhui_grid1.pk, cast.chenhui_grid2.pk, cast.xingguang_grid1.pk} <= district


def test_pages_and_api(cast: Cast) -> None:
    houses = households(cast)
    visit(cast, houses[0], issues=[("hazard", "电线老化")])
    client = Client()
    client.force_login(cast.grid_leader)
    page = client.get(reverse("grid:household_list"))
    assert page.status_code == 200
    assert "张大爷" in page.content.decode()
    assert "13800138001" not in page.content.decode()
    assert "138****8001" in page.content.decode()
    cov = client.get(reverse("grid:coverage"))
    assert cov.status_code == 200
    assert "晨辉社区第一网格" in cov.content.decode()
    export = client.get(reverse("grid:household_export"))
    assert export.status_code == 200
    form = client.post(
        reverse("grid:visit_create"),
        {
            "household": str(houses[1].public_id),
            "met": "李阿姨",
            "issue_kind": ["need"],
            "issue": ["申请低保"],
        },
    )
    assert form.status_code == 302
    assert Issue.objects.filter(description="申请低保").exists()
    api = client.get("/api/v1/grid/households")
    assert api.status_code == 200
    body = api.json()
    assert body["count"] == 4
    assert all("*" in h["head_phone"] or not h["head_phone"] for h in body["items"])
    bad = client.post(
        "/api/v1/grid/visits",
        {"household_id": str(houses[1].public_id), "issues": [{"kind": "x", "description": "y"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "issue_kind" in bad.json()["detail"]["fields"]


def test_figures_count_the_lists_they_link_to(cast: Cast) -> None:
    from gongjian.core.figures import Scope
    from gongjian.core.periods import Period
    from gongjian.grid import figures

    houses = households(cast)
    visit(cast, houses[0], issues=[("hazard", "电线老化")])
    visit(cast, houses[0])
    visit(cast, houses[1])
    today = timezone.localdate()
    period = Period(start=today.replace(day=1), end=today)
    scope = Scope(area_id=cast.chenhui.pk, area_path=cast.chenhui.path, area_kind="community")
    got = {f.key: f for f in figures.figures(actor=cast.district_admin, scope=scope, period=period)}
    assert got["grid.households"].value == 6
    assert got["grid.visits"].value == 3
    assert got["grid.households_visited"].value == 2
    assert got["grid.issues"].value == 1
    client = Client()
    client.force_login(cast.district_admin)
    listed = client.get(got["grid.visits"].url.replace("/grid/visits/", "/api/v1/grid/visits"))
    assert listed.json()["count"] == 3
    assert (
        figures.figures(actor=cast.district_admin, scope=Scope(unit_id=cast.tax.pk), period=period)
        == []
    )


def test_an_issue_passed_on_as_a_co_building_demand(cast: Cast) -> None:
    from gongjian.cobuild import services as cobuild_services
    from gongjian.cobuild.models import Demand

    today = timezone.localdate()
    campaign = cobuild_services.campaign_create(
        actor=cast.district_admin,
        district=cast.district,
        name="2026年度直联共建",
        year=2026,
        lists_due=today + dt.timedelta(days=10),
        preferences_due=today + dt.timedelta(days=20),
        signing_due=today + dt.timedelta(days=40),
    )
    houses = households(cast)
    v = visit(cast, houses[0], issues=[("need", "老人希望社区提供助餐服务")])
    need = v.issues.get()
    passed = services.issue_pass(
        actor=cast.community_secretary, issue_id=need.public_id, to="demand", target_id=campaign.pk
    )
    demand = Demand.objects.get(pk=int(passed.passed_ref))
    assert demand.community == cast.chenhui
    assert "助餐" in demand.title
    assert passed.passed_to == "demand"
