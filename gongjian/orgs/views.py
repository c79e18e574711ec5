"""Pages of the organisation app. Thin: parse, call one selector or service, render; a broken
rule becomes a page in `core.web` (ADR 0010)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongjian.core import imports, jobs
from gongjian.core.errors import NotFound
from gongjian.core.masking import mask_phone
from gongjian.core.web import action, done, form_save, job_done, job_redirect, posted, render_form
from gongjian.core.workbench import workbench_for
from gongjian.orgs import lists, scope, selectors, services
from gongjian.orgs.forms import (
    AreaForm,
    ImportForm,
    MemberForm,
    MoveForm,
    PartyOrgForm,
    PostForm,
    UnitForm,
    member_initial,
)
from gongjian.orgs.models import Area
from gongjian.orgs.services import structure


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    posts = scope.posts_of(actor)
    context: dict[str, Any] = {
        "posts": posts,
        "today": timezone.localdate(),
        "bench": workbench_for(actor=actor, today=timezone.localdate()),
    }
    if posts.is_staff_like:
        context["figures"] = selectors.home_figures(actor=actor)
        context["assignments"] = selectors.my_posts(actor=actor)
    else:
        context["me"] = selectors.member_of(actor)
    return render(request, "orgs/home.html", context)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    actor = request.user
    return render(
        request,
        "orgs/tree.html",
        {
            "roots": selectors.party_org_tree(actor=actor),
            "areas": selectors.area_overview(actor=actor),
        },
    )


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/area_list.html", {"listing": lists.AREAS.page(request)})


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/unit_list.html", {"listing": lists.UNITS.page(request)})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for(request.user, unit_id)
    orgs = selectors.unit_party_orgs(actor=request.user, unit=unit)
    return render(request, "orgs/unit_detail.html", {"unit": unit, "orgs": orgs})


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orgs/member_list.html",
        {
            "listing": lists.MEMBERS.page(request),
            "org_options": selectors.party_org_options(actor=request.user, committees=True),
        },
    )


@login_required
def member_detail(request: HttpRequest, member_id: str) -> HttpResponse:
    actor = request.user
    member = selectors.member_get_for(actor, member_id)
    can_write = selectors.member_may_write(actor=actor, member=member)
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "transfers": selectors.member_transfers(member=member),
            "may_unmask_id": scope.may_unmask(actor, field_name="id_number", member=member),
            "may_unmask_phone": scope.may_unmask(actor, field_name="phone", member=member),
            "can_write": can_write,
            "org_options": selectors.party_org_options(actor=actor) if can_write else [],
        },
    )


@action(back="orgs:member_detail")
def member_unmask(request: HttpRequest, member_id: str) -> HttpResponse:
    field_name = request.POST.get("field", "")
    value = services.member_unmask(
        actor=request.user,
        member=member_id,
        field_name=field_name,
        reason=request.POST.get("reason", ""),
    )
    return render(request, "orgs/_unmasked.html", {"value": value, "field": field_name})


@action(back="orgs:member_detail")
def member_transfer(request: HttpRequest, member_id: str) -> HttpResponse:
    transfer = services.member_transfer(
        actor=request.user,
        member=member_id,
        **posted(request, "to_org", "effective_on", "reason"),
    )
    return done(request, _("已转接至%(org)s") % {"org": transfer.to_org.name})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    choices = [(o.pk, o.name) for o in selectors.party_org_options(actor=actor, write=True)]
    if not choices:
        raise NotFound(_("您的岗位不能新增党员"))
    form = MemberForm(request.POST or None, org_choices=choices)
    if request.method == "POST":
        member = form_save(form, lambda data: services.member_create(actor=actor, **data))
        if member is not None:
            to = reverse("orgs:member_detail", args=[member.public_id])
            return done(request, _("已新增党员%(name)s") % {"name": member.name}, to=to)
    return render_form(request, "orgs/member_form.html", {"form": form, "title": _("新增党员")})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, member_id: str) -> HttpResponse:
    actor = request.user
    form = MemberForm(request.POST or None, org_choices=[], editing=True)
    if request.method == "POST":
        saved = form_save(
            form,
            lambda _data: services.member_update(
                actor=actor, member=member_id, **form.member_changes()
            ),
        )
        if saved is not None:
            to = reverse("orgs:member_detail", args=[member_id])
            return done(request, _("已保存"), to=to)
    member = selectors.member_get_for(actor, member_id, write=True)
    if not form.is_bound:
        form = MemberForm(initial=member_initial(member), org_choices=[], editing=True)
    form.fields["phone"].widget.attrs["placeholder"] = mask_phone(member.phone) or ""
    context = {"form": form, "title": _("修改党员信息"), "member": member}
    return render_form(request, "orgs/member_form.html", context)


# Imports -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    actor = request.user
    kinds = [i for i in imports.importers() if i.may_use(actor)]
    default = request.GET.get("kind") or (kinds[0].kind if kinds else "")
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": default})
    if request.method == "POST":
        job = form_save(
            form,
            lambda data: jobs.job_checked(
                imports.import_check_start(actor=actor, kind=data["kind"], upload=data["file"])
            ),
        )
        if job is not None:
            return job_redirect(job)
    context = {
        "form": form,
        "kinds": kinds,
        "kind": form["kind"].value(),
        "recent": imports.import_batches_of(actor),
    }
    return render_form(request, "orgs/import_start.html", context)


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    return imports.template_response(kind)


@action(back="orgs:import_preview")
def import_decide(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a checked batch (all rows or none), or give it up."""
    if request.POST.get("action") == "discard":
        imports.import_discard(actor=request.user, token=token)
        return done(request, _("已放弃本次导入"), to=reverse("orgs:import_start"))
    return job_done(request, imports.import_commit_start(actor=request.user, token=token))


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return import_decide(request, token=token)
    batch = imports.import_batch_get_for(request.user, token)
    importer = imports.importer_get(batch.kind)
    return render(
        request,
        "orgs/import_preview.html",
        {
            "batch": batch,
            "importer": importer,
            "columns": importer.columns,
            "errors": batch.errors[:200],
            "job": imports.import_job_of(batch),
        },
    )


