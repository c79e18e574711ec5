"""Legacy spreadsheets of past reports (历史报到台账): each row a confirmed report of an
in-service member to a community, written all-or-nothing through core.imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core import crypto
from gongjian.core.context import current
from gongjian.core.errors import ValidationFailed
from gongjian.core.figures import written
from gongjian.core.imports import Column, Importer, Prepared, RowError, register
from gongjian.core.models import AuditLog
from gongjian.core.validators import parse_id_number
from gongjian.orgs import history, scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member
from gongjian.reporting.models import MemberReport

COLUMNS = [
    Column("id_number", "身份证号", True, "报到党员的18位身份证号", "", personal=True),
    Column("name", "姓名", False, "填写时与档案核对", "张三"),
    Column("community", "报到社区编码", True, "居住社区的编码", "SFQ0101"),
    Column("grid", "网格编码", False, "可不填；填写时须属于该社区", "SFQ010101"),
    Column("confirmed_on", "报到日期", True, "社区确认报到的日期，如2024-03-01", "2024-03-01"),
]
LABEL = {c.key: c.label for c in COLUMNS}


def _may_use(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True)) or bool(posts.unit_ids)


def _parse_date(value: str) -> dt.date | None:
    v = value.strip().replace("/", "-").replace(".", "-")
    v = v.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        return dt.date.fromisoformat(v[:10])
    except ValueError:
        parts = v[:10].split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


def _validate(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    p = Prepared()
    hashes: dict[int, str] = {}
    for line, v in rows:
        try:
            hashes[line] = crypto.blind_index(parse_id_number(v.get("id_number", "")).value)
        except ValidationFailed as exc:
            p.errors.append(RowError(line, LABEL["id_number"], exc.message))
    members: dict[str, Member] = {}
    values = list(set(hashes.values()))
    for i in range(0, len(values), 500):
        for m in org_selectors.member_list(actor=actor, write=True).filter(
            id_number_hash__in=values[i : i + 500]
        ):
            members[m.id_number_hash] = m
    confirmed = set(
        MemberReport.objects.filter(
            member__in=[m.pk for m in members.values()], status=MemberReport.Status.CONFIRMED
        ).values_list("member_id", flat=True)
    )
    codes = {v.get(k, "").strip() for _l, v in rows for k in ("community", "grid")} - {""}
    areas = {a.code: a for a in org_selectors.area_directory().filter(code__in=codes)}
    today = timezone.localdate()
    seen: dict[int, int] = {}
    items = []
    for line, v in rows:
        before = len(p.errors)

        def err(key: str, message: str, line: int = line) -> None:
            p.errors.append(RowError(line, LABEL[key], message))

        member = members.get(hashes.get(line, ""))
        if line in hashes and member is None:
            err("id_number", _("该身份证号的党员不存在或不在您的管辖范围"))
        if member is not None:
            name = v.get("name", "").strip()
            if name and name != member.name:
                err("name", _("姓名与档案（%(n)s）不一致") % {"n": member.name})
            if not member.in_service:
                err("id_number", _("%(n)s不是在职党员，无需报到") % {"n": member.name})
            if member.pk in confirmed:
                err("id_number", _("%(n)s已有确认的报到") % {"n": member.name})
            first = seen.setdefault(member.pk, line)
            if first != line:
                err("id_number", _("与第%(n)d行是同一名党员") % {"n": first})
        code = v.get("community", "").strip()
        community = areas.get(code)
        if community is None or community.kind != Area.Kind.COMMUNITY:
            err("community", _("社区编码%(c)s不存在") % {"c": code})
            community = None
        grid_code = v.get("grid", "").strip()
        grid = areas.get(grid_code) if grid_code else None
        if grid_code and (
            grid is None
            or grid.kind != Area.Kind.GRID
            or (community is not None and grid.parent_id != community.pk)
        ):
            err("grid", _("网格编码%(c)s不存在或不属于该社区") % {"c": grid_code})
        day = _parse_date(v.get("confirmed_on", ""))
        if day is None:
            err("confirmed_on", _("报到日期格式不正确，应如2024-03-01"))
        elif day > today:
            err("confirmed_on", _("报到日期不能晚于今天"))
        if len(p.errors) == before and member is not None and community is not None and day:
            items.append((member, community, grid, day))
    p.items = items
    return p


def _write(actor: Any, p: Prepared) -> int:
    tz = timezone.get_current_timezone()
    reports = []
    members = []
    for member, community, grid, day in p.items:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)), tz)
        reports.append(
            MemberReport(
                member=member,
                community=community,
                grid=grid,
                status=MemberReport.Status.CONFIRMED,
                source=MemberReport.Source.IMPORT,
                submitted_at=moment,
                decided_at=moment,
                confirmed_at=moment,
                decided_by=actor,
            )
        )
        member.home_community = community
        member.home_grid = grid
        members.append(member)
    created = MemberReport.objects.bulk_create(reports, batch_size=1000)
    homes = {m.pk: m for m in Member.objects.filter(pk__in=[m.pk for m in members])}
    Member.objects.bulk_update(members, ["home_community", "home_grid"], batch_size=1000)
    for member, community, grid, day in p.items:  # they live there from the report's day
        changes = {"home_community_id": community.pk, "home_grid_id": grid.pk if grid else None}
        history.record(homes[member.pk], on=day, changes=changes)
    written.send(sender=MemberReport)  # bulk writes send no model signal
    ip = current().ip
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=actor,
                actor_label=actor.get_username() if actor else "",
                action="import",
                object_type="reporting.memberreport",
                object_id=str(r.pk),
                object_repr=str(r)[:200],
                changes={
                    "import": True,
                    "member": r.member_id,
                    "community": r.community_id,
                    "grid": r.grid_id,
                    "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
                },
                ip=ip,
            )
            for r in created
        ],
        batch_size=1000,
    )
    return len(created)


register(
    Importer(
        "member_reports",
        gettext_lazy("历史报到记录"),
        COLUMNS,
        _validate,
        _write,
        _may_use,
        list_view="reporting:report_list",
    )
)
