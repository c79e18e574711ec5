"""The lists of this app, each declared once: its page, its Excel export and its API list all
come from here (ADR 0010)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongjian.core.lists import (
    CODE,
    DATE,
    MASKED_ID,
    MASKED_PHONE,
    NUMBER,
    Column,
    Filter,
    ListSpec,
)
from gongjian.orgs import selectors
from gongjian.orgs.models import Area, Member, PartyOrg, Role


def _yes_no(value: bool) -> str:
    return str(_("是") if value else _("否"))


AREAS = ListSpec(
    name="orgs.areas",
    title=_("区域"),
    rows=selectors.area_rows,
    per_page=100,
    filters=(
        Filter("q", _("名称或编码")),
        Filter("kind", _("层级"), kind="choice", choices=Area.Kind.choices),
        Filter("local_kind", _("类型"), kind="choice", choices=Area.LocalKind.choices),
        Filter("parent_id", _("上级区域"), kind="int"),
    ),
    columns=(
        Column(_("编码"), "code", kind=CODE),
        Column(_("名称"), "name"),
        Column(_("层级"), "kind_label"),
        Column(_("上级编码"), "parent.code", kind=CODE),
    ),
)

UNITS = ListSpec(
    name="orgs.units",
    title=_("单位"),
    rows=selectors.unit_rows,
    filters=(Filter("q", _("单位名称或编码")),),
    columns=(
        Column(_("单位编码"), "code", kind=CODE),
        Column(_("单位名称"), "name"),
        Column(_("简称"), "short_name"),
        Column(_("单位类别"), "category"),
        Column(_("所在区域编码"), "area.code", kind=CODE),
        Column(_("地址"), "address"),
        Column(_("党员数"), "member_count", kind=NUMBER),
    ),
)

PARTY_ORGS = ListSpec(
    name="orgs.party_orgs",
    title=_("党组织"),
    rows=selectors.party_org_rows,
    per_page=100,
    filters=(
        Filter("q", _("组织名称或编码")),
        Filter("kind", _("组织类别"), kind="choice", choices=PartyOrg.Kind.choices),
    ),
    columns=(
        Column(_("组织编码"), "code", kind=CODE),
        Column(_("组织名称"), "name"),
        Column(_("组织类别"), "get_kind_display"),
        Column(_("上级组织编码"), "parent.code", kind=CODE),
        Column(_("所属单位"), "unit.name"),
        Column(_("所属区域"), "area.name"),
        Column(_("书记"), "secretary"),
        Column(_("党员数"), "member_count", kind=NUMBER),
    ),
)

MEMBERS = ListSpec(
    name="orgs.members",
    title=_("党员名册"),
    rows=selectors.member_rows,
    filters=(
        Filter("q", _("姓名、身份证号或手机号")),
        Filter("party_org_id", _("所在党组织"), kind="int"),
        Filter("unit_id", _("工作单位"), kind="int"),
        Filter("status", _("党员类别"), kind="choice", choices=Member.Status.choices),
        Filter("in_service", _("在职党员"), kind="yesno"),
    ),
    columns=(
        Column(_("姓名"), "name"),
        Column(_("性别"), "get_gender_display"),
        Column(_("出生日期"), "birth_date", kind=DATE),
        Column(_("身份证号"), "id_number", kind=MASKED_ID),
        Column(_("手机号"), "phone", kind=MASKED_PHONE),
        Column(_("党员类别"), "get_status_display"),
        Column(_("入党日期"), "joined_on", kind=DATE),
        Column(_("所在党组织"), "party_org.name"),
        Column(_("工作单位"), "unit.name"),
        Column(_("在职党员"), lambda m: _yes_no(m.in_service)),
        Column(_("居住社区"), "home_community.name"),
    ),
)


POSTS = ListSpec(
    name="orgs.posts",
    title=_("岗位"),
    rows=selectors.role_assignment_list,
    filters=(Filter("role", _("岗位"), kind="choice", choices=Role.choices),),
    columns=(
        Column(_("用户名"), "user.username"),
        Column(_("姓名"), "user.display_name"),
        Column(_("岗位"), "get_role_display"),
        Column(_("区域"), "area.name"),
        Column(_("单位"), "unit.name"),
    ),
)