@login_required
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    return imports.error_report_response(imports.import_batch_get_for(request.user, token))


# Posts ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    data = None
    if request.method == "POST":
        # A choice from a picker, else what was typed in its search box (a whole log-in or
        # code, as without the pickers' script).
        data = request.POST.copy()
        for name in ("login", "area_code", "unit_code"):
            typed = str(data.get(f"{name}_q", "")).strip()
            if not str(data.get(name, "")).strip() and typed:
                data[name] = typed
    form = PostForm(data)
    if request.method == "POST":
        post = form_save(form, lambda data: services.role_assign_by_login(actor=actor, **data))
        if post is not None:
            return done(request, _("已分配岗位"), to=reverse("orgs:role_list"))
    context = {
        "form": form,
        "listing": lists.POSTS.page(request),
        "may_assign": scope.may_assign_posts(actor),
    }
    return render_form(request, "orgs/role_list.html", context)


@action(back="orgs:role_list")
def role_revoke(request: HttpRequest, post_id: int) -> HttpResponse:
    services.role_revoke(actor=request.user, assignment=post_id)
    return done(request, _("已撤销岗位"), to=reverse("orgs:role_list"))


# Member accounts ---------------------------------------------------------------------------------
# The unit's account rate and chase list (who can log in, who cannot yet), invitations, and a
# member leaving the record (issue 12).


@login_required
def accounts_rates(request: HttpRequest) -> HttpResponse:
    listing = selectors.ACCOUNT_RATES.page(request)
    total = selectors.account_rate_overall(
        selectors.account_rates(actor=request.user, q=listing.filters["q"])
    )
    return render(request, "orgs/accounts_rates.html", {"listing": listing, "total": total})


accounts_rates_export = selectors.ACCOUNT_RATES.export_view()


@login_required
def accounts_members(request: HttpRequest) -> HttpResponse:
    listing = selectors.MEMBER_ACCOUNTS.page(request)
    unit = listing.filters["unit"]
    return render(
        request,
        "orgs/accounts_members.html",
        {
            "listing": listing,
            "units": selectors.unit_list(actor=request.user)
            .select_related(None)
            .only("id", "name")[:500],
            "unit_id": unit,
            "may_invite": selectors.unit_list(actor=request.user, write=True).exists(),
        },
    )


accounts_members_export = selectors.MEMBER_ACCOUNTS.export_view()


@action(back="orgs:accounts_members")
def accounts_invite(request: HttpRequest) -> HttpResponse:
    result = services.member_accounts_invite(
        actor=request.user,
        unit_id=request.POST.get("unit") or None,
        member_ids=request.POST.getlist("member"),
    )
    message = _("已邀请%(n)d名党员激活账号") % {"n": result.invited}
    if result.already:
        message += _("；%(n)d名今天已邀请过") % {"n": result.already}
    if result.no_phone:
        message += _("；%(n)d名未登记手机号，请先补充") % {"n": result.no_phone}
    return done(request, message)


