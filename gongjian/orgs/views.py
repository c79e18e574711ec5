"""Pages of the organisation app. Thin: parse, resolve access, call one selector or service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongjian.core import imports
from gongjian.core.errors import ApplicationError, NotFound, ValidationFailed
from gongjian.core.files import read_upload
from gongjian.core.masking import mask_id_number, mask_phone
from gongjian.core.models import ImportBatch
from gongjian.core.pages import file_response, paginate, query_without_page, xlsx_export
from gongjian.core.web import action, done
from gongjian.orgs import scope, selectors, services
from gongjian.orgs.forms import MemberForm
from gongjian.orgs.models import Area, Member, PartyOrg, Role


def _get(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Resolve an object through its access helper; not-found looks like a 404 page."""
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    posts = scope.posts_of(actor)
    context: dict[str, Any] = {"posts": posts}
    if posts.is_staff_like:
        members = selectors.member_list(actor=actor)
        context["figures"] = {
            "areas": sorted(
                selectors.area_list(actor=actor).order_by().values("kind").annotate(n=Count("id")),
                key=lambda row: list(Area.Kind.values).index(row["kind"]),
            ),
            "units": selectors.unit_list(actor=actor).count(),
            "party_orgs": selectors.party_org_list(actor=actor).count(),
            "members": members.count(),
            "in_service": members.filter(in_service=True).count(),
        }
        context["assignments"] = selectors.role_assignment_list(actor=actor).filter(user=actor)
    else:
        context["me"] = selectors.member_list(actor=actor).filter(user=actor).first()
    return render(request, "orgs/home.html", context)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    actor = request.user
    roots = selectors.party_org_tree(actor=actor)
    areas = list(
        selectors.area_list(actor=actor)
        .exclude(kind=Area.Kind.GRID)
        .annotate(children_count=Count("children"))
    )
    return render(request, "orgs/tree.html", {"roots": roots, "areas": areas})


def _area_filters(request: HttpRequest) -> dict[str, Any]:
    return {"kind": request.GET.get("kind", ""), "q": request.GET.get("q", "").strip()}


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    filters = _area_filters(request)
    qs = selectors.area_list(actor=request.user, **filters)
    return render(
        request,
        "orgs/area_list.html",
        {
            "page": paginate(request, qs, 100),
            "filters": filters,
            "kinds": Area.Kind.choices,
            "query": query_without_page(request),
        },
    )


@login_required
def area_export(request: HttpRequest) -> HttpResponse:
    filters = _area_filters(request)
    qs = selectors.area_list(actor=request.user, **filters)
    return xlsx_export(
        what=_("区域"),
        headers=[_("编码"), _("名称"), _("层级"), _("上级编码")],
        rows=(
            (a.code, a.name, a.get_kind_display(), a.parent.code if a.parent else "") for a in qs
        ),
        filters=filters,
    )


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    # An aggregate drops Meta.ordering: order explicitly, or the pages are unstable.
    qs = (
        selectors.unit_list(actor=request.user, q=q)
        .annotate(member_count=Count("members", distinct=True))
        .order_by("code")
    )
    return render(
        request,
        "orgs/unit_list.html",
        {
            "page": paginate(request, qs, 50),
            "q": q,
            "query": query_without_page(request),
        },
    )


@login_required
def unit_export(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = selectors.unit_list(actor=request.user, q=q)
    return xlsx_export(
        what=_("单位"),
        headers=[
            _("单位编码"),
            _("单位名称"),
            _("简称"),
            _("单位类别"),
            _("所在区域编码"),
            _("地址"),
        ],
        rows=((u.code, u.name, u.short_name, u.category, u.area.code, u.address) for u in qs),
        filters={"q": q},
    )


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get(selectors.unit_get_for, request.user, unit_id)
    orgs = selectors.party_org_list(actor=request.user, unit=unit).annotate(
        member_count=Count("members")
    )
    return render(request, "orgs/unit_detail.html", {"unit": unit, "orgs": orgs})


def _member_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    actor = request.user
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "org", "unit", "status", "in_service")}
    filters: dict[str, Any] = {"q": raw["q"], "status": raw["status"]}
    if raw["org"]:
        filters["party_org"] = _get(selectors.party_org_get_for, actor, raw["org"])
    if raw["unit"]:
        filters["unit"] = _get(selectors.unit_get_for, actor, raw["unit"])
    if raw["in_service"] in ("1", "0"):
        filters["in_service"] = raw["in_service"] == "1"
    return filters, raw


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    filters, raw = _member_filters(request)
    qs = selectors.member_list(actor=request.user, **filters)
    page = paginate(request, qs, 50)
    return render(
        request,
        "orgs/member_list.html",
        {
            "page": page,
            "raw": raw,
            "filters": filters,
            "statuses": Member.Status.choices,
            "query": query_without_page(request),
            "org_options": selectors.party_org_list(actor=request.user)
            .select_related(None)
            .only("id", "name", "depth"),
        },
    )


