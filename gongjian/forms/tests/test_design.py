"""Designing a form over time: fields and rules added, edited, reordered and removed on the
page, each change applying from the next period while past returns keep their version; who
fills (every party organisation of a kind); the levels of approval; and separation of duties
(whoever submitted does not approve)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import Conflict, PermissionDenied, ValidationFailed
from gongjian.forms import selectors, services
from gongjian.forms.models import Field, Form, Return, Round, Rule
from gongjian.forms.tests.helpers import monthly_form, this_month
from gongjian.testing.cast import Cast, make_org, make_user


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _previous(c: Cast, form: Form, rnd: Round) -> Round:
    """The round of the month before `rnd`, opened now (with the form's current version)."""
    return services.round_open(
        actor=c.district_admin, form_id=form.public_id, day=rnd.start - dt.timedelta(days=1)
    )


def test_changes_on_the_page_apply_from_the_next_period(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    old = this_month(c, form)
    assert old.version == 1
    ret = Return.objects.get(round=old, area=c.chenhui)
    services.return_save(
        actor=c.community_secretary,
        return_id=ret.public_id,
        values={"in_service": "5", "note": "结对共建"},
        submit=True,
    )
    services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    district = _client(c.district_admin)
    page = district.get(reverse("forms:form_detail", args=[form.public_id])).content.decode()
    assert "第1版已有报告期使用" in page
    # Removal asks first.
    assert "确定删除字段“工作亮点”" in page
    base = f"/forms/f/{form.public_id}/"
    # Edit a field's label, unit and required; move it up; remove another; edit and remove rules.
    answer = district.post(
        reverse("forms:field_edit", args=[form.public_id]),
        {"code": "in_service", "label": "在职党员总数", "measure": "名", "minimum": "0"},
        HTTP_REFERER=base,
    )
    assert answer.status_code == 302
    form.refresh_from_db()
    assert form.version == 2
    district.post(
        reverse("forms:field_move", args=[form.public_id]),
        {"code": "in_service", "direction": "up"},
        HTTP_REFERER=base,
    )
    district.post(
        reverse("forms:field_remove", args=[form.public_id]), {"code": "note"}, HTTP_REFERER=base
    )
    le, ge = list(form.rules.filter(until__isnull=True).order_by("id"))
    district.post(
        reverse("forms:rule_edit", args=[form.public_id]),
        {"rule": str(ge.pk), "left": "in_service", "op": "gte", "constant": "1", "message": ""},
        HTTP_REFERER=base,
    )
    district.post(
        reverse("forms:rule_remove", args=[form.public_id]),
        {"rule": str(le.pk)},
        HTTP_REFERER=base,
    )
    form.refresh_from_db()
    assert form.version == 2  # every change of one sitting goes into the same next version

    # The past round keeps version 1: its fields, labels, order and rules.
    v1 = selectors.fields_of(form, 1)
    v2 = selectors.fields_of(form, 2)
    assert [f.code for f in v1] == [
        "received",
        "activities",
        "person_times",
        "in_service",
        "note",
        "rate",
    ]
    assert [f.code for f in v2] == ["received", "activities", "in_service", "person_times", "rate"]
    assert next(f for f in v1 if f.code == "in_service").label == "辖区在职党员"
    new_in_service = next(f for f in v2 if f.code == "in_service")
    assert (new_in_service.label, new_in_service.measure) == ("在职党员总数", "名")
    # The ratio follows the new field into version 2, the old one stays with version 1.
    rate2 = next(f for f in v2 if f.code == "rate")
    assert rate2.denominator_id == new_in_service.pk
    assert next(f for f in v1 if f.code == "rate").denominator.code == "in_service"  # type: ignore[union-attr]
    assert len(selectors.rules_of(form, 1)) == 2
    rules2 = selectors.rules_of(form, 2)
    assert [(r.left_id, r.op, r.constant) for r in rules2] == [
        (new_in_service.pk, "gte", Decimal("1"))
    ]
    # The past return renders with its version.
    secretary = _client(c.community_secretary)
    past = secretary.get(reverse("forms:return_detail", args=[ret.public_id])).content.decode()
    assert "第1版" in past
    assert "辖区在职党员" in past
    assert "在职党员总数" not in past
    assert "结对共建" in past
    printed = secretary.get(reverse("forms:return_print", args=[ret.public_id])).content.decode()
    assert "工作亮点" in printed

    # The next round uses version 2.
    new = _previous(c, form, old)
    assert new.version == 2
    fresh = Return.objects.get(round=new, area=c.chenhui)
    page = secretary.get(reverse("forms:return_detail", args=[fresh.public_id])).content.decode()
    assert "第2版" in page
    assert "在职党员总数（名）" in page
    assert "工作亮点" not in page
    assert page.index("在职党员总数") < page.index("参与人次")
    with pytest.raises(ValidationFailed, match="note"):
        services.return_save(
            actor=c.community_secretary, return_id=fresh.public_id, values={"note": "x"}
        )
    # Version 2's rule: at least 1 in service; version 1's ≤ rule is gone.
    with pytest.raises(ValidationFailed, match="在职党员总数应≥1"):
        services.return_save(
            actor=c.community_secretary,
            return_id=fresh.public_id,
            values={"in_service": "0"},
            submit=True,
        )
    services.return_save(
        actor=c.community_secretary,
        return_id=fresh.public_id,
        values={"in_service": "2"},
        submit=True,
    )
    services.return_approve(actor=c.street_admin, return_id=fresh.public_id)
    # The history follows the field by its code across versions, oldest period first.
    _f, history = selectors.field_history(
        actor=c.district_admin, form=form, field_id=new_in_service.pk, area=None
    )
    assert [(r.pk, v) for r, v in history] == [(new.pk, Decimal(2)), (old.pk, Decimal(5))]
    # The API shows the same design.
    api = district.get(f"/api/v1/forms/forms/{form.public_id}/fields").json()
    assert [f["code"] for f in api] == [
        "received",
        "activities",
        "in_service",
        "person_times",
        "rate",
    ]


def test_changes_before_any_round_stay_in_the_first_version(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    note = form.fields.get(code="note")
    services.field_edit(
        actor=c.district_admin, form_id=form.public_id, code="note", label="亮点", required=True
    )
    services.field_move(
        actor=c.district_admin, form_id=form.public_id, code="note", direction="down"
    )
    form.refresh_from_db()
    assert form.version == 1
    note.refresh_from_db()
    assert (note.label, note.required, note.since, note.until) == ("亮点", True, 1, None)
    assert Field.objects.filter(form=form, code="note").count() == 1
    assert [f.code for f in selectors.fields_of(form)][-2:] == ["rate", "note"]
    rule = form.rules.first()
    assert rule is not None
    services.rule_remove(actor=c.district_admin, form_id=form.public_id, rule_id=rule.pk)
    assert not Rule.objects.filter(pk=rule.pk).exists()  # never used: gone


def test_bad_design_changes_are_named_and_write_nothing(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    this_month(c, form)
    fid = form.public_id
    with pytest.raises(ValidationFailed) as bad:
        services.field_edit(actor=c.district_admin, form_id=fid, code="in_service", label=" ")
    assert "label" in bad.value.detail["fields"]
    with pytest.raises(ValidationFailed) as bad:
        services.field_edit(
            actor=c.district_admin,
            form_id=fid,
            code="note",
            label="亮点",
            source="service.activities",
        )
    assert "source" in bad.value.detail["fields"]
    with pytest.raises(ValidationFailed, match="没有代码为“nothing”的字段"):
        services.field_edit(actor=c.district_admin, form_id=fid, code="nothing", label="x")
    with pytest.raises(ValidationFailed, match="已在最前或最后"):
        services.field_move(actor=c.district_admin, form_id=fid, code="received", direction="up")
    with pytest.raises(ValidationFailed) as bad:
        services.field_move(actor=c.district_admin, form_id=fid, code="note", direction="left")
    assert "direction" in bad.value.detail["fields"]
    with pytest.raises(ValidationFailed, match="请先删除“报到率”"):
        services.field_remove(actor=c.district_admin, form_id=fid, code="in_service")
    with pytest.raises(ValidationFailed, match="校验规则只能比较数字类字段"):
        services.rule_edit(
            actor=c.district_admin,
            form_id=fid,
            rule_id=form.rules.first().pk,  # type: ignore[union-attr]
            left="note",
            op="gte",
            constant="0",
        )
    form.refresh_from_db()
    assert form.version == 1  # nothing written, no new version
    assert Field.objects.filter(form=form).count() == 6
    # A street does not change the district's form; the page says why, nothing changes.
    street = _client(c.street_admin)
    answer = street.post(
        reverse("forms:field_edit", args=[fid]), {"code": "note", "label": "街道改的"}
    )
    assert answer.status_code == 404
    assert not Field.objects.filter(label="街道改的").exists()
    # The API names the field the same way.
    api = _client(c.district_admin)
    answer = api.post(
        f"/api/v1/forms/forms/{fid}/fields/in_service/edit",
        {"label": ""},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "label" in answer.json()["detail"]["fields"]
    moved = api.post(
        f"/api/v1/forms/forms/{fid}/fields/note/move",
        {"direction": "up"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert [f["code"] for f in moved.json()][-3:] == ["note", "in_service", "rate"]


def test_every_branch_of_a_kind_fills_the_form(cast: Cast) -> None:
    c = cast
    ch_branch = make_org(
        "CH-1", "晨辉社区第一党支部", "branch", parent=c.chenhui_org, area=c.chenhui
    )
    make_org("SF01-1", "青禾街道机关党支部", "branch", area=c.qinghe)  # no post fills for it
    with pytest.raises(ValidationFailed) as bad:
        services.form_create(
            actor=c.district_admin, title="支部月报", frequency="monthly", fillers="branches"
        )
    assert "branch_kind" in bad.value.detail["fields"]
    # On the page: the designer picks "某类党组织" and the kind.
    district = _client(c.district_admin)
    new = district.get(reverse("forms:form_new")).content.decode()
    assert "某类党组织" in new
    assert "联合党支部" in new
    district.post(
        reverse("forms:form_create"),
        {
            "title": "支部月报",
            "frequency": "monthly",
            "fillers": "branches",
            "branch_kind": "branch",
            "due_day": "5",
            "approval_levels": "1",
        },
    )
    form = Form.objects.get(title="支部月报")
    assert (form.fillers, form.branch_kind) == ("branches", "branch")
    services.field_add(
        actor=c.district_admin, form_id=form.public_id, code="n", label="召开支部会", kind="integer"
    )
    services.form_set_status(actor=c.district_admin, form_id=form.public_id, status="active")
    rnd = this_month(c, form)
    returns = {r.org_id: r for r in Return.objects.filter(round=rnd)}
    assert set(returns) == {c.tax_branch.pk, c.justice_branch.pk, ch_branch.pk}
    tax, community = returns[c.tax_branch.pk], returns[ch_branch.pk]
    assert (tax.unit_id, tax.area_id) == (c.tax.pk, None)
    assert (community.area_id, community.unit_id) == (c.chenhui.pk, None)
    assert tax.filler_name == "区税务局第一党支部"
    # Each is filled by the post of what it belongs to.
    assert set(selectors.return_list(actor=c.unit_admin, mine=True)) == {tax}
    assert set(selectors.return_list(actor=c.community_secretary, mine=True)) == {community}
    for who, ret in ((c.unit_admin, tax), (c.community_secretary, community)):
        services.return_save(actor=who, return_id=ret.public_id, values={"n": "2"}, submit=True)
    # The community's branch is approved above the community, not by it.
    assert not selectors.may_approve(c.community_secretary, community)
    assert selectors.may_approve(c.street_admin, community)
    services.return_approve(actor=c.street_admin, return_id=community.public_id)
    services.return_approve(actor=c.district_admin, return_id=tax.public_id)
    fields = selectors.fields_of(form, rnd.version)
    tally, children = selectors.rollup(
        rnd=rnd,
        path=c.district.path,
        fields=fields,
        children=[(c.qinghe.pk, c.qinghe.path), ("units", f"{c.district.path}#")],
    )
    assert (tally.expected, tally.received, tally.approved) == (3, 2, 2)
    assert tally.totals[fields[0].pk] == 4
    assert [(k, t.expected, t.approved) for k, t in children] == [
        (c.qinghe.pk, 1, 1),
        ("units", 2, 1),
    ]
    # The API shows the kind and the organisation.
    api = district.get(f"/api/v1/forms/forms/{form.public_id}").json()
    assert api["branch_kind"] == "branch"
    listed = district.get(f"/api/v1/forms/returns?round={rnd.pk}").json()["items"]
    assert {r["org_id"] for r in listed} == set(returns)
    # A kind nobody under the owner has: nothing to open, said so.
    services.form_update(
        actor=c.district_admin,
        form_id=form.public_id,
        title="支部月报",
        fillers="branches",
        branch_kind="temporary_branch",
        due_day=5,
        approval_levels=1,
    )
    with pytest.raises(Conflict, match="没有临时党支部"):
        services.round_open(
            actor=c.district_admin, form_id=form.public_id, day=rnd.start - dt.timedelta(days=1)
        )


def test_one_or_two_levels_of_approval_chosen_on_the_page(cast: Cast) -> None:
    c = cast
    district = _client(c.district_admin)
    for levels in ("1", "2"):
        district.post(
            reverse("forms:form_create"),
            {
                "title": f"{levels}级审核月报",
                "frequency": "monthly",
                "fillers": "communities",
                "due_day": "5",
                "approval_levels": levels,
            },
        )
    one, two = Form.objects.get(title="1级审核月报"), Form.objects.get(title="2级审核月报")
    assert (one.approval_levels, two.approval_levels) == (1, 2)
    for form in (one, two):
        services.field_add(
            actor=c.district_admin, form_id=form.public_id, code="n", label="n", kind="integer"
        )
        services.form_set_status(actor=c.district_admin, form_id=form.public_id, status="active")
    r1, r2 = this_month(c, one), this_month(c, two)
    for rnd in (r1, r2):
        ret = Return.objects.get(round=rnd, area=c.chenhui)
        services.return_save(
            actor=c.community_secretary, return_id=ret.public_id, values={"n": "3"}, submit=True
        )
        services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    # One level: the street's approval is the last; no street total to review.
    with pytest.raises(Conflict, match="只有一级审核"):
        services.street_review(
            actor=c.district_admin, round_id=r1.pk, area_id=c.qinghe.pk, approve=True
        )
    page = district.get(reverse("forms:round_detail", args=[r1.pk])).content.decode()
    assert "汇总审核" not in page
    # Two levels: the district reviews 青禾's total from the round page.
    page = district.get(reverse("forms:round_detail", args=[r2.pk])).content.decode()
    assert "汇总审核" in page
    district.post(
        reverse("forms:street_review", args=[r2.pk]),
        {"area": str(c.qinghe.pk), "approve": "1"},
        HTTP_REFERER=reverse("forms:round_detail", args=[r2.pk]),
    )
    assert selectors.street_approvals(rnd=r2)[c.qinghe.pk].status == "approved"
    # The levels can be changed on the form's page.
    due_before = r2.due_on
    district.post(
        reverse("forms:form_edit", args=[two.public_id]),
        {
            "title": two.title,
            "fillers": "communities",
            "due_day": "6",
            "approval_levels": "1",
        },
    )
    two.refresh_from_db()
    assert (two.approval_levels, two.due_day) == (1, 6)
    r2.refresh_from_db()
    assert r2.due_on == due_before  # the open round keeps its due day


def test_a_street_designs_for_its_own_use_with_one_level(cast: Cast) -> None:
    c = cast
    with pytest.raises(ValidationFailed) as bad:
        services.form_create(
            actor=c.street_admin,
            title="青禾街道月报",
            frequency="monthly",
            fillers="communities",
            approval_levels=2,
        )
    assert "approval_levels" in bad.value.detail["fields"]
    form = services.form_create(
        actor=c.street_admin, title="青禾街道月报", frequency="monthly", fillers="communities"
    )
    street = _client(c.street_admin)
    page = street.get(reverse("forms:form_detail", args=[form.public_id])).content.decode()
    assert "保存设置" in page
    assert "二级：街道审核后" not in page  # not offered for a street's form
    with pytest.raises(ValidationFailed, match="只有一级审核"):
        services.form_update(
            actor=c.street_admin,
            form_id=form.public_id,
            title=form.title,
            fillers="communities",
            due_day=5,
            approval_levels=2,
        )
    services.field_add(
        actor=c.street_admin, form_id=form.public_id, code="n", label="走访户数", kind="integer"
    )
    services.form_set_status(actor=c.street_admin, form_id=form.public_id, status="active")
    rnd = services.round_open(
        actor=c.street_admin, form_id=form.public_id, day=timezone.localdate()
    )
    ret = Return.objects.get(round=rnd)
    services.return_save(
        actor=c.community_secretary, return_id=ret.public_id, values={"n": "8"}, submit=True
    )
    services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    fields = selectors.fields_of(form, rnd.version)
    assert selectors.rollup(rnd=rnd, path=c.qinghe.path, fields=fields)[0].totals == {
        fields[0].pk: 8
    }


def test_whoever_submitted_does_not_approve(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=2)
    rnd = this_month(c, form)
    chenhui = Return.objects.get(round=rnd, area=c.chenhui)
    xingguang = Return.objects.get(round=rnd, area=c.xingguang)
    # The platform administrator may fill any return, and then may not approve it.
    services.return_save(
        actor=c.platform_admin,
        return_id=chenhui.public_id,
        values={"in_service": "4"},
        submit=True,
    )
    chenhui.refresh_from_db()
    assert chenhui.submitted_by == c.platform_admin
    with pytest.raises(PermissionDenied, match="由您报送，不能由您审核"):
        services.return_approve(actor=c.platform_admin, return_id=chenhui.public_id)
    chenhui.refresh_from_db()
    assert chenhui.status == "submitted"
    # The page says so too, and nothing changes.
    admin = _client(c.platform_admin)
    detail = reverse("forms:return_detail", args=[chenhui.public_id])
    answer = admin.post(
        reverse("forms:return_approve", args=[chenhui.public_id]), HTTP_REFERER=detail, follow=True
    )
    assert "由您报送，不能由您审核" in answer.content.decode()
    chenhui.refresh_from_db()
    assert chenhui.status == "submitted"
    # And the API.
    api = admin.post(f"/api/v1/forms/returns/{chenhui.public_id}/approve")
    assert api.status_code == 403
    # Someone else approves it.
    services.return_approve(actor=c.street_admin, return_id=chenhui.public_id)
    # A street's total: whoever approved (or submitted) returns in it does not approve it.
    services.return_save(
        actor=c.platform_admin,
        return_id=xingguang.public_id,
        values={"in_service": "7"},
        submit=True,
    )
    services.return_approve(actor=c.district_admin, return_id=xingguang.public_id)
    with pytest.raises(PermissionDenied, match="东湖街道的汇总含有您报送或审核的填报"):
        services.street_review(
            actor=c.district_admin, round_id=rnd.pk, area_id=c.donghu.pk, approve=True
        )
    with pytest.raises(PermissionDenied, match="东湖街道的汇总"):
        services.street_review(
            actor=c.platform_admin, round_id=rnd.pk, area_id=c.donghu.pk, approve=True
        )
    other = make_user("district2", "区工委另一管理员")
    from gongjian.orgs.models import RoleAssignment

    RoleAssignment.objects.create(user=other, role="district_admin", area=c.district)
    approval = services.street_review(
        actor=other, round_id=rnd.pk, area_id=c.donghu.pk, approve=True
    )
    assert approval.status == "approved"
    # 青禾's returns were filled and approved by others: the district approves its total.
    assert (
        services.street_review(
            actor=c.district_admin, round_id=rnd.pk, area_id=c.qinghe.pk, approve=True
        ).status
        == "approved"
    )


def test_a_list_of_fillers_is_chosen_on_the_page(cast: Cast) -> None:
    c = cast
    district = _client(c.district_admin)
    page = district.get(reverse("forms:form_new")).content.decode()
    assert "指定单位和社区" in page
    assert "星光社区" in page
    assert "区司法局" in page
    district.post(
        reverse("forms:form_create"),
        {
            "title": "专项报表",
            "frequency": "yearly",
            "fillers": "listed",
            "areas": [str(c.xingguang.pk)],
            "units": [str(c.justice.pk)],
            "due_day": "10",
            "approval_levels": "1",
        },
    )
    form = Form.objects.get(title="专项报表")
    assert list(form.listed_areas.all()) == [c.xingguang]
    assert list(form.listed_units.all()) == [c.justice]
    # A street lists only what lies under it.
    street = _client(c.street_admin)
    page = street.get(reverse("forms:form_new")).content.decode()
    assert "晨辉社区" in page
    assert "星光社区" not in page


def test_each_number_of_the_round_links_to_its_returns(cast: Cast) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    services.field_add(
        actor=c.district_admin, form_id=form.public_id, code="brand", label="党建品牌", kind="yesno"
    )
    rnd = this_month(c, form)  # opened with the new version, which has 党建品牌
    ret = Return.objects.get(round=rnd, area=c.chenhui)
    district = _client(c.district_admin)
    empty = district.get(reverse("forms:round_detail", args=[rnd.pk])).content.decode()
    assert "<td>—</td>" in empty  # nothing approved yet: no total, not an empty "%"
    assert "%</a>" not in empty
    services.return_save(
        actor=c.community_secretary,
        return_id=ret.public_id,
        values={"in_service": "4", "brand": "是"},
        submit=True,
    )
    services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    page = district.get(reverse("forms:round_detail", args=[rnd.pk])).content.decode()
    approved = f"/forms/returns/?round={rnd.pk}&amp;area={c.district.pk}&amp;status=approved"
    assert f'<a href="{approved}">1</a>' in page  # 已审核
    assert f'<a href="{approved}">4</a>' in page  # the total of 在职党员
    assert f"/forms/returns/?round={rnd.pk}&amp;area={c.qinghe.pk}" in page
    listed = district.get(
        f"/forms/returns/?round={rnd.pk}&area={c.district.pk}&status=approved"
    ).content.decode()
    assert "晨辉社区" in listed
    assert "星光社区" not in listed
    # The printable page says 是 for a yes and % for a percentage.
    printed = district.get(reverse("forms:return_print", args=[ret.public_id])).content.decode()
    assert "<td>是" in printed
    assert "%" in printed


def test_returns_waiting_for_my_approval_are_on_my_workbench(cast: Cast) -> None:
    from gongjian.forms import workbench

    c = cast
    rnd = this_month(c, monthly_form(c, levels=1))
    chenhui = Return.objects.get(round=rnd, area=c.chenhui)
    xingguang = Return.objects.get(round=rnd, area=c.xingguang)
    services.return_save(
        actor=c.community_secretary,
        return_id=chenhui.public_id,
        values={"in_service": "3"},
        submit=True,
    )
    services.return_save(
        actor=c.platform_admin,
        return_id=xingguang.public_id,
        values={"in_service": "3"},
        submit=True,
    )

    def waiting(user: object) -> int:
        found = [
            i for i in workbench.items(actor=user, today=rnd.start) if i.label == "待审核的报表"
        ]
        return found[0].count or 0

    assert waiting(c.street_admin) == 1  # 晨辉's; 星光 is not under 青禾
    assert waiting(c.district_admin) == 2
    assert waiting(c.platform_admin) == 1  # not the one it submitted itself
    assert waiting(c.community_secretary) == 0
    page = _client(c.street_admin).get("/forms/returns/?approving=1").content.decode()
    assert "待我审核" in page
    assert "晨辉社区" in page
    assert "星光社区" not in page
    services.return_approve(actor=c.street_admin, return_id=chenhui.public_id)
    assert waiting(c.street_admin) == 0