@action(back=lambda member_id: reverse("orgs:member_detail", args=[member_id]))
def member_leave(request: HttpRequest, member_id: str) -> HttpResponse:
    member = services.member_leave(
        actor=request.user,
        member_id=member_id,
        **posted(request, "reason", "left_on"),
    )
    return done(
        request,
        _("%(name)s已标记为不在册，其账号已停用") % {"name": member.name},
        to=reverse("orgs:member_list"),
    )


# Pickers (htmx): the choices for a name typed into a member, unit or area field -------------

_PICKS: dict[str, Any] = {
    "member": selectors.member_picks,
    "unit": selectors.unit_picks,
    "area": selectors.area_picks,
    "account": selectors.account_picks,
}


@login_required
def pick(request: HttpRequest, kind: str) -> HttpResponse:
    """The choices (radio buttons named `field`) for what was typed in `q`; the form they sit
    in sends the chosen value, so the page works the same with or without htmx."""
    find = _PICKS.get(kind)
    if find is None:
        raise NotFound(_("没有这种选择器"))
    field = request.GET.get("field", kind)
    if not field.isidentifier():
        field = kind
    q = (request.GET.get("q") or request.GET.get(f"{field}_q") or "").strip()
    extra = {"kind": request.GET.get("area_kind", "")} if kind == "area" else {}
    picks = find(actor=request.user, q=q, **extra)
    return render(request, "orgs/_picks.html", {"picks": picks, "field": field, "q": q})


# Areas, units and party organisations: create and edit ---------------------------------------


def _record_form(
    request: HttpRequest,
    form: Any,
    title: str,
    back: str,
    links: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "links": links or []}
    return render_form(request, "orgs/record_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def area_new(request: HttpRequest) -> HttpResponse:
    actor = request.user
    parents = selectors.area_choices(actor=actor)
    if scope.posts_of(actor).superuser:
        parents = [("", _("（无：新建区）")), *parents]
    elif not parents:
        raise NotFound(_("您的岗位不能新建区域"))
    form = AreaForm(request.POST or None, parent_choices=parents)
    if request.method == "POST":
        area = form_save(form, lambda data: services.area_create(actor=actor, **data))
        if area is not None:
            to = reverse("orgs:area_list") + f"?parent_id={area.parent_id or ''}"
            return done(request, _("已新建%(name)s") % {"name": area.name}, to=to)
    return _record_form(request, form, _("新建区域"), reverse("orgs:area_list"))


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, area_id: int) -> HttpResponse:
    actor = request.user
    form = AreaForm(request.POST or None, parent_choices=[], editing=True)
    if request.method == "POST":
        saved = form_save(
            form, lambda data: services.area_update(actor=actor, area=area_id, **data)
        )
        if saved is not None:
            return done(request, _("已保存"), to=reverse("orgs:area_list"))
    area = selectors.area_get_for(actor, area_id, write=True)
    if not form.is_bound:
        initial = {"name": area.name, "local_kind": area.local_kind}
        form = AreaForm(initial=initial, parent_choices=[], editing=True)
    title = _("修改区域：%(name)s（%(code)s）") % {"name": area.name, "code": area.code}
    links = [(reverse("orgs:area_delete", args=[area.pk]), _("删除"))]
    if area.parent_id:
        links.insert(0, (reverse("orgs:area_move", args=[area.pk]), _("移到其他上级")))
    return _record_form(request, form, title, reverse("orgs:area_list"), links)


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    actor = request.user
    areas = selectors.area_choices(actor=actor)
    if not areas:
        raise NotFound(_("您的岗位不能新建单位"))
    form = UnitForm(request.POST or None, area_choices=areas)
    if request.method == "POST":
        unit = form_save(form, lambda data: services.unit_create(actor=actor, **data))
        if unit is not None:
            to = reverse("orgs:unit_detail", args=[unit.pk])
            return done(request, _("已新建%(name)s") % {"name": unit.name}, to=to)
    return _record_form(request, form, _("新建单位"), reverse("orgs:unit_list"))


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = request.user
    form = UnitForm(request.POST or None, area_choices=[], editing=True)
    back = reverse("orgs:unit_detail", args=[unit_id])
    if request.method == "POST":
        saved = form_save(
            form, lambda data: services.unit_update(actor=actor, unit=unit_id, **data)
        )
        if saved is not None:
            return done(request, _("已保存"), to=back)
    unit = selectors.unit_get_for(actor, unit_id, write=True)
    if not form.is_bound:
        initial = {f: getattr(unit, f) for f in ("name", "short_name", "category", "address")}
        form = UnitForm(initial=initial, area_choices=[], editing=True)
    title = _("修改单位：%(name)s（%(code)s）") % {"name": unit.name, "code": unit.code}
    links = [
        (reverse("orgs:unit_move", args=[unit.pk]), _("移到其他区域")),
        (reverse("orgs:unit_delete", args=[unit.pk]), _("删除")),
    ]
    return _record_form(request, form, title, back, links)