@login_required
def member_export(request: HttpRequest) -> HttpResponse:
    filters, raw = _member_filters(request)
    qs = selectors.member_list(actor=request.user, **filters)
    headers = [
        _("姓名"),
        _("性别"),
        _("出生日期"),
        _("身份证号"),
        _("手机号"),
        _("党员类别"),
        _("入党日期"),
        _("所在党组织"),
        _("工作单位"),
        _("在职党员"),
        _("居住社区"),
    ]
    rows = (
        (
            m.name,
            m.get_gender_display(),
            m.birth_date,
            mask_id_number(m.id_number),
            mask_phone(m.phone),
            m.get_status_display(),
            m.joined_on or "",
            m.party_org.name,
            m.unit.name if m.unit else "",
            _("是") if m.in_service else _("否"),
            m.home_community.name if m.home_community else "",
        )
        for m in qs.iterator(chunk_size=2000)
    )
    return xlsx_export(what=_("党员名册"), headers=headers, rows=rows, filters=raw)


@login_required
def member_detail(request: HttpRequest, member_id: str) -> HttpResponse:
    actor = request.user
    member = _get(selectors.member_get_for, actor, member_id)
    can_write = (
        selectors.member_list(actor=actor, write=True, include_inactive=True)
        .filter(pk=member.pk)
        .exists()
    )
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "transfers": selectors.member_transfers(member=member),
            "may_unmask_id": scope.may_unmask(actor, field_name="id_number", member=member),
            "may_unmask_phone": scope.may_unmask(actor, field_name="phone", member=member),
            "can_write": can_write,
            "org_options": selectors.party_org_list(actor=actor)
            .exclude(kind=PartyOrg.Kind.WORKING_COMMITTEE)
            .select_related(None)
            .only("id", "name", "depth")
            if can_write
            else [],
        },
    )


