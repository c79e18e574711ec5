"""Spreadsheet imports of areas, units, party organisations and members.

Each importer validates every row against the database and the rest of the file, and writes
in bulk; `core.imports` runs them all-or-nothing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.bulk import insert_rows
from gongjian.core.context import current
from gongjian.core.errors import ValidationFailed
from gongjian.core.figures import written
from gongjian.core.imports import Column, Importer, Prepared, RowError, register
from gongjian.core.models import AuditLog
from gongjian.core.search import fold
from gongjian.core.validation import parse_date
from gongjian.orgs import history, scope, selectors, services
from gongjian.orgs.models import Area, Member, PartyOrg, Unit

KIND_BY_LABEL = {str(label): value for value, label in Area.Kind.choices}
# A local name in the level column gives the level and the local kind: 镇 is a street-level
# area called a town, 村 a community-level one called a village.
LEVEL_OF_LOCAL = {
    str(local.label): (str(level), str(local))
    for level, locals_ in Area.LOCAL_KINDS.items()
    for local in locals_
}
ORG_KIND_BY_LABEL = {str(label): value for value, label in PartyOrg.Kind.choices}
STATUS_BY_LABEL = {str(label): value for value, label in Member.Status.choices}
STATUS_BY_LABEL.update({"正式": "full", "预备": "probationary"})
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}


def _bool(value: str) -> bool | None:
    v = value.strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    return None


def _managers(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True)) or bool(posts.unit_ids)


def _area_managers(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True))


def _dupes(rows: list[tuple[int, dict[str, str]]], key: str, label: str) -> list[RowError]:
    counts = Counter(v.get(key, "").strip() for _line, v in rows)
    return [
        RowError(line, label, _("编码“%(c)s”在文件中重复") % {"c": v.get(key, "").strip()})
        for line, v in rows
        if v.get(key, "").strip() and counts[v.get(key, "").strip()] > 1
    ]


# Areas --------------------------------------------------------------------------------------

AREA_COLUMNS = [
    Column("code", "编码", True, "唯一编码，如行政区划代码或网格编号", "QH0101"),
    Column("name", "名称", True, "", "晨辉社区"),
    Column("kind", "层级", True, "区、街道（镇、乡）、社区（村）、网格之一", "社区"),
    Column("parent", "上级编码", False, "上级区域的编码；区可以不填", "QH01"),
    Column(
        "local_kind", "类型", False, "第二级填街道、镇或乡，第三级填社区或村；不填按层级", "社区"
    ),
]


def _validate_areas(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    p = Prepared()
    label = {c.key: c.label for c in AREA_COLUMNS}
    p.errors += _dupes(rows, "code", label["code"])
    codes = [v.get("code", "").strip() for _l, v in rows]
    existing = set(Area.objects.filter(code__in=codes).values_list("code", flat=True))
    visible = {a.code: a for a in selectors.area_list(actor=actor, write=True)}
    in_file: dict[str, str] = {}
    local_given: dict[int, str] = {}
    for line, v in rows:
        raw = v.get("kind", "").strip()
        kind = KIND_BY_LABEL.get(raw, raw)
        local = v.get("local_kind", "").strip()
        if raw in LEVEL_OF_LOCAL:
            kind, implied = LEVEL_OF_LOCAL[raw]
            local = local or implied
        in_file[v.get("code", "").strip()] = kind
        local_given[line] = local
    order = {"district": 0, "street": 1, "community": 2, "grid": 3}
    items = []
    for line, v in rows:
        code, name = v.get("code", "").strip(), v.get("name", "").strip()
        kind = in_file.get(code, "")
        parent_code = v.get("parent", "").strip()
        if not code:
            p.errors.append(RowError(line, label["code"], _("编码不能为空")))
            continue
        if code in existing:
            p.errors.append(RowError(line, label["code"], _("编码%(c)s已存在") % {"c": code}))
        if not name:
            p.errors.append(RowError(line, label["name"], _("名称不能为空")))
        if kind not in order:
            p.errors.append(
                RowError(
                    line, label["kind"], _("层级应为：区、街道（镇、乡）、社区（村）、网格之一")
                )
            )
            continue
        try:
            local_kind = services.area_local_kind_check(kind, local_given.get(line, ""))
        except ValidationFailed as exc:
            p.errors.append(RowError(line, label["local_kind"], exc.message))
            local_kind = ""
        if not parent_code:
            if kind != "district":
                p.errors.append(RowError(line, label["parent"], _("只有区可以不填上级编码")))
            elif not scope.posts_of(actor).superuser:
                p.errors.append(RowError(line, label["parent"], _("只有平台管理员可以新建区")))
        elif parent_code in visible:
            parent_kind = visible[parent_code].kind
            if Area.CHILD_KIND.get(Area.Kind(parent_kind)) != kind:
                p.errors.append(
                    RowError(
                        line,
                        label["kind"],
                        _("上级是%(p)s，层级不匹配") % {"p": Area.Kind(parent_kind).label},
                    )
                )
        elif parent_code in in_file:
            if Area.CHILD_KIND.get(Area.Kind(in_file[parent_code])) != kind:
                p.errors.append(RowError(line, label["kind"], _("上级层级不匹配")))
        else:
            p.errors.append(
                RowError(
                    line,
                    label["parent"],
                    _("上级编码%(c)s不存在或不在您的管辖范围") % {"c": parent_code},
                )
            )
        items.append((order[kind], line, code, name, kind, parent_code, local_kind))
    items.sort()
    p.items = items
    return p


def _write_areas(actor: Any, p: Prepared) -> int:
    by_code = {a.code: a for a in selectors.area_list(actor=actor, write=True)}
    for _o, _line, code, name, kind, parent_code, local_kind in p.items:
        parent = by_code.get(parent_code) if parent_code else None
        area = Area(
            code=code,
            name=name,
            kind=kind,
            local_kind=local_kind,
            parent=parent,
            path=services.area_path(parent, code),
            depth=(parent.depth + 1) if parent else 0,
        )
        area.save()
        by_code[code] = area
    _bulk_audit(
        actor,
        "orgs.area",
        [(a.pk, a.name) for a in by_code.values() if a.code in {i[2] for i in p.items}],
    )
    return len(p.items)


# Units --------------------------------------------------------------------------------------

UNIT_COLUMNS = [
    Column("code", "单位编码", True, "唯一编码", "U001"),
    Column("name", "单位名称", True, "", "区税务局"),
    Column("short_name", "简称", False, "", "税务局"),
    Column("category", "单位类别", False, "如：人大、政协、审判、行政", "行政"),
    Column("area", "所在区域编码", True, "单位所在的区或街道的编码", "QH"),
    Column("address", "地址", False, "", "示范区青禾路1号"),
]


def _validate_units(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    p = Prepared()
    label = {c.key: c.label for c in UNIT_COLUMNS}
    p.errors += _dupes(rows, "code", label["code"])
    existing = set(
        Unit.objects.filter(code__in=[v.get("code", "").strip() for _l, v in rows]).values_list(
            "code", flat=True
        )
    )
    areas = {a.code: a for a in selectors.area_list(actor=actor, write=True)}
    for line, v in rows:
        code, name, area_code = (v.get(k, "").strip() for k in ("code", "name", "area"))
        if not code:
            p.errors.append(RowError(line, label["code"], _("单位编码不能为空")))
        elif code in existing:
            p.errors.append(RowError(line, label["code"], _("单位编码%(c)s已存在") % {"c": code}))
        if not name:
            p.errors.append(RowError(line, label["name"], _("单位名称不能为空")))
        area = areas.get(area_code)
        if area is None:
            p.errors.append(
                RowError(
                    line,
                    label["area"],
                    _("区域编码%(c)s不存在或不在您的管辖范围") % {"c": area_code},
                )
            )
            continue
        p.items.append(
            Unit(
                code=code,
                name=name[:100],
                short_name=v.get("short_name", "")[:50],
                category=v.get("category", "")[:50],
                area=area,
                address=v.get("address", "")[:200],
            )
        )
    return p


def _write_units(actor: Any, p: Prepared) -> int:
    created = Unit.objects.bulk_create(p.items, batch_size=1000)
    written.send(sender=Unit)  # bulk writes send no model signal
    _bulk_audit(actor, "orgs.unit", [(u.pk, u.name) for u in created])
    return len(created)


# Party organisations ------------------------------------------------------------------------

ORG_COLUMNS = [
    Column("code", "组织编码", True, "唯一编码", "U001-01"),
    Column("name", "组织名称", True, "", "区税务局第一党支部"),
    Column(
        "kind",
        "组织类别",
        True,
        "机关工委、党委、党总支、党支部、临时党支部、联合党支部之一",
        "党支部",
    ),
    Column("parent", "上级组织编码", False, "", "U001"),
    Column("unit", "所属单位编码", False, "所属单位编码与所属区域编码二选一", "U001"),
    Column("area", "所属区域编码", False, "社区、网格等区域的党组织填写", ""),
    Column("secretary", "书记", False, "", "王明"),
]


def _validate_orgs(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    p = Prepared()
    label = {c.key: c.label for c in ORG_COLUMNS}
    p.errors += _dupes(rows, "code", label["code"])
    existing = set(
        PartyOrg.objects.filter(code__in=[v.get("code", "").strip() for _l, v in rows]).values_list(
            "code", flat=True
        )
    )
    units = {u.code: u for u in selectors.unit_list(actor=actor, write=True)}
    areas = {a.code: a for a in selectors.area_list(actor=actor, write=True)}
    orgs = {o.code: o for o in selectors.party_org_list(actor=actor)}
    in_file = {v.get("code", "").strip(): line for line, v in rows}
    in_file_kinds = {
        v.get("code", "").strip(): ORG_KIND_BY_LABEL.get(v.get("kind", "").strip(), "")
        or v.get("kind", "").strip()
        for _l, v in rows
    }
    branch_kinds = {
        PartyOrg.Kind.BRANCH,
        PartyOrg.Kind.TEMPORARY_BRANCH,
        PartyOrg.Kind.JOINT_BRANCH,
    }
    depth: dict[str, int] = {}

    def level(code: str, seen: frozenset[str] = frozenset()) -> int:
        if code in depth:
            return depth[code]
        row = next((v for _l, v in rows if v.get("code", "").strip() == code), None)
        parent = (row or {}).get("parent", "").strip()
        if not parent or parent not in in_file or parent in seen:
            depth[code] = 0
        else:
            depth[code] = level(parent, seen | {code}) + 1
        return depth[code]

    for line, v in rows:
        code, name = v.get("code", "").strip(), v.get("name", "").strip()
        kind_text = v.get("kind", "").strip()
        kind = ORG_KIND_BY_LABEL.get(kind_text, kind_text)
        parent_code, unit_code, area_code = (
            v.get(k, "").strip() for k in ("parent", "unit", "area")
        )
        if not code:
            p.errors.append(RowError(line, label["code"], _("组织编码不能为空")))
            continue
        if code in existing:
            p.errors.append(RowError(line, label["code"], _("组织编码%(c)s已存在") % {"c": code}))
        if not name:
            p.errors.append(RowError(line, label["name"], _("组织名称不能为空")))
        if kind not in PartyOrg.Kind.values:
            p.errors.append(RowError(line, label["kind"], _("组织类别不正确")))
        if bool(unit_code) == bool(area_code):
            p.errors.append(
                RowError(line, label["unit"], _("所属单位编码与所属区域编码须填且只填一项"))
            )
        elif unit_code and unit_code not in units:
            p.errors.append(
                RowError(
                    line,
                    label["unit"],
                    _("单位编码%(c)s不存在或不在您的管辖范围") % {"c": unit_code},
                )
            )
        elif area_code and area_code not in areas:
            p.errors.append(
                RowError(
                    line,
                    label["area"],
                    _("区域编码%(c)s不存在或不在您的管辖范围") % {"c": area_code},
                )
            )
        if parent_code and parent_code not in orgs and parent_code not in in_file:
            p.errors.append(
                RowError(line, label["parent"], _("上级组织编码%(c)s不存在") % {"c": parent_code})
            )
        elif parent_code == code:
            p.errors.append(RowError(line, label["parent"], _("上级组织不能是自己")))
        elif parent_code:
            parent_org = orgs.get(parent_code)
            parent_kind = parent_org.kind if parent_org else in_file_kinds.get(parent_code)
            if parent_kind in branch_kinds:
                p.errors.append(RowError(line, label["parent"], _("党支部下不能再设下级组织")))
        p.items.append(
            (
                level(code),
                line,
                code,
                name,
                kind,
                parent_code,
                unit_code,
                area_code,
                v.get("secretary", "").strip()[:50],
            )
        )
    p.items.sort()
    return p


def _write_orgs(actor: Any, p: Prepared) -> int:
    orgs = {o.code: o for o in selectors.party_org_list(actor=actor)}
    units = {u.code: u for u in selectors.unit_list(actor=actor, write=True)}
    areas = {a.code: a for a in selectors.area_list(actor=actor, write=True)}
    created = []
    for _d, _line, code, name, kind, parent_code, unit_code, area_code, secretary in p.items:
        parent = orgs.get(parent_code) if parent_code else None
        org = PartyOrg(
            code=code,
            name=name[:100],
            kind=kind,
            parent=parent,
            unit=units.get(unit_code) if unit_code else None,
            area=areas.get(area_code) if area_code else None,
            secretary=secretary,
            path=services.party_org_path(parent, code),
            depth=(parent.depth + 1) if parent else 0,
        )
        org.save()
        orgs[code] = org
        created.append(org)
    _bulk_audit(actor, "orgs.partyorg", [(o.pk, o.name) for o in created])
    return len(created)


# Members ------------------------------------------------------------------------------------

MEMBER_COLUMNS = [
    Column("name", "姓名", True, "", "张三"),
    Column("id_number", "身份证号", True, "18位居民身份证号，末位X可小写", "", personal=True),
    Column("phone", "手机号", False, "11位手机号，可带+86", "", personal=True),
    Column("status", "党员类别", False, "正式党员或预备党员，默认正式党员", "正式党员"),
    Column("joined_on", "入党日期", False, "如2010-07-01", "2010-07-01"),
    Column("party_org", "所在党组织编码", True, "", "U001-01"),
    Column("unit", "工作单位编码", False, "不填则取党组织所属单位", "U001"),
    Column("in_service", "在职党员", False, "是或否", "是"),
    Column("is_deputy", "人大代表", False, "是或否", "否"),
    Column("is_committee_member", "政协委员", False, "是或否", "否"),
]


def _validate_members(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    p = Prepared()
    label = {c.key: c.label for c in MEMBER_COLUMNS}
    orgs = {o.code: o for o in selectors.party_org_list(actor=actor, write=True)}
    units = {u.code: u for u in selectors.unit_list(actor=actor)}
    seen: dict[str, int] = {}
    members: list[tuple[int, dict[str, Any]]] = []
    for line, v in rows:
        errors_before = len(p.errors)

        def err(key: str, message: str, line: int = line) -> None:
            p.errors.append(RowError(line, label[key], message))

        org = orgs.get(v.get("party_org", "").strip())
        if org is None:
            err(
                "party_org",
                _("党组织编码%(c)s不存在或不在您的管辖范围")
                % {"c": v.get("party_org", "").strip()},
            )
        unit_code = v.get("unit", "").strip()
        unit = units.get(unit_code) if unit_code else (org.unit if org and org.unit_id else None)
        if unit_code and unit is None:
            err("unit", _("单位编码%(c)s不存在或不在您的管辖范围") % {"c": unit_code})
        status = STATUS_BY_LABEL.get(v.get("status", "").strip() or "正式党员")
        if status is None:
            err("status", _("党员类别应为正式党员或预备党员"))
        joined = parse_date(v.get("joined_on", ""))
        if joined is None and v.get("joined_on", "").strip():
            err("joined_on", _("入党日期格式不正确，应如2010-07-01"))
        flags = {}
        for key in ("in_service", "is_deputy", "is_committee_member"):
            flag = _bool(v.get(key, ""))
            if flag is None:
                err(key, _("应填“是”或“否”"))
            flags[key] = bool(flag)
        try:
            data = services.member_clean(
                name=v.get("name", ""),
                id_number=v.get("id_number", ""),
                phone=v.get("phone", ""),
                status=status or "full",
                joined_on=joined,
            )
        except ValidationFailed as exc:
            for key, messages in exc.detail.get("fields", {}).items():
                for message in messages:
                    err(key if key in label else "name", message)
            continue
        first = seen.setdefault(data["id_number_hash"], line)
        if first != line:
            err("id_number", _("与第%(n)d行的身份证号重复") % {"n": first})
        if len(p.errors) == errors_before and org is not None:
            data.update(flags, party_org_id=org.pk, unit_id=unit.pk if unit else None)
            members.append((line, data))
    hashes = list(seen)
    existing: set[str] = set()
    for i in range(0, len(hashes), 500):
        existing.update(
            Member.objects.filter(id_number_hash__in=hashes[i : i + 500]).values_list(
                "id_number_hash", flat=True
            )
        )
    for line, m in members:
        if m["id_number_hash"] in existing:
            p.errors.append(RowError(line, label["id_number"], _("该身份证号的党员已在系统中")))
    p.items = [m for _line, m in members]
    return p


MEMBER_INSERT_FIELDS = (
    "public_id",
    "name",
    "name_folded",
    "gender",
    "birth_date",
    "id_number",
    "id_number_hash",
    "phone",
    "phone_hash",
    "status",
    "joined_on",
    "party_org_id",
    "unit_id",
    "in_service",
    "is_deputy",
    "is_committee_member",
    "is_active",
)


def _write_members(actor: Any, p: Prepared) -> int:
    """Ten thousand rows in seconds: plain rows through one executemany per batch, then one
    audit entry per member, found back by their public ids."""
    for m in p.items:
        m["public_id"] = uuid.uuid4()
        m["is_active"] = True
        m["name_folded"] = fold(m["name"])
    count = insert_rows(Member, p.items, fields=MEMBER_INSERT_FIELDS)
    written.send(sender=Member)  # bulk writes send no model signal
    ids: dict[uuid.UUID, int] = {}
    public_ids = [m["public_id"] for m in p.items]
    for i in range(0, len(public_ids), 2000):
        ids.update(
            Member.objects.filter(public_id__in=public_ids[i : i + 2000]).values_list(
                "public_id", "pk"
            )
        )
    _bulk_audit(actor, "orgs.member", [(ids[m["public_id"]], m["name"]) for m in p.items])
    pks = list(ids.values())
    for i in range(0, len(pks), 2000):  # each member's history opens on their joining day
        history.spells_open(Member.objects.filter(pk__in=pks[i : i + 2000]).only(*history.COLUMNS))
    return count


def _bulk_audit(actor: Any, object_type: str, objects: list[tuple[Any, str]]) -> None:
    ip = current().ip
    label = actor.get_username() if actor else ""
    insert_rows(
        AuditLog,
        (
            {
                "actor_id": actor.pk if actor else None,
                "actor_label": label,
                "action": "create",
                "object_type": object_type,
                "object_id": str(pk),
                "object_repr": name[:200],
                "changes": {"import": True},
                "ip": ip,
                "success": True,
                "reason": "",
            }
            for pk, name in objects
        ),
        fields=(
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip",
            "success",
            "reason",
        ),
    )


register(
    Importer(
        "areas",
        gettext_lazy("区域"),
        AREA_COLUMNS,
        _validate_areas,
        _write_areas,
        _area_managers,
        list_view="orgs:area_list",
    )
)
register(
    Importer(
        "units",
        gettext_lazy("单位"),
        UNIT_COLUMNS,
        _validate_units,
        _write_units,
        _area_managers,
        list_view="orgs:unit_list",
    )
)
register(
    Importer(
        "party_orgs",
        gettext_lazy("党组织"),
        ORG_COLUMNS,
        _validate_orgs,
        _write_orgs,
        _managers,
        list_view="orgs:tree",
    )
)
register(
    Importer(
        "members",
        gettext_lazy("党员"),
        MEMBER_COLUMNS,
        _validate_members,
        _write_members,
        _managers,
        list_view="orgs:member_list",
    )
)