def _party_org_form(request: HttpRequest, *, editing: bool = False, **kw: Any) -> PartyOrgForm:
    actor = request.user
    if not editing and not (
        selectors.unit_choices(actor=actor) or selectors.area_choices(actor=actor)
    ):
        raise NotFound(_("您的岗位不能新建党组织"))
    if editing:
        return PartyOrgForm(
            request.POST or None,
            parent_choices=[],
            unit_choices=[],
            area_choices=[],
            editing=True,
            **kw,
        )
    return PartyOrgForm(
        request.POST or None,
        parent_choices=selectors.party_org_choices(actor=actor, blank=_("（无）")),
        unit_choices=selectors.unit_choices(actor=actor, blank=_("（不隶属单位）")),
        area_choices=selectors.area_choices(actor=actor, blank=_("（不隶属区域）")),
        **kw,
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_org_new(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = _party_org_form(request)
    if request.method == "POST":
        org = form_save(form, lambda data: services.party_org_create(actor=actor, **data))
        if org is not None:
            return done(request, _("已新建%(name)s") % {"name": org.name}, to=reverse("orgs:tree"))
    return _record_form(request, form, _("新建党组织"), reverse("orgs:tree"))


@login_required
@require_http_methods(["GET", "POST"])
def party_org_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = request.user
    form = _party_org_form(request, editing=True)
    if request.method == "POST":
        saved = form_save(
            form, lambda data: services.party_org_update(actor=actor, org=org_id, **data)
        )
        if saved is not None:
            return done(request, _("已保存"), to=reverse("orgs:tree"))
    org = selectors.party_org_get_for(actor, org_id, write=True)
    if not form.is_bound:
        form = _party_org_form(
            request, editing=True, initial={"name": org.name, "secretary": org.secretary}
        )
    title = _("修改党组织：%(name)s（%(code)s）") % {"name": org.name, "code": org.code}
    links = [
        (reverse("orgs:party_org_move", args=[org.pk]), _("移到其他上级组织")),
        (reverse("orgs:party_org_delete", args=[org.pk]), _("删除")),
    ]
    return _record_form(request, form, title, reverse("orgs:tree"), links)


# Deleting and moving areas, units and party organisations ------------------------------------
# The GET is the confirmation (what depends on the record, where it may go); the POST does it.


def _change_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    if "form" in context:
        return render_form(request, "orgs/record_change.html", context)
    return render(request, "orgs/record_change.html", context)


def _delete_context(obj: Any, *, title: str, back: str, move_url: str) -> dict[str, Any]:
    found = structure.dependents(obj)
    return {
        "change": "delete",
        "title": title,
        "what": obj.name,
        "code": obj.code,
        "dependents": found,
        "refusal": structure.refusal(obj.name, found) if found else "",
        "move_url": move_url,
        "back": back,
    }


@login_required
@require_http_methods(["GET", "POST"])
def area_delete(request: HttpRequest, area_id: int) -> HttpResponse:
    actor = request.user
    if request.method == "POST":
        return _area_delete(request, area_id=area_id)
    area = selectors.area_get_for(actor, area_id, write=True)
    context = _delete_context(
        area,
        title=_("删除区域：%(n)s") % {"n": area.name},
        back=reverse("orgs:area_list"),
        move_url=reverse("orgs:area_move", args=[area.pk]) if area.parent_id else "",
    )
    context["place"] = area.get_kind_display()
    return _change_page(request, context)


@action(back="orgs:area_list")
def _area_delete(request: HttpRequest, area_id: int) -> HttpResponse:
    area = structure.area_delete(actor=request.user, area=area_id)
    to = reverse("orgs:area_list")
    return done(request, _("已删除%(n)s") % {"n": area.name}, to=to)


def _area_parents(actor: Any, area: Area) -> list[tuple[Any, str]]:
    kind = next((k for k, child in Area.CHILD_KIND.items() if child == area.kind), None)
    return [
        (a.pk, f"{a.name}（{a.code}）")
        for a in selectors.area_list(actor=actor, write=True).filter(kind=kind).order_by("path")
        if a.pk != area.parent_id and not a.path.startswith(area.path)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def area_move(request: HttpRequest, area_id: int) -> HttpResponse:
    actor = request.user
    area = selectors.area_get_for(actor, area_id, write=True)
    form = MoveForm(
        request.POST or None,
        field="parent",
        label=_("新的上级区域"),
        choices=_area_parents(actor, area),
    )
    if request.method == "POST":
        moved = form_save(form, lambda data: structure.area_move(actor=actor, area=area_id, **data))
        if moved is not None:
            to = reverse("orgs:area_list") + f"?parent_id={moved.parent_id}"
            return done(request, _("已移动%(n)s") % {"n": moved.name}, to=to)
    below = selectors.descendants_count(area)
    return _change_page(
        request,
        {
            "change": "move",
            "form": form,
            "title": _("移动区域：%(n)s") % {"n": area.name},
            "what": area.name,
            "code": area.code,
            "place": _("现上级：%(p)s") % {"p": area.parent.name if area.parent else "—"},
            "note": _(
                "其下级区域%(n)d个一并移动，所属单位、党组织、党员和各项记录随之归入新的上级；"
                "驾驶舱统计将重新计算。"
            )
            % {"n": below},
            "back": reverse("orgs:area_list"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_delete(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = request.user
    if request.method == "POST":
        return _unit_delete(request, unit_id=unit_id)
    unit = selectors.unit_get_for(actor, unit_id, write=True)
    context = _delete_context(
        unit,
        title=_("删除单位：%(n)s") % {"n": unit.name},
        back=reverse("orgs:unit_detail", args=[unit.pk]),
        move_url=reverse("orgs:unit_move", args=[unit.pk]),
    )
    return _change_page(request, context)


@action(back="orgs:unit_list")
def _unit_delete(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = structure.unit_delete(actor=request.user, unit=unit_id)
    return done(request, _("已删除%(n)s") % {"n": unit.name}, to=reverse("orgs:unit_list"))


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = request.user
    unit = selectors.unit_get_for(actor, unit_id, write=True)
    choices = [c for c in selectors.area_choices(actor=actor) if c[0] != unit.area_id]
    form = MoveForm(request.POST or None, field="area", label=_("新的所在区域"), choices=choices)
    back = reverse("orgs:unit_detail", args=[unit.pk])
    if request.method == "POST":
        moved = form_save(form, lambda data: structure.unit_move(actor=actor, unit=unit_id, **data))
        if moved is not None:
            return done(request, _("已移动%(n)s") % {"n": moved.name}, to=back)
    return _change_page(
        request,
        {
            "change": "move",
            "form": form,
            "title": _("移动单位：%(n)s") % {"n": unit.name},
            "what": unit.name,
            "code": unit.code,
            "place": _("现所在区域：%(p)s") % {"p": unit.area.name},
            "note": _("单位的党组织和党员仍属本单位；驾驶舱统计将重新计算。"),
            "back": back,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_org_delete(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = request.user
    if request.method == "POST":
        return _party_org_delete(request, org_id=org_id)
    org = selectors.party_org_get_for(actor, org_id, write=True)
    context = _delete_context(
        org,
        title=_("删除党组织：%(n)s") % {"n": org.name},
        back=reverse("orgs:tree"),
        move_url=reverse("orgs:party_org_move", args=[org.pk]),
    )
    return _change_page(request, context)


@action(back="orgs:tree")
def _party_org_delete(request: HttpRequest, org_id: int) -> HttpResponse:
    org = structure.party_org_delete(actor=request.user, org=org_id)
    return done(request, _("已删除%(n)s") % {"n": org.name}, to=reverse("orgs:tree"))


@login_required
@require_http_methods(["GET", "POST"])
def party_org_move(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = request.user
    org = selectors.party_org_get_for(actor, org_id, write=True)
    choices = [
        (o.pk, "　" * o.depth + f"{o.name}（{o.code}）")
        for o in selectors.party_org_list(actor=actor, write=True).order_by("path")
        if o.pk != org.parent_id
        and not o.path.startswith(org.path)
        and o.kind not in structure.BRANCHES
    ]
    form = MoveForm(request.POST or None, field="parent", label=_("新的上级组织"), choices=choices)
    if request.method == "POST":
        moved = form_save(
            form, lambda data: structure.party_org_move(actor=actor, org=org_id, **data)
        )
        if moved is not None:
            return done(request, _("已移动%(n)s") % {"n": moved.name}, to=reverse("orgs:tree"))
    below = selectors.descendants_count(org)
    return _change_page(
        request,
        {
            "change": "move",
            "form": form,
            "title": _("移动党组织：%(n)s") % {"n": org.name},
            "what": org.name,
            "code": org.code,
            "place": _("现上级：%(p)s") % {"p": org.parent.name if org.parent else "—"},
            "note": _("其下级组织%(n)d个和所有党员一并移动。") % {"n": below},
            "back": reverse("orgs:tree"),
        },
    )
