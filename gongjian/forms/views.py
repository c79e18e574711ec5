"""Pages of the forms app. Thin: parse, call one service or selector, render (ADR 0010)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.web import action, done, form_save, posted, render_form
from gongjian.forms import forms as return_forms
from gongjian.forms import lists, selectors, services, sources
from gongjian.forms.models import Field, Form, Return, Rule
from gongjian.orgs import selectors as org_selectors

# Forms ----------------------------------------------------------------------------------------


@login_required
def form_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forms/form_list.html",
        {"listing": lists.FORMS.page(request), "may_design": selectors.may_design(request.user)},
    )


form_export = lists.FORMS.export_view()


@login_required
def form_new(request: HttpRequest) -> HttpResponse:
    communities, units = selectors.listable_fillers(actor=request.user)
    return render(
        request,
        "forms/form_new.html",
        {
            "owners": selectors.design_areas(actor=request.user),
            "frequencies": Form.Frequency.choices,
            "fillers": Form.Fillers.choices,
            "branch_kinds": selectors.branch_kinds(),
            "communities": communities,
            "units": units,
        },
    )


@action(back="forms:form_new")
def form_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    form = services.form_create(
        actor=request.user,
        **posted(request, "title", "frequency", "fillers"),
        owner_id=p.get("owner", ""),
        due_day=p.get("due_day", ""),
        approval_levels=p.get("approval_levels", "1"),
        description=p.get("description", ""),
        area_ids=p.getlist("areas"),
        unit_ids=p.getlist("units"),
        branch_kind=p.get("branch_kind", ""),
    )
    return done(request, _("报表已创建"), to=reverse("forms:form_detail", args=[form.public_id]))


@login_required
def form_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    form = selectors.form_get_for(request.user, public_id)
    designing = selectors.may_design_form(request.user, form)
    fields = selectors.fields_of(form)
    return render(
        request,
        "forms/form_detail.html",
        {
            "form": form,
            "fields": fields,
            "rules": selectors.rules_of(form, form.version),
            "rounds": selectors.round_list(actor=request.user, form=form),
            "designing": designing,
            "kinds": Field.Kind.choices,
            "ops": Rule.Op.choices,
            "statuses": Form.Status.choices,
            "fillers": [c for c in Form.Fillers.choices if c[0] != Form.Fillers.LISTED],
            "branch_kinds": selectors.branch_kinds(),
            "in_use": designing and selectors.version_in_use(form),
            "catalogue": sources.catalogue() if designing else [],
            "today": timezone.localdate(),
        },
    )


@action(back="forms:form_detail")
def field_add(request: HttpRequest, public_id: str) -> HttpResponse:
    p = request.POST
    services.field_add(
        actor=request.user,
        form_id=public_id,
        **posted(request, "code", "label", "kind", "section", "measure"),
        required=p.get("required") == "1",
        **posted(request, "choices", "minimum", "maximum", "source", "numerator", "denominator"),
    )
    return done(request, _("字段已添加"))


@action(back="forms:form_detail")
def form_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    services.form_update(
        actor=request.user,
        form_id=public_id,
        **posted(
            request, "title", "fillers", "branch_kind", "due_day", "approval_levels", "description"
        ),
    )
    return done(request, _("报表设置已保存"))


@action(back="forms:form_detail")
def field_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    p = request.POST
    services.field_edit(
        actor=request.user,
        form_id=public_id,
        **posted(request, "code", "label", "section", "measure"),
        required=p.get("required") == "1",
        **posted(request, "choices", "minimum", "maximum", "source"),
    )
    return done(request, _("字段已修改"))


@action(back="forms:form_detail")
def field_move(request: HttpRequest, public_id: str) -> HttpResponse:
    services.field_move(
        actor=request.user,
        form_id=public_id,
        code=request.POST.get("code", ""),
        direction=request.POST.get("direction", ""),
    )
    return done(request, _("字段顺序已调整"))


@action(back="forms:form_detail")
def rule_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    p = request.POST
    services.rule_edit(
        actor=request.user,
        form_id=public_id,
        rule_id=p.get("rule", ""),
        **posted(request, "left", "op", "right", "constant", "message"),
    )
    return done(request, _("校验规则已修改"))


@action(back="forms:form_detail")
def rule_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    services.rule_remove(
        actor=request.user, form_id=public_id, rule_id=request.POST.get("rule", "")
    )
    return done(request, _("校验规则已删除"))


@action(back="forms:form_detail")
def field_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    services.field_remove(actor=request.user, form_id=public_id, code=request.POST.get("code", ""))
    return done(request, _("字段已删除"))


@action(back="forms:form_detail")
def rule_add(request: HttpRequest, public_id: str) -> HttpResponse:
    services.rule_add(
        actor=request.user,
        form_id=public_id,
        **posted(request, "left", "op", "right", "constant", "message"),
    )
    return done(request, _("校验规则已添加"))


@action(back="forms:form_detail")
def form_status(request: HttpRequest, public_id: str) -> HttpResponse:
    services.form_set_status(
        actor=request.user, form_id=public_id, status=request.POST.get("status", "")
    )
    return done(request, _("状态已更新"))


@action(back="forms:form_detail")
def round_open(request: HttpRequest, public_id: str) -> HttpResponse:
    rnd = services.round_open(
        actor=request.user, form_id=public_id, day=request.POST.get("day", "")
    )
    return done(
        request,
        _("已下发%(p)s的报表") % {"p": rnd.label},
        to=reverse("forms:round_detail", args=[rnd.pk]),
    )


# Rounds ---------------------------------------------------------------------------------------


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_get_for(request.user, pk)
    fields = selectors.fields_of(rnd.form, rnd.version)
    node = selectors.rollup_node(actor=request.user, rnd=rnd, area=request.GET.get("area") or None)
    children = (
        list(org_selectors.area_list(actor=request.user, parent=node)) if node is not None else []
    )
    tally, below = selectors.rollup(
        rnd=rnd,
        path=node.path if node is not None else "\x00",
        fields=fields,
        children=[(a.pk, a.path) for a in children]
        + ([("units", f"{node.path}#")] if node is not None else []),
    )
    approvals = selectors.street_approvals(rnd=rnd)
    named = {a.pk: a for a in children}
    rows = [
        (named.get(k), t, approvals.get(k) if isinstance(k, int) else None)
        for k, t in below
        if t.expected
    ]
    return render(
        request,
        "forms/round_detail.html",
        {
            "round": rnd,
            "form": rnd.form,
            "fields": [f for f in fields if f.numeric or f.kind == Field.Kind.YESNO],
            "totals": [
                (f, tally.totals.get(f.pk))
                for f in fields
                if f.numeric or f.kind == Field.Kind.YESNO
            ],
            "node": node,
            "tally": tally,
            "rows": rows,
            "mine": selectors.return_list(actor=request.user, round=rnd.pk, mine=True)[:20],
            "round_pk_text": str(rnd.pk),
            "node_query": f"&area={node.pk}" if node is not None else "",
            "designing": selectors.may_design_form(request.user, rnd.form),
        },
    )


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_get_for(request.user, pk)
    return lists.round_sheet(rnd).export(request, round=rnd.pk)


@login_required
def chase_list(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_get_for(request.user, pk)
    return render(
        request,
        "forms/chase_list.html",
        {
            "round": rnd,
            "listing": lists.CHASE.page(request, round=rnd.pk),
            "designing": selectors.may_design_form(request.user, rnd.form),
        },
    )


chase_export = lists.CHASE.export_view()


@action(back="forms:chase_list")
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    n = services.chase_remind(actor=request.user, round_id=pk)
    return done(request, _("已催报%(n)d个单位") % {"n": n})


@action(back="forms:round_detail")
def round_lock(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = services.round_lock(
        actor=request.user, round_id=pk, locked=request.POST.get("locked") != "0"
    )
    return done(request, _("已锁定") if rnd.locked else _("已解锁"))


@action(back="forms:round_detail")
def street_review(request: HttpRequest, pk: int) -> HttpResponse:
    services.street_review(
        actor=request.user,
        round_id=pk,
        area_id=request.POST.get("area", ""),
        approve=request.POST.get("approve") == "1",
        reason=request.POST.get("reason", ""),
    )
    return done(request, _("汇总审核已保存"))


@login_required
def field_history(request: HttpRequest, public_id: str, field_id: int) -> HttpResponse:
    form = selectors.form_get_for(request.user, public_id)
    area = (
        org_selectors.area_get_for(request.user, request.GET["area"])
        if request.GET.get("area")
        else None
    )
    field, history = selectors.field_history(
        actor=request.user, form=form, field_id=field_id, area=area
    )
    where = f"?area={area.pk}" if area is not None else ""
    chart = {
        "title": f"{field.label}（{field.measure}）" if field.measure else field.label,
        "percent": field.kind == Field.Kind.PERCENTAGE,
        "labels": [r.label for r, _v in history],
        "values": [None if v is None else float(v) for _r, v in history],
        "links": [reverse("forms:round_detail", args=[r.pk]) + where for r, _v in history],
    }
    return render(
        request,
        "forms/field_history.html",
        {
            "form": form,
            "history": history,
            "area": area,
            "field": field,
            "choices": selectors.history_fields(form),
            "where": where,
            "chart": chart,
        },
    )


# Returns --------------------------------------------------------------------------------------


@login_required
def return_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forms/return_list.html",
        {"listing": lists.RETURNS.page(request), "statuses": Return.Status.choices},
    )


return_export = lists.RETURNS.export_view()


@login_required
def return_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    ret = selectors.return_get_for(request.user, public_id)
    rnd = ret.round
    fields = selectors.fields_of(rnd.form, rnd.version)
    answers = selectors.answers_of(ret)
    filling = ret.editable and not rnd.locked and selectors.may_fill(request.user, ret)
    live = sources.live_values(actor=request.user, ret=ret, fields=fields)
    form = return_forms.return_form(
        fields, answers, live, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and filling:
        submit = request.POST.get("submit") == "1"

        def save(cleaned: dict[str, object]) -> Return:
            values, reasons = return_forms.split(cleaned)
            return services.return_save(
                actor=request.user,
                return_id=ret.public_id,
                values=values,
                reasons=reasons,
                submit=submit,
            )

        if form_save(form, save) is not None:
            return done(
                request,
                _("已报送") if submit else _("草稿已保存"),
                to=reverse("forms:return_detail", args=[ret.public_id]),
            )
    rows = [
        {
            "field": f,
            "answer": answers.get(f.pk),
            "live": live.get(f.pk),
            "input": form[f.code] if f.code in form.fields else None,
            "reason": form[f"reason_{f.code}"] if f"reason_{f.code}" in form.fields else None,
        }
        for f in fields
    ]
    return render_form(
        request,
        "forms/return_detail.html",
        {
            "ret": ret,
            "round": rnd,
            "rows": rows,
            "form": form,
            "filling": filling,
            "approving": ret.status in Return.RECEIVED and selectors.may_approve(request.user, ret),
        },
    )


@action(back="forms:return_detail")
def return_approve(request: HttpRequest, public_id: str) -> HttpResponse:
    services.return_approve(actor=request.user, return_id=public_id)
    return done(request, _("已审核通过"))


@action(back="forms:return_detail")
def return_send_back(request: HttpRequest, public_id: str) -> HttpResponse:
    services.return_send_back(
        actor=request.user, return_id=public_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("已退回修改"))


@login_required
def return_print(request: HttpRequest, public_id: str) -> HttpResponse:
    ret = selectors.return_get_for(request.user, public_id)
    fields = selectors.fields_of(ret.round.form, ret.round.version)
    answers = selectors.answers_of(ret)
    return render(
        request,
        "forms/return_print.html",
        {"ret": ret, "rows": [(f, answers.get(f.pk)) for f in fields]},
    )