@login_required
@require_POST
def member_unmask(request: HttpRequest, member_id: str) -> HttpResponse:
    member = _get(selectors.member_get_for, request.user, member_id)
    field_name = request.POST.get("field", "")
    try:
        value = services.member_unmask(
            actor=request.user,
            member=member,
            field_name=field_name,
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return render(request, "orgs/_unmasked.html", {"value": value, "field": field_name})


@login_required
@require_POST
def member_transfer(request: HttpRequest, member_id: str) -> HttpResponse:
    actor = request.user
    member = _get(selectors.member_get_for, actor, member_id)
    try:
        to_org = selectors.party_org_get_for(actor, request.POST.get("to_org", ""))
        services.member_transfer(
            actor=actor, member=member, to_org=to_org, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已转接至%(org)s") % {"org": to_org.name})
    return redirect("orgs:member_detail", member_id=member.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    kinds = [i for i in imports.importers() if i.may_use(request.user)]
    kind = request.POST.get("kind") or request.GET.get("kind") or (kinds[0].kind if kinds else "")
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要上传的文件")
        else:
            try:
                data = read_upload(upload, name=upload.name or "")
                batch = imports.import_check(
                    actor=request.user, kind=kind, data=data, filename=upload.name or "upload"
                )
            except ApplicationError as exc:
                error = exc.message
                status = exc.status
                return render(
                    request,
                    "orgs/import_start.html",
                    {"kinds": kinds, "kind": kind, "error": error},
                    status=status,
                )
            return redirect("orgs:import_preview", token=batch.token)
    actor: Any = request.user
    recent = ImportBatch.objects.filter(actor=actor)[:10]
    return render(
        request,
        "orgs/import_start.html",
        {"kinds": kinds, "kind": kind, "error": error, "recent": recent},
        status=400 if error else 200,
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _get(imports.importer_get, kind)
    return file_response(
        imports.template_workbook(importer),
        filename=f"{importer.title}导入模板.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    batch = _get(imports.import_batch_get_for, request.user, token)
    importer = _get(imports.importer_get, batch.kind)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKED).update(
                status=ImportBatch.Status.DISCARDED
            )
            messages.info(request, _("已放弃本次导入"))
            return redirect("orgs:import_start")
        try:
            batch = imports.import_commit(actor=request.user, token=token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("已导入%(n)d条%(t)s") % {"n": batch.written, "t": importer.title}
            )
        return redirect("orgs:import_preview", token=token)
    return render(
        request,
        "orgs/import_preview.html",
        {
            "batch": batch,
            "importer": importer,
            "columns": importer.columns,
            "errors": batch.errors[:200],
        },
    )


@login_required
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    batch = _get(imports.import_batch_get_for, request.user, token)
    return file_response(
        imports.error_report(batch),
        filename=f"导入错误报告-{batch.filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form_error: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.role_assign_by_login(
                actor=actor,
                login=request.POST.get("login", ""),
                role=request.POST.get("role", ""),
                area_code=request.POST.get("area_code", ""),
                unit_code=request.POST.get("unit_code", ""),
            )
        except ApplicationError as exc:
            form_error = {"message": exc.message}
        else:
            messages.success(request, _("已分配岗位"))
            return redirect("orgs:role_list")
    role = request.GET.get("role", "")
    qs = selectors.role_assignment_list(actor=actor)
    if role:
        qs = qs.filter(role=role)
    return render(
        request,
        "orgs/role_list.html",
        {
            "page": paginate(request, qs, 50),
            "roles": Role.choices,
            "role": role,
            "query": query_without_page(request),
            "form_error": form_error,
            "form": request.POST if form_error else {},
            "may_assign": scope.posts_of(actor).superuser
            or bool(scope.posts_of(actor).paths(write=True)),
        },
        status=400 if form_error else 200,
    )


@login_required
def role_export(request: HttpRequest) -> HttpResponse:
    qs = selectors.role_assignment_list(actor=request.user)
    return xlsx_export(
        what=_("岗位"),
        headers=[_("用户名"), _("姓名"), _("岗位"), _("区域"), _("单位")],
        rows=(
            (
                ra.user.username,
                ra.user.display_name,
                ra.get_role_display(),
                ra.area.name if ra.area else "",
                ra.unit.name if ra.unit else "",
            )
            for ra in qs
        ),
    )


@login_required
@require_POST
def role_revoke(request: HttpRequest, post_id: int) -> HttpResponse:
    assignment = _get(selectors.role_assignment_get_for, request.user, post_id, write=True)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销岗位"))
    return redirect("orgs:role_list")


def _org_choices(actor: Any) -> list[tuple[int, str]]:
    orgs = (
        selectors.party_org_list(actor=actor, write=True)
        .exclude(kind=PartyOrg.Kind.WORKING_COMMITTEE)
        .select_related(None)
        .only("id", "name")
    )
    return [(o.pk, o.name) for o in orgs]


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    choices = _org_choices(actor)
    if not choices:
        raise Http404(_("您的岗位不能新增党员"))
    form = MemberForm(request.POST or None, org_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = _get(selectors.party_org_get_for, actor, data.pop("party_org"), write=True)
        try:
            member = services.member_create(actor=actor, party_org=org, **data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已新增党员%(name)s") % {"name": member.name})
            return redirect("orgs:member_detail", member_id=member.public_id)
    return render(
        request,
        "orgs/member_form.html",
        {"form": form, "title": _("新增党员")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, member_id: str) -> HttpResponse:
    actor = request.user
    member = _get(selectors.member_get_for, actor, member_id, write=True)
    initial = {
        "name": member.name,
        "phone": member.phone,
        "status": member.status,
        "joined_on": member.joined_on,
        "in_service": member.in_service,
        "is_deputy": member.is_deputy,
        "is_committee_member": member.is_committee_member,
    }
    form = MemberForm(request.POST or None, initial=initial, org_choices=[], editing=True)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            services.member_update(actor=actor, member=member, **changed)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:member_detail", member_id=member.public_id)
    return render(
        request,
        "orgs/member_form.html",
        {"form": form, "title": _("修改党员信息"), "member": member},
        status=400 if form.errors else 200,
    )


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
        actor=request.user, member_id=member_id, reason=request.POST.get("reason", "")
    )
    return done(
        request,
        _("%(name)s已标记为不在册，其账号已停用") % {"name": member.name},
        to=reverse("orgs:member_list"),
    )
