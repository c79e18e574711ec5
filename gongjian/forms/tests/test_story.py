"""Stories of the forms app, by role: the district designs a monthly return for every
community, the communities fill it with the platform's figures already in, one is late and
chased, one is sent back and corrected, the street approves its communities, the district
the street's total; the totals are the approved returns' and the sourced fields the figures
functions' values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.figures import Scope
from gongjian.core.periods import Period
from gongjian.forms import schedule, selectors, services
from gongjian.forms.models import Answer, Field, Return
from gongjian.forms.tests.helpers import monthly_form, this_month
from gongjian.orgs.models import Notice
from gongjian.reporting import figures as reporting_figures
from gongjian.reporting import services as reporting_services
from gongjian.testing.cast import Cast, make_member


def _return(rnd_id: int, area_id: int) -> Return:
    return Return.objects.get(round_id=rnd_id, area_id=area_id)


def _report_to_chenhui(c: Cast) -> None:
    """The cast's member reports to 晨辉社区 and its secretary confirms."""
    report = reporting_services.member_report_submit(
        actor=c.member, community=c.chenhui, grid=c.chenhui_grid1
    )
    reporting_services.member_report_confirm(actor=c.community_secretary, report=report.public_id)


def test_periods_and_due_days_on_the_chinese_calendar() -> None:
    p = schedule.period_containing("quarterly", dt.date(2026, 8, 17))
    assert (p.start, p.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert schedule.label("quarterly", p) == "2026年第3季度"
    assert (
        schedule.label(
            "half_yearly", schedule.period_containing("half_yearly", dt.date(2026, 2, 1))
        )
        == "2026年上半年"
    )
    # September's return is due on 5 October, inside the National Day holiday: moved on
    sept = schedule.period_containing("monthly", dt.date(2026, 9, 3))
    assert schedule.due_on(sept, 5) == dt.date(2026, 10, 8)
    # November's on 5 December 2026, a Saturday: the Monday after
    assert schedule.due_on(
        schedule.period_containing("monthly", dt.date(2026, 11, 3)), 5
    ) == dt.date(2026, 12, 7)


def test_the_whole_story(cast: Cast) -> None:
    c = cast
    _report_to_chenhui(c)
    make_member("晨辉书记", c.chenhui_org, user=c.community_secretary, in_service=False)
    form = monthly_form(c)
    rnd = this_month(c, form)
    # Every community owes a return; units owe none.
    assert set(Return.objects.filter(round=rnd).values_list("area_id", flat=True)) == {
        c.chenhui.pk,
        c.xingguang.pk,
    }
    chenhui = _return(rnd.pk, c.chenhui.pk)

    # The secretary opens the return: the sourced fields are the figures functions' values.
    client = Client()
    client.force_login(c.community_secretary)
    page = client.get(reverse("forms:return_detail", args=[chenhui.public_id]))
    assert page.status_code == 200
    period = Period(rnd.start, rnd.end)
    figures = {
        f.key: f.value
        for f in reporting_figures.figures(
            actor=c.community_secretary,
            scope=Scope(area_id=c.chenhui.pk, area_path=c.chenhui.path, area_kind="community"),
            period=period,
        )
    }
    assert figures["reporting.reports_received"] == 1
    assert 'value="1"' in page.content.decode()  # prefilled

    # A value of the wrong type: named, nothing written.
    with pytest.raises(ValidationFailed) as bad:
        services.return_save(
            actor=c.community_secretary, return_id=chenhui.public_id, values={"in_service": "很多"}
        )
    assert "辖区在职党员" in bad.value.message
    assert "in_service" in bad.value.detail["fields"]
    assert not Answer.objects.filter(ret=chenhui).exists()
    # A computed figure changed without a reason: refused.
    with pytest.raises(ValidationFailed, match="修改时请填写原因"):
        services.return_save(
            actor=c.community_secretary,
            return_id=chenhui.public_id,
            values={"received": "3", "in_service": "5"},
        )
    # A failed rule at submission: named, the return stays a draft.
    services.return_save(
        actor=c.community_secretary,
        return_id=chenhui.public_id,
        values={"in_service": "5", "note": "开展楼道清洁"},
    )
    chenhui.refresh_from_db()
    assert chenhui.status == "draft"
    with pytest.raises(ValidationFailed) as rule:
        services.return_save(
            actor=c.community_secretary,
            return_id=chenhui.public_id,
            values={"received": "9"},
            reasons={"received": "含线下报到"},
            submit=True,
        )
    assert "校验未通过" in rule.value.message
    assert "received" in rule.value.detail["fields"]
    chenhui.refresh_from_db()
    assert chenhui.status == "draft"

    # Submitted through the page: on time, the computed figure frozen.
    response = client.post(
        reverse("forms:return_detail", args=[chenhui.public_id]),
        {
            "received": "1",
            "activities": "0",
            "person_times": "0",
            "in_service": "4",
            "note": "开展楼道清洁",
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    chenhui.refresh_from_db()
    assert chenhui.status == "submitted"
    assert chenhui.on_time is True
    answers = {a.field.code: a for a in Answer.objects.filter(ret=chenhui).select_related("field")}
    assert answers["received"].number == 1
    assert answers["received"].computed == 1
    assert answers["rate"].number == Decimal("25.0000")
    # Submitted: the filler can no longer change it.
    with pytest.raises(Conflict):
        services.return_save(
            actor=c.community_secretary, return_id=chenhui.public_id, values={"in_service": "6"}
        )

    # Not assigned: 星光社区's return is not the secretary's to fill.
    xingguang = _return(rnd.pk, c.xingguang.pk)
    with pytest.raises(NotFound):
        services.return_save(
            actor=c.community_secretary, return_id=xingguang.public_id, values={"in_service": "3"}
        )
    with pytest.raises(NotFound):  # nor the unit administrator's
        services.return_save(
            actor=c.unit_admin, return_id=xingguang.public_id, values={"in_service": "3"}
        )

    # The community cannot approve its own return; its street sends it back with a reason.
    with pytest.raises(NotFound):
        services.return_approve(actor=c.community_secretary, return_id=chenhui.public_id)
    with pytest.raises(ValidationFailed, match="退回原因"):
        services.return_send_back(actor=c.street_admin, return_id=chenhui.public_id, reason=" ")
    services.return_send_back(
        actor=c.street_admin, return_id=chenhui.public_id, reason="在职党员数与台账不符"
    )
    chenhui.refresh_from_db()
    assert chenhui.status == "returned"
    assert chenhui.times_returned == 1
    html = client.get(reverse("forms:return_detail", args=[chenhui.public_id])).content.decode()
    assert "在职党员数与台账不符" in html
    # Corrected and submitted again, then approved by the street.
    services.return_save(
        actor=c.community_secretary,
        return_id=chenhui.public_id,
        values={"in_service": "2"},
        submit=True,
    )
    services.return_approve(actor=c.street_admin, return_id=chenhui.public_id)
    chenhui.refresh_from_db()
    assert chenhui.status == "approved"
    assert chenhui.on_time is True
    # Approved: locked for the filler.
    with pytest.raises(Conflict):
        services.return_save(
            actor=c.community_secretary, return_id=chenhui.public_id, values={"in_service": "3"}
        )

    # 星光社区 is late: the due day passes, the district chases it.
    rnd.due_on = timezone.localdate() - dt.timedelta(days=1)
    rnd.save()
    chase = selectors.chase_list(actor=c.district_admin, round=rnd.pk)
    assert [r.area_id for r in chase] == [c.xingguang.pk]
    xg_secretary = make_member("星光书记", c.xingguang_org, in_service=False)
    from gongjian.orgs.models import RoleAssignment
    from gongjian.testing.cast import make_user

    user = make_user("xgsecretary", "星光社区书记")
    xg_secretary.user = user
    xg_secretary.save()
    RoleAssignment.objects.create(user=user, role="community_admin", area=c.xingguang)
    with pytest.raises(NotFound):  # only the form's designers chase
        services.chase_remind(actor=c.community_secretary, round_id=rnd.pk)
    assert services.chase_remind(actor=c.district_admin, round_id=rnd.pk) == 1
    assert Notice.objects.filter(member=xg_secretary, kind="forms.reminder").count() == 1
    services.chase_remind(actor=c.district_admin, round_id=rnd.pk)  # once a day
    assert Notice.objects.filter(member=xg_secretary, kind="forms.reminder").count() == 1
    services.return_save(
        actor=user, return_id=xingguang.public_id, values={"in_service": "7"}, submit=True
    )
    xingguang.refresh_from_db()
    assert xingguang.on_time is False

    # Roll-up before the district approves 星光: the total is the approved returns' only.
    fields = selectors.fields_of(form, rnd.version)
    by_code = {f.code: f.pk for f in fields}
    tally, _children = selectors.rollup(rnd=rnd, path=c.district.path, fields=fields)
    assert (tally.expected, tally.received, tally.on_time, tally.approved) == (2, 2, 1, 1)
    assert tally.completeness == Decimal("100.0")
    assert tally.timeliness == Decimal("50.0")
    assert tally.totals[by_code["in_service"]] == 2
    # The street's total cannot be approved while one of its returns is not; 青禾's can.
    services.return_approve(actor=c.district_admin, return_id=xingguang.public_id)
    services.street_review(
        actor=c.district_admin, round_id=rnd.pk, area_id=c.qinghe.pk, approve=True
    )
    with pytest.raises(NotFound):  # the street does not approve its own total
        services.street_review(
            actor=c.street_admin, round_id=rnd.pk, area_id=c.qinghe.pk, approve=True
        )
    # Once the district approved 青禾's total, the street cannot reopen 晨辉 alone.
    with pytest.raises(Conflict, match="汇总已由上级审核"):
        services.return_send_back(
            actor=c.street_admin, return_id=chenhui.public_id, reason="再核对"
        )

    # The district total equals the sum of the approved returns.
    tally, children = selectors.rollup(
        rnd=rnd,
        path=c.district.path,
        fields=fields,
        children=[(c.qinghe.pk, c.qinghe.path), (c.donghu.pk, c.donghu.path)],
    )
    approved = Answer.objects.filter(
        ret__round=rnd, ret__status="approved", field_id=by_code["in_service"]
    )
    assert tally.totals[by_code["in_service"]] == sum(a.number or 0 for a in approved) == 9
    assert tally.totals[by_code["received"]] == 1
    # The percentage is the recomputed ratio (1 ÷ 9), not the average of 50% and 0%.
    assert tally.totals[by_code["rate"]] == Decimal("11.1")
    assert [t.totals[by_code["in_service"]] for _k, t in children] == [2, 7]

    # The street sees its own subtree only; the district page shows both streets.
    district = Client()
    district.force_login(c.district_admin)
    board = district.get(reverse("forms:round_detail", args=[rnd.pk])).content.decode()
    assert "青禾街道" in board
    assert "东湖街道" in board
    assert "50.0%" in board
    street = Client()
    street.force_login(c.street_admin)
    assert (
        street.get(
            reverse("forms:round_detail", args=[rnd.pk]) + f"?area={c.donghu.pk}"
        ).status_code
        == 404
    )
    # The export: a row per filler, a column per field, the street totals.
    sheet = district.get(reverse("forms:round_export", args=[rnd.pk]))
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(sheet.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("填报单位", "所属街道", "状态", "报送时间", "按时")
    assert "辖区在职党员（人）" in rows[0]
    names = [r[0] for r in rows[1:]]
    assert "晨辉社区" in names
    assert "星光社区" in names
    assert "青禾街道合计（已审核）" in names
    col = rows[0].index("辖区在职党员（人）")
    assert next(r for r in rows if r[0] == "晨辉社区")[col] == 2

    # A field's history: the district sees both communities, 晨辉's secretary only its own.
    in_service_id = by_code["in_service"]
    _f, history = selectors.field_history(
        actor=c.district_admin, form=form, field_id=in_service_id, area=None
    )
    assert [v for _r, v in history] == [9]
    _f, history = selectors.field_history(
        actor=c.community_secretary, form=form, field_id=in_service_id, area=None
    )
    assert [v for _r, v in history] == [2]
    # Locking the round: no more returns sent back.
    services.round_lock(actor=c.district_admin, round_id=rnd.pk)
    with pytest.raises(Conflict, match="已锁定"):
        services.return_send_back(
            actor=c.district_admin, return_id=xingguang.public_id, reason="再核对"
        )


def test_reopening_an_approved_return_is_audited_and_uncounts_it(cast: Cast) -> None:
    from gongjian.core.models import AuditLog

    c = cast
    form = monthly_form(c, levels=1)
    rnd = this_month(c, form)
    ret = _return(rnd.pk, c.chenhui.pk)
    services.return_save(
        actor=c.community_secretary,
        return_id=ret.public_id,
        values={"in_service": "3"},
        submit=True,
    )
    services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    fields = selectors.fields_of(form, rnd.version)
    in_service = next(f for f in fields if f.code == "in_service")
    assert (
        selectors.rollup(rnd=rnd, path=c.district.path, fields=fields)[0].totals[in_service.pk] == 3
    )
    services.return_send_back(
        actor=c.district_admin, return_id=ret.public_id, reason="数据有误，重新打开"
    )
    assert (
        in_service.pk
        not in selectors.rollup(rnd=rnd, path=c.district.path, fields=fields)[0].totals
    )
    entry = AuditLog.objects.filter(
        object_type__icontains="return", reason="数据有误，重新打开"
    ).first()
    assert entry is not None
    assert entry.changes["reopened"] is True


def test_a_change_of_design_applies_from_the_next_period(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    rnd = this_month(c, form)
    services.field_add(
        actor=c.district_admin,
        form_id=form.public_id,
        code="households",
        label="入户走访",
        kind="integer",
    )
    services.field_remove(actor=c.district_admin, form_id=form.public_id, code="note")
    form.refresh_from_db()
    assert form.version == rnd.version + 1
    old = {f.code for f in selectors.fields_of(form, rnd.version)}
    new = {f.code for f in selectors.fields_of(form, form.version)}
    assert "note" in old
    assert "households" not in old
    assert "households" in new
    assert "note" not in new
    # The open round keeps its version: the new field is not in its returns.
    ret = _return(rnd.pk, c.chenhui.pk)
    with pytest.raises(ValidationFailed, match="households"):
        services.return_save(
            actor=c.community_secretary, return_id=ret.public_id, values={"households": "3"}
        )


def test_only_districts_and_streets_design_and_bad_design_is_named(cast: Cast) -> None:
    c = cast
    with pytest.raises(PermissionDenied):
        services.form_create(
            actor=c.community_secretary, title="x", frequency="monthly", fillers="communities"
        )
    with pytest.raises(ValidationFailed) as bad:
        services.form_create(
            actor=c.district_admin, title="季报", frequency="weekly", fillers="units"
        )
    assert "frequency" in bad.value.detail["fields"]
    form = services.form_create(
        actor=c.street_admin, title="青禾街道月报", frequency="monthly", fillers="communities"
    )
    assert form.owner == c.qinghe
    with pytest.raises(ValidationFailed, match="不是平台的指标"):
        services.field_add(
            actor=c.street_admin,
            form_id=form.public_id,
            code="x",
            label="某指标",
            kind="integer",
            source="nothing.here",
        )
    with pytest.raises(ValidationFailed, match="只有数字类字段"):
        services.field_add(
            actor=c.street_admin,
            form_id=form.public_id,
            code="x",
            label="某指标",
            kind="text",
            source="service.activities",
        )
    with pytest.raises(NotFound):  # the district's form is not the street's to change
        services.field_add(
            actor=c.street_admin,
            form_id=monthly_form(c).public_id,
            code="y",
            label="y",
            kind="integer",
        )
    with pytest.raises(Conflict, match="未启用"):
        services.round_open(actor=c.street_admin, form_id=form.public_id, day=timezone.localdate())
    # A street's form goes to its own communities only.
    services.field_add(
        actor=c.street_admin, form_id=form.public_id, code="n", label="n", kind="integer"
    )
    services.form_set_status(actor=c.street_admin, form_id=form.public_id, status="active")
    rnd = services.round_open(
        actor=c.street_admin, form_id=form.public_id, day=timezone.localdate()
    )
    assert list(Return.objects.filter(round=rnd).values_list("area_id", flat=True)) == [
        c.chenhui.pk
    ]
    with pytest.raises(Conflict, match="已经下发"):
        services.round_open(actor=c.street_admin, form_id=form.public_id, day=timezone.localdate())


def test_a_quarterly_return_for_units_is_approved_by_the_district(cast: Cast) -> None:
    c = cast
    form = services.form_create(
        actor=c.district_admin, title="党建季报", frequency="quarterly", fillers="units"
    )
    services.field_add(
        actor=c.district_admin,
        form_id=form.public_id,
        code="sessions",
        label="召开学习活动",
        kind="integer",
        source="study.sessions_held",
    )
    services.field_add(
        actor=c.district_admin,
        form_id=form.public_id,
        code="brand",
        label="创建党建品牌",
        kind="yesno",
        required=True,
    )
    services.field_add(
        actor=c.district_admin,
        form_id=form.public_id,
        code="level",
        label="自评等级",
        kind="choice",
        choices="好\n较好\n一般",
    )
    services.form_set_status(actor=c.district_admin, form_id=form.public_id, status="active")
    rnd = services.round_open(
        actor=c.district_admin, form_id=form.public_id, day=timezone.localdate()
    )
    ret = Return.objects.get(round=rnd, unit=c.tax)
    assert selectors.return_list(actor=c.unit_admin, mine=True).get() == ret
    with pytest.raises(ValidationFailed, match="请填写创建党建品牌"):
        services.return_save(actor=c.unit_admin, return_id=ret.public_id, values={}, submit=True)
    with pytest.raises(ValidationFailed, match="请选择有效的自评等级"):
        services.return_save(
            actor=c.unit_admin, return_id=ret.public_id, values={"brand": "是", "level": "极好"}
        )
    services.return_save(
        actor=c.unit_admin,
        return_id=ret.public_id,
        values={"brand": "是", "level": "好"},
        submit=True,
    )
    with pytest.raises(NotFound):
        services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    services.return_approve(actor=c.district_admin, return_id=ret.public_id)
    fields = selectors.fields_of(form, rnd.version)
    brand = next(f for f in fields if f.code == "brand")
    tally, children = selectors.rollup(
        rnd=rnd, path=c.district.path, fields=fields, children=[("units", f"{c.district.path}#")]
    )
    assert tally.expected == 2
    assert tally.totals[brand.pk] == 1
    assert children[0][1].approved == 1
    assert Field.objects.filter(form=form).count() == 3


def test_the_api_fills_and_refuses_as_the_page_does(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    rnd = this_month(c, form)
    ret = _return(rnd.pk, c.chenhui.pk)
    api = Client()
    api.force_login(c.community_secretary)
    url = f"/api/v1/forms/returns/{ret.public_id}"
    bad = api.post(url, {"values": {"in_service": "-1"}}, content_type="application/json")
    assert bad.status_code == 400
    assert "in_service" in bad.json()["detail"]["fields"]
    for value in ("1e20", [1], {"a": 1}, "NaN"):  # too large, not a number: named, not a 500
        huge = api.post(url, {"values": {"in_service": value}}, content_type="application/json")
        assert huge.status_code == 400, value
        assert "in_service" in huge.json()["detail"]["fields"]
    ok = api.post(
        url, {"values": {"in_service": "4"}, "submit": True}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "submitted"
    assert {a["code"]: a["value"] for a in ok.json()["answers"]}["in_service"] in ("4.0000", 4, "4")
    street = Client()
    street.force_login(c.street_admin)
    assert street.post(f"{url}/approve").status_code == 200
    rollup = street.get(f"/api/v1/forms/rounds/{rnd.pk}/rollup").json()
    assert rollup["approved"] == 1
    assert rollup["node_id"] == c.qinghe.pk
    outsider = Client()
    outsider.force_login(c.outsider)
    assert outsider.get(url).status_code == 404


def test_lists_and_the_round_page_send_as_many_queries_for_many_rows_as_for_few(
    cast: Cast,
) -> None:
    from gongjian.testing.queries import page_queries

    c = cast
    form = monthly_form(c, levels=1)
    rnd = this_month(c, form)
    client = Client()
    client.force_login(c.district_admin)
    urls = [
        reverse("forms:form_list"),
        reverse("forms:return_list"),
        reverse("forms:round_detail", args=[rnd.pk]),
        reverse("forms:chase_list", args=[rnd.pk]),
        reverse("forms:round_export", args=[rnd.pk]),
    ]
    one = [page_queries(client, u) for u in urls]
    from gongjian.testing.cast import make_area

    for k in range(5):
        make_area(f"SF020{k + 2}", f"新社区{k}", "community", c.donghu)
    services.round_open(
        actor=c.district_admin, form_id=form.public_id, day=rnd.start - dt.timedelta(days=1)
    )
    rnd2 = this_month(c, monthly_form(c, levels=1))
    urls2 = [*urls[:2], *(u.replace(f"/{rnd.pk}/", f"/{rnd2.pk}/") for u in urls[2:])]
    assert [page_queries(client, u) for u in urls2] == one


def test_the_apps_figures_count_the_returns_of_the_scope(cast: Cast) -> None:
    from gongjian.forms import figures

    c = cast
    form = monthly_form(c, levels=1)
    rnd = this_month(c, form)
    ret = _return(rnd.pk, c.chenhui.pk)
    services.return_save(
        actor=c.community_secretary,
        return_id=ret.public_id,
        values={"in_service": "3"},
        submit=True,
    )
    period = Period(rnd.start, rnd.end)

    def values(scope: Scope) -> dict[str, object]:
        got = figures.figures(actor=c.district_admin, scope=scope, period=period)
        return {f.key: f.value for f in got}

    district = values(Scope(area_id=c.district.pk, area_path=c.district.path))
    assert district["forms.returns_expected"] == 2
    assert district["forms.returns_received"] == 1
    assert district["forms.returns_on_time"] == 1
    chenhui = values(Scope(area_id=c.chenhui.pk, area_path=c.chenhui.path))
    assert chenhui["forms.returns_expected"] == 1
    donghu = values(Scope(area_id=c.donghu.pk, area_path=c.donghu.path))
    assert donghu["forms.returns_received"] == 0
    url = figures.figures(actor=c.district_admin, scope=Scope(area_id=c.chenhui.pk), period=period)[
        0
    ].url
    client = Client()
    client.force_login(c.district_admin)
    assert client.get(url).status_code == 200
