"""Every write of the forms app: design a form, open it for a period, fill, submit, approve,
send back, reopen, lock, remind. Each validates, then writes in one transaction with an
audit entry; a broken rule names its field and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one, user_of
from gongjian.core.audit import audit_record
from gongjian.core.errors import Conflict, PermissionDenied, ValidationFailed
from gongjian.core.validation import (
    clean_choice,
    clean_date,
    clean_decimal,
    clean_int,
    clean_text,
    invalid,
)
from gongjian.forms import schedule, selectors, sources
from gongjian.forms.models import Answer, Approval, Field, Form, Return, Round, Rule
from gongjian.orgs.models import Area, Member, PartyOrg, Role, Unit
from gongjian.orgs.services import NoticeDraft, notices_send

# What a number column holds (18 digits, 4 of them decimals), with room to spare.
LOW, HIGH = Decimal("-99999999999999"), Decimal("99999999999999")
YES = {"1", "是", "yes", "y", "true", "on", "有"}
NO = {"0", "否", "no", "n", "false", "off", "无"}
OPS = {
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "eq": lambda a, b: a == b,
}


# Design ---------------------------------------------------------------------------------------


V = TypeVar("V", Field, Rule)


@transaction.atomic
def form_create(
    *,
    actor: Any,
    title: str,
    frequency: str,
    fillers: str,
    owner_id: Any = None,
    due_day: Any = 5,
    approval_levels: Any = 1,
    description: str = "",
    area_ids: Sequence[Any] = (),
    unit_ids: Sequence[Any] = (),
    branch_kind: str = "",
) -> Form:
    if not selectors.may_design(actor):
        raise PermissionDenied(_("只有区或街道管理员可以设计报表"))
    title = clean_text("title", title, _("报表名称"), 100)
    frequency = clean_choice("frequency", frequency, _("报送周期"), Form.Frequency.choices)
    fillers = clean_choice("fillers", fillers, _("填报对象"), Form.Fillers.choices)
    day = clean_int("due_day", due_day, _("截止日"), minimum=1, maximum=28)
    levels = clean_int("approval_levels", approval_levels, _("审核层级"), minimum=1, maximum=2)
    areas = selectors.design_areas(actor=actor)
    if owner_id in (None, ""):
        owner = areas.order_by("depth", "path").first()
        if owner is None:
            raise invalid("owner_id", _("请选择制表区域"))
    else:
        owner = one(areas, _("制表区域不存在或无权使用"), pk=owner_id)
    _check_levels(owner, levels)
    form = Form(
        title=title,
        owner=owner,
        frequency=frequency,
        fillers=fillers,
        branch_kind=_branch_kind(fillers, branch_kind),
        due_day=day,
        approval_levels=levels,
        description=clean_text(
            "description", description, _("填报说明"), 2000, required=False, multiline=True
        ),
        created_by=user_of(actor),
    )
    form.save()
    if fillers == Form.Fillers.LISTED:
        listed_a = list(
            Area.objects.filter(
                pk__in=[a for a in area_ids if str(a).isdigit()],
                kind=Area.Kind.COMMUNITY,
                path__startswith=owner.path,
            )
        )
        listed_u = list(
            Unit.objects.filter(
                pk__in=[u for u in unit_ids if str(u).isdigit()], area__path__startswith=owner.path
            )
        )
        if len(listed_a) != len(set(area_ids)) or len(listed_u) != len(set(unit_ids)):
            raise invalid("fillers", _("指定的填报对象须是制表区域内的社区或单位"))
        if not listed_a and not listed_u:
            raise invalid("fillers", _("请指定至少一个填报社区或单位"))
        form.listed_areas.set(listed_a)
        form.listed_units.set(listed_u)
    audit_record(
        action="create",
        obj=form,
        object_repr=form.title,
        changes={"frequency": frequency, "fillers": fillers},
    )
    return form


def _branch_kind(fillers: str, kind: Any) -> str:
    """The kind of party organisation that fills a form "for every branch of a kind"."""
    if fillers != Form.Fillers.BRANCHES:
        return ""
    if not str(kind or "").strip():
        raise invalid("branch_kind", _("填报对象为某类党组织时，请选择党组织类别"))
    return clean_choice("branch_kind", kind, _("党组织类别"), PartyOrg.Kind.choices)


def _check_levels(owner: Area, levels: int) -> None:
    """A street's form (for its own use) is approved by the street alone: one level."""
    if levels > 1 and owner.kind != Area.Kind.DISTRICT:
        raise invalid(
            "approval_levels",
            _("审核层级：%(a)s自用的报表只有一级审核（由街道审核各社区的填报）")
            % {"a": owner.name},
        )


@transaction.atomic
def form_update(
    *,
    actor: Any,
    form_id: Any,
    title: str,
    fillers: str,
    due_day: Any,
    approval_levels: Any,
    description: str = "",
    branch_kind: str = "",
) -> Form:
    """Change a form's settings. Who fills it and the due day apply to the rounds opened
    after the change (a round's returns and due day are made when it is opened); the levels
    of approval apply at once."""
    form = _design(actor, form_id)
    title = clean_text("title", title, _("报表名称"), 100)
    fillers = clean_choice("fillers", fillers, _("填报对象"), Form.Fillers.choices)
    if fillers == Form.Fillers.LISTED and form.fillers != Form.Fillers.LISTED:
        raise invalid("fillers", _("填报对象：指定单位和社区须在新建报表时选择"))
    day = clean_int("due_day", due_day, _("截止日"), minimum=1, maximum=28)
    levels = clean_int("approval_levels", approval_levels, _("审核层级"), minimum=1, maximum=2)
    _check_levels(form.owner, levels)
    before = {
        "title": form.title,
        "fillers": form.fillers,
        "branch_kind": form.branch_kind,
        "due_day": form.due_day,
        "approval_levels": form.approval_levels,
    }
    form.title = title
    form.fillers = fillers
    form.branch_kind = _branch_kind(fillers, branch_kind)
    form.due_day = day
    form.approval_levels = levels
    form.description = clean_text(
        "description", description, _("填报说明"), 2000, required=False, multiline=True
    )
    form.save()
    after = {k: getattr(form, k) for k in before}
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return form


def _design(actor: Any, form_id: Any) -> Form:
    return selectors.form_get_for(actor, form_id, design=True, lock=True)


def _new_version(form: Form) -> int:
    """The version a change of design goes into: the current one while no round uses it,
    else the next (past returns keep theirs)."""
    if form.rounds.filter(version=form.version).exists():
        form.version += 1
        form.save(update_fields=["version", "updated_at"])
    return form.version


def _field_by_code(form: Form, code: Any, name: str, label: str) -> Field:
    text = str(code or "").strip()
    found = form.fields.filter(code=text, until__isnull=True).first()
    if found is None:
        raise invalid(
            name, _("%(label)s：没有代码为“%(code)s”的字段") % {"label": label, "code": text}
        )
    return found


def _field_parts(
    *,
    kind: str,
    label: str,
    section: str,
    measure: str,
    required: bool,
    choices: str,
    minimum: Any,
    maximum: Any,
    source: str,
) -> dict[str, Any]:
    """The checked values of a field's design that may change from one version to the next."""
    lo = clean_decimal(
        "minimum", minimum, _("最小值"), required=False, places=4, minimum=LOW, maximum=HIGH
    )
    hi = clean_decimal(
        "maximum", maximum, _("最大值"), required=False, places=4, minimum=LOW, maximum=HIGH
    )
    if lo is not None and hi is not None and lo > hi:
        raise invalid("maximum", _("最大值不能小于最小值"))
    choice_text = "\n".join(c.strip() for c in str(choices or "").splitlines() if c.strip())
    if kind == Field.Kind.CHOICE and not choice_text:
        raise invalid("choices", _("选项类字段请填写选项，每行一个"))
    source = str(source or "").strip()
    if source:
        if kind not in Field.NUMERIC:
            raise invalid("source", _("只有数字类字段可以取自平台数据"))
        if source not in {k for k, _l, _u in sources.catalogue()}:
            raise invalid("source", _("数据来源“%(s)s”不是平台的指标") % {"s": source})
    return {
        "label": clean_text("label", label, _("字段名称"), 100),
        "section": clean_text("section", section, _("分组"), 50, required=False),
        "measure": clean_text("measure", measure, _("计量单位"), 16, required=False),
        "required": bool(required),
        "choices": choice_text,
        "minimum": lo,
        "maximum": hi,
        "source": source,
    }


def _revise(row: V, version: int, **changes: Any) -> V:
    """A field or rule of the form as of `version`: changed in place while no round uses the
    version it was made in, else ended there and continued by a copy (past rounds keep the
    old one)."""
    if row.since == version:
        for k, v in changes.items():
            setattr(row, k, v)
        row.save()
        return row
    row.until = version
    row.save(update_fields=["until", "updated_at"])
    copy = type(row).objects.get(pk=row.pk)
    copy.pk = None
    copy._state.adding = True
    for k, v in {**changes, "since": version, "until": None}.items():
        setattr(copy, k, v)
    copy.save()
    return copy


def _retire_rule(rule: Rule, version: int) -> None:
    if rule.since == version:
        rule.delete()
    else:
        rule.until = version
        rule.save(update_fields=["until", "updated_at"])


def _revise_field(field: Field, version: int, **changes: Any) -> Field:
    """The field as of `version` (`_revise`); a copy carries the current rules and
    percentages that use the field over to it."""
    copy = _revise(field, version, **changes)
    if copy is field:
        return field
    for rule in Rule.objects.filter(Q(left=field) | Q(right=field), until__isnull=True):
        _revise(
            rule,
            version,
            left=copy if rule.left_id == field.pk else rule.left,
            right=copy if rule.right_id == field.pk else rule.right,
        )
    for ratio in Field.objects.filter(
        Q(numerator=field) | Q(denominator=field), until__isnull=True
    ):
        _revise_field(
            ratio,
            version,
            numerator=copy if ratio.numerator_id == field.pk else ratio.numerator,
            denominator=copy if ratio.denominator_id == field.pk else ratio.denominator,
        )
    return copy


@transaction.atomic
def field_add(
    *,
    actor: Any,
    form_id: Any,
    code: str,
    label: str,
    kind: str,
    section: str = "",
    measure: str = "",
    required: bool = False,
    choices: str = "",
    minimum: Any = None,
    maximum: Any = None,
    source: str = "",
    numerator: str = "",
    denominator: str = "",
) -> Field:
    form = _design(actor, form_id)
    code = clean_text("code", code, _("字段代码"), 32)
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise invalid("code", _("字段代码只能由字母、数字和下划线组成"))
    if form.fields.filter(code=code, until__isnull=True).exists():
        raise invalid("code", _("字段代码“%(code)s”已存在") % {"code": code})
    kind = clean_choice("kind", kind, _("类型"), Field.Kind.choices)
    parts = _field_parts(
        kind=kind,
        label=label,
        section=section,
        measure=measure,
        required=required,
        choices=choices,
        minimum=minimum,
        maximum=maximum,
        source=source,
    )
    num = den = None
    if numerator or denominator:
        if kind != Field.Kind.PERCENTAGE:
            raise invalid("numerator", _("只有百分比字段可以由分子和分母计算"))
        num = _field_by_code(form, numerator, "numerator", _("分子"))
        den = _field_by_code(form, denominator, "denominator", _("分母"))
        if not (num.numeric and den.numeric):
            raise invalid("numerator", _("分子和分母须是数字类字段"))
    version = _new_version(form)
    last = form.fields.order_by("-position").values_list("position", flat=True).first() or 0
    field = Field(
        form=form,
        code=code,
        kind=kind,
        numerator=num,
        denominator=den,
        position=last + 1,
        since=version,
        **parts,
    )
    field.save()
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={"field_added": code, "version": version},
    )
    return field


@transaction.atomic
def field_edit(
    *,
    actor: Any,
    form_id: Any,
    code: str,
    label: str,
    section: str = "",
    measure: str = "",
    required: bool = False,
    choices: str = "",
    minimum: Any = None,
    maximum: Any = None,
    source: str = "",
) -> Field:
    """Change a field's label, group, unit of measure, required, bounds, choices or source
    (not its code or type): from the next period when a round uses the current version."""
    form = _design(actor, form_id)
    field = _field_by_code(form, code, "code", _("字段代码"))
    parts = _field_parts(
        kind=field.kind,
        label=label,
        section=section,
        measure=measure,
        required=required,
        choices=choices,
        minimum=minimum,
        maximum=maximum,
        source=source,
    )
    if field.ratio and parts["source"]:
        raise invalid("source", _("由分子和分母计算的百分比不能取自平台数据"))
    changed = {k: v for k, v in parts.items() if getattr(field, k) != v}
    if not changed:
        return field
    version = _new_version(form)
    field = _revise_field(field, version, **changed)
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={
            "field_edited": field.code,
            "version": version,
            "changed": {k: str(v) for k, v in changed.items()},
        },
    )
    return field


@transaction.atomic
def field_move(*, actor: Any, form_id: Any, code: str, direction: str) -> Form:
    """Move a field one place up or down among the current version's fields."""
    form = _design(actor, form_id)
    field = _field_by_code(form, code, "code", _("字段代码"))
    direction = clean_choice(
        "direction", direction, _("移动方向"), [("up", _("上移")), ("down", _("下移"))]
    )
    current = selectors.fields_of(form)
    at = next(i for i, f in enumerate(current) if f.pk == field.pk)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(current):
        raise invalid("direction", _("“%(l)s”已在最前或最后") % {"l": field.label})
    version = _new_version(form)
    codes = [f.code for f in current]
    codes[at], codes[to] = codes[to], codes[at]
    wanted = {c: i for i, c in enumerate(codes, start=1)}
    if current[at].position != current[to].position:  # swap the two places, nothing else
        wanted = {
            current[at].code: current[to].position,
            current[to].code: current[at].position,
        }
    for c, position in wanted.items():
        # fetched afresh: revising one field may have carried another (a percentage) over
        f = form.fields.get(code=c, until__isnull=True)
        if f.position != position:
            _revise_field(f, version, position=position)
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={"field_moved": code, "direction": direction, "version": version},
    )
    return form


@transaction.atomic
def field_remove(*, actor: Any, form_id: Any, code: str) -> Form:
    """Remove a field (and the rules that check it) from the next period on; past rounds keep
    it. A percentage computed from it must be removed first."""
    form = _design(actor, form_id)
    field = _field_by_code(form, code, "code", _("字段代码"))
    users = Field.objects.filter(
        Q(numerator=field) | Q(denominator=field), until__isnull=True
    ).first()
    if users is not None:
        raise invalid(
            "code",
            _("“%(f)s”由该字段计算，请先删除“%(f)s”") % {"f": users.label},
        )
    version = _new_version(form)
    for rule in Rule.objects.filter(Q(left=field) | Q(right=field), until__isnull=True):
        _retire_rule(rule, version)
    if field.since == version:
        field.delete()
    else:
        field.until = version
        field.save(update_fields=["until", "updated_at"])
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={"field_removed": code, "version": version},
    )
    return form


def _rule_parts(form: Form, *, left: Any, op: Any, right: Any, constant: Any) -> dict[str, Any]:
    lf = _field_by_code(form, left, "left", _("左侧字段"))
    op = clean_choice("op", op, _("关系"), Rule.Op.choices)
    rf = None
    value = None
    if str(right or "").strip():
        rf = _field_by_code(form, right, "right", _("右侧字段"))
    else:
        value = clean_decimal("constant", constant, _("常数"), places=4, minimum=LOW, maximum=HIGH)
    if not lf.numeric or (rf is not None and not rf.numeric):
        raise invalid("left", _("校验规则只能比较数字类字段"))
    return {"left": lf, "op": op, "right": rf, "constant": value}


@transaction.atomic
def rule_add(
    *,
    actor: Any,
    form_id: Any,
    left: str,
    op: str,
    right: str = "",
    constant: Any = None,
    message: str = "",
) -> Rule:
    form = _design(actor, form_id)
    parts = _rule_parts(form, left=left, op=op, right=right, constant=constant)
    text = clean_text("message", message, _("提示"), 200, required=False)
    version = _new_version(form)
    rule = Rule(form=form, since=version, message=text, **parts)
    rule.save()
    audit_record(
        action="update", obj=form, object_repr=form.title, changes={"rule_added": str(rule.pk)}
    )
    return rule


def _current_rule(form: Form, rule_id: Any) -> Rule:
    return one(
        form.rules.filter(until__isnull=True).select_related("left", "right"),
        _("校验规则不存在或已删除"),
        pk=rule_id if str(rule_id or "").isdigit() else 0,
    )


@transaction.atomic
def rule_edit(
    *,
    actor: Any,
    form_id: Any,
    rule_id: Any,
    left: str,
    op: str,
    right: str = "",
    constant: Any = None,
    message: str = "",
) -> Rule:
    """Change a rule: from the next period when a round uses the current version."""
    form = _design(actor, form_id)
    rule = _current_rule(form, rule_id)
    parts = _rule_parts(form, left=left, op=op, right=right, constant=constant)
    parts["message"] = clean_text("message", message, _("提示"), 200, required=False)
    changed = {k: v for k, v in parts.items() if getattr(rule, k) != v}
    if not changed:
        return rule
    version = _new_version(form)
    rule = _revise(rule, version, **changed)
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={"rule_edited": str(rule.pk), "version": version, "changed": sorted(changed)},
    )
    return rule


@transaction.atomic
def rule_remove(*, actor: Any, form_id: Any, rule_id: Any) -> Form:
    """Remove a rule from the next period on; past rounds keep checking theirs."""
    form = _design(actor, form_id)
    rule = _current_rule(form, rule_id)
    version = _new_version(form)
    _retire_rule(rule, version)
    audit_record(
        action="update",
        obj=form,
        object_repr=form.title,
        changes={"rule_removed": str(rule_id), "version": version},
    )
    return form


@transaction.atomic
def form_set_status(*, actor: Any, form_id: Any, status: str) -> Form:
    form = _design(actor, form_id)
    status = clean_choice("status", status, _("状态"), Form.Status.choices)
    if status == Form.Status.ACTIVE and not form.fields.filter(until__isnull=True).exists():
        raise invalid("status", _("报表还没有字段，不能启用"))
    before = form.status
    form.status = status
    form.save(update_fields=["status", "updated_at"])
    audit_record(
        action="update", obj=form, object_repr=form.title, changes={"status": [before, status]}
    )
    return form


# Rounds ---------------------------------------------------------------------------------------


def _fillers(form: Form) -> tuple[list[Area], list[Unit]]:
    owner = form.owner
    if form.fillers == Form.Fillers.COMMUNITIES:
        return list(Area.objects.filter(kind=Area.Kind.COMMUNITY, path__startswith=owner.path)), []
    if form.fillers == Form.Fillers.UNITS:
        return [], list(
            Unit.objects.filter(area__path__startswith=owner.path).select_related("area")
        )
    if form.fillers == Form.Fillers.BRANCHES:
        return [], []
    return list(form.listed_areas.all()), list(form.listed_units.select_related("area"))


def _branches(form: Form) -> list[PartyOrg]:
    """The party organisations of the form's kind under its owner that a post fills for:
    those of a community (its administrator) and those of a unit (the unit's)."""
    if form.fillers != Form.Fillers.BRANCHES:
        return []
    path = form.owner.path
    return list(
        PartyOrg.objects.filter(kind=form.branch_kind)
        .filter(
            Q(area__kind=Area.Kind.COMMUNITY, area__path__startswith=path)
            | Q(unit__area__path__startswith=path)
        )
        .select_related("area", "unit__area")
        .order_by("path")
    )


def unit_path(unit: Unit) -> str:
    """A unit's node in the roll-up: under its area, distinct from it."""
    return f"{unit.area.path}#{unit.pk}/"


def org_path(org: PartyOrg) -> str:
    """A party organisation's node: under its unit's node, or under its community."""
    if org.unit_id:
        return f"{unit_path(org.unit)}o{org.pk}/"  # type: ignore[arg-type]
    return f"{org.area.path}#o{org.pk}/"  # type: ignore[union-attr]


@transaction.atomic
def round_open(*, actor: Any, form_id: Any, day: Any) -> Round:
    """Open the form for the period `day` falls in: one return owed by each filler."""
    form = _design(actor, form_id)
    if form.status != Form.Status.ACTIVE:
        raise Conflict(_("报表未启用，不能下发"))
    when = clean_date("day", day, _("报告期"))
    period = schedule.period_containing(form.frequency, when)
    if form.rounds.filter(start=period.start).exists():
        raise Conflict(_("%(p)s的报表已经下发") % {"p": schedule.label(form.frequency, period)})
    rnd = Round(
        form=form,
        version=form.version,
        start=period.start,
        end=period.end,
        label=schedule.label(form.frequency, period),
        due_on=schedule.due_on(period, form.due_day),
        opened_by=user_of(actor),
    )
    rnd.save()
    areas, units = _fillers(form)
    branches = _branches(form)
    if form.fillers == Form.Fillers.BRANCHES and not branches:
        raise Conflict(
            _("%(o)s没有%(k)s，无人填报")
            % {"o": form.owner.name, "k": PartyOrg.Kind(form.branch_kind).label}
        )
    Return.objects.bulk_create(
        [Return(round=rnd, area=a, path=a.path) for a in areas]
        + [Return(round=rnd, unit=u, path=unit_path(u)) for u in units]
        + [Return(round=rnd, org=o, area=o.area, unit=o.unit, path=org_path(o)) for o in branches]
    )
    audit_record(
        action="create",
        obj=rnd,
        object_repr=str(rnd),
        changes={"returns": len(areas) + len(units) + len(branches)},
    )
    return rnd


@transaction.atomic
def round_lock(*, actor: Any, round_id: Any, locked: bool = True) -> Round:
    rnd = selectors.round_get_for(actor, round_id, design=True, lock=True)
    rnd.locked = bool(locked)
    rnd.save(update_fields=["locked", "updated_at"])
    audit_record(action="update", obj=rnd, object_repr=str(rnd), changes={"locked": rnd.locked})
    return rnd


# Filling --------------------------------------------------------------------------------------


def _parse(field: Field, raw: Any) -> tuple[Decimal | None, str, dt.date | None]:
    """One typed value, or `ValidationFailed` naming the field (by its code) and the rule."""
    name, label = field.code, field.label
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    if empty:
        return None, "", None
    lo = LOW if field.minimum is None else field.minimum
    hi = HIGH if field.maximum is None else field.maximum
    if field.kind == Field.Kind.INTEGER:
        n = clean_int(name, raw, label, minimum=int(lo), maximum=int(hi))
        return Decimal(n), "", None
    if field.kind in (Field.Kind.DECIMAL, Field.Kind.PERCENTAGE):
        if field.kind == Field.Kind.PERCENTAGE:
            lo = Decimal(0) if field.minimum is None else lo
            hi = Decimal(100) if field.maximum is None else hi
        return clean_decimal(name, raw, label, minimum=lo, maximum=hi, places=4), "", None
    if field.kind == Field.Kind.YESNO:
        text = str(raw).strip().lower()
        if text not in YES | NO:
            raise invalid(name, _("%(label)s应为“是”或“否”") % {"label": label})
        return Decimal(1 if text in YES else 0), "", None
    if field.kind == Field.Kind.DATE:
        return None, "", clean_date(name, raw, label)
    if field.kind == Field.Kind.CHOICE:
        return None, clean_choice(name, raw, label, field.choice_list), None
    return None, clean_text(name, raw, label, 1000, multiline=True), None


def _check(
    fields: list[Field],
    rules: list[Rule],
    values: dict[int, Decimal | None],
    texts: dict[int, str],
    dates: dict[int, dt.date | None],
) -> None:
    """At submission: every required field filled, every rule holds."""
    errors: dict[str, list[str]] = {}
    for f in fields:
        filled = values.get(f.pk) is not None or texts.get(f.pk) or dates.get(f.pk) is not None
        if f.required and not filled and not f.ratio:
            errors.setdefault(f.code, []).append(_("请填写%(label)s") % {"label": f.label})
    for r in rules:
        a = values.get(r.left_id)
        b = values.get(r.right_id) if r.right_id else r.constant
        if a is None or b is None:
            continue
        if not OPS[r.op](a, b):
            right = r.right.label if r.right is not None else f"{r.constant.normalize():f}"  # type: ignore[union-attr]
            text = r.message or _("%(a)s应%(op)s%(b)s") % {
                "a": r.left.label,
                "op": r.get_op_display(),
                "b": right,
            }
            errors.setdefault(r.left.code, []).append(
                _("校验未通过：%(rule)s（%(a)s为%(va)s，%(b)s为%(vb)s）")
                % {
                    "rule": text,
                    "a": r.left.label,
                    "va": f"{a.normalize():f}",
                    "b": right,
                    "vb": f"{b.normalize():f}",
                }
            )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)


@transaction.atomic
def return_save(
    *,
    actor: Any,
    return_id: Any,
    values: Mapping[str, Any],
    reasons: Mapping[str, Any] | None = None,
    submit: bool = False,
) -> Return:
    """Save the return's values (by field code) as a draft, or submit it. A sourced field
    takes the platform's figure unless the filler gives another value with a reason; at
    submission every required field and every rule is checked and the figures freeze."""
    ret = selectors.return_get_for(actor, return_id, fill=True, lock=True)
    rnd = ret.round
    if rnd.locked:
        raise Conflict(_("%(r)s已锁定，不能再填报") % {"r": rnd.label})
    if not ret.editable:
        raise Conflict(_("该填报已报送（%(s)s），不能修改") % {"s": ret.get_status_display()})
    reasons = reasons or {}
    fields = selectors.fields_of(rnd.form, rnd.version)
    by_code = {f.code: f for f in fields}
    unknown = [k for k in values if k not in by_code]
    if unknown:
        raise invalid(unknown[0], _("报表没有字段“%(code)s”") % {"code": unknown[0]})
    live = sources.live_values(actor=actor, ret=ret, fields=fields)
    existing = selectors.answers_of(ret)
    numbers: dict[int, Decimal | None] = {}
    texts: dict[int, str] = {}
    dates: dict[int, dt.date | None] = {}
    notes: dict[int, str] = {}
    for f in fields:
        if f.ratio:
            continue
        old = existing.get(f.pk)
        if f.code in values:
            raw = values[f.code]
        elif old is None or (f.pk in live and not old.reason):
            raw = None  # a sourced field follows the platform's figure until submission
        elif f.numeric or f.kind == Field.Kind.YESNO:
            raw = None if old.number is None else f"{old.number.normalize():f}"
        else:
            raw = old.date if f.kind == Field.Kind.DATE else old.text
        number, text, date = _parse(f, raw)
        reason = clean_text(
            f"reason_{f.code}",
            reasons.get(f.code, old.reason if old else ""),
            _("修改原因"),
            400,
            required=False,
        )
        if f.pk in live:
            computed = live[f.pk][0]
            if number is None:
                number = computed
            if number != computed and not reason:
                raise invalid(
                    f.code,
                    _("%(label)s由平台计算为%(v)s，修改时请填写原因")
                    % {"label": f.label, "v": f"{computed.normalize():f}"},
                )
            if number == computed:
                reason = ""
        numbers[f.pk], texts[f.pk], dates[f.pk], notes[f.pk] = number, text, date, reason
    for f in fields:
        if f.ratio:
            den = numbers.get(f.denominator_id or 0)
            num = numbers.get(f.numerator_id or 0)
            numbers[f.pk] = (
                (num * 100 / den).quantize(Decimal("0.0001")) if num is not None and den else None
            )
            texts[f.pk], dates[f.pk], notes[f.pk] = "", None, ""
    if submit:
        _check(fields, selectors.rules_of(rnd.form, rnd.version), numbers, texts, dates)
    rows = []
    for f in fields:
        rows.append(
            Answer(
                ret=ret,
                field=f,
                round=rnd,
                path=ret.path,
                counted=False,
                number=numbers[f.pk],
                text=texts[f.pk],
                date=dates[f.pk],
                computed=live[f.pk][0] if f.pk in live else None,
                reason=notes[f.pk],
            )
        )
    Answer.objects.filter(ret=ret).delete()
    Answer.objects.bulk_create(rows)
    now = timezone.now()
    if submit:
        ret.status = Return.Status.SUBMITTED
        ret.submitted_at = now
        ret.submitted_by = user_of(actor)
        if ret.on_time is None:  # timeliness is the first submission's
            ret.on_time = timezone.localdate() <= rnd.due_on
    elif ret.status == Return.Status.PENDING:
        ret.status = Return.Status.DRAFT
    ret.save(update_fields=["status", "submitted_at", "submitted_by", "on_time", "updated_at"])
    audit_record(
        action="update",
        obj=ret,
        object_repr=f"{rnd} · {ret.filler_name}",
        changes={"submitted": submit, "fields": sorted(values)},
    )
    return ret


def _not_own(actor: Any, ret: Return) -> None:
    """Separation of duties: whoever submitted a return does not approve it, at any level."""
    user = user_of(actor)
    if user is not None and ret.submitted_by_id == user.pk:
        raise PermissionDenied(
            _("%(f)s的填报由您报送，不能由您审核，请由其他审核人审核") % {"f": ret.filler_name}
        )


def _set_counted(ret: Return, counted: bool) -> None:
    Answer.objects.filter(ret=ret).update(counted=counted)


@transaction.atomic
def return_approve(*, actor: Any, return_id: Any) -> Return:
    ret = selectors.return_get_for(actor, return_id, approve=True, lock=True)
    if ret.status != Return.Status.SUBMITTED:
        raise Conflict(
            _("只有待审核的填报可以审核通过（现为%(s)s）") % {"s": ret.get_status_display()}
        )
    _not_own(actor, ret)
    ret.status = Return.Status.APPROVED
    ret.approved_at = timezone.now()
    ret.approved_by = user_of(actor)
    ret.reason = ""
    ret.save(update_fields=["status", "approved_at", "approved_by", "reason", "updated_at"])
    _set_counted(ret, True)
    audit_record(
        action="update",
        obj=ret,
        object_repr=f"{ret.round} · {ret.filler_name}",
        changes={"status": "approved"},
    )
    return ret


@transaction.atomic
def return_send_back(*, actor: Any, return_id: Any, reason: str) -> Return:
    """Return a submitted return for correction (or reopen an approved one), with a reason."""
    ret = selectors.return_get_for(actor, return_id, approve=True, lock=True)
    text = clean_text("reason", reason, _("退回原因"), 400)
    if ret.status not in Return.RECEIVED:
        raise Conflict(_("只有已报送的填报可以退回（现为%(s)s）") % {"s": ret.get_status_display()})
    if ret.round.locked:
        raise Conflict(_("%(r)s已锁定，不能退回") % {"r": ret.round.label})
    approval = Approval.objects.filter(
        round=ret.round, status=Approval.Status.APPROVED, area__path__in=_ancestors(ret.path)
    ).first()
    if (
        approval is not None
        and not Area.objects.filter(selectors.approve_q(actor), pk=approval.area_id).exists()
    ):
        raise Conflict(_("%(a)s的汇总已由上级审核，请上级先退回汇总") % {"a": approval.area.name})
    before = ret.status
    ret.status = Return.Status.RETURNED
    ret.reason = text
    ret.times_returned += 1
    ret.approved_at = None
    ret.approved_by = None
    ret.save(
        update_fields=[
            "status",
            "reason",
            "times_returned",
            "approved_at",
            "approved_by",
            "updated_at",
        ]
    )
    _set_counted(ret, False)
    audit_record(
        action="update",
        obj=ret,
        object_repr=f"{ret.round} · {ret.filler_name}",
        changes={"status": [before, "returned"], "reopened": before == Return.Status.APPROVED},
        reason=text,
    )
    return ret


def _ancestors(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


# The second level: a street's total -----------------------------------------------------------


@transaction.atomic
def street_review(
    *, actor: Any, round_id: Any, area_id: Any, approve: bool, reason: str = ""
) -> Approval:
    """The district approves (or sends back) a street's total of a round whose form has two
    approval levels; the street's returns must all be approved first."""
    rnd = selectors.round_get_for(actor, round_id, lock=True)
    if rnd.form.approval_levels < 2:
        raise Conflict(_("该报表只有一级审核"))
    street = one(
        Area.objects.filter(selectors.approve_q(actor), kind=Area.Kind.STREET),
        _("街道不存在或无权审核"),
        pk=area_id,
    )
    text = clean_text("reason", reason, _("原因"), 400, required=not approve)
    below = Return.objects.filter(round=rnd, path__startswith=street.path)
    if approve and below.exclude(status=Return.Status.APPROVED).exists():
        raise Conflict(_("%(s)s还有未审核通过的填报，不能审核汇总") % {"s": street.name})
    user = user_of(actor)
    if (
        approve
        and user is not None
        and below.filter(Q(submitted_by=user) | Q(approved_by=user)).exists()
    ):
        # The street's total is made by whoever submitted and approved its returns.
        raise PermissionDenied(
            _("%(s)s的汇总含有您报送或审核的填报，不能由您审核汇总，请由其他审核人审核")
            % {"s": street.name}
        )
    approval, _created = Approval.objects.update_or_create(
        round=rnd,
        area=street,
        defaults={
            "status": Approval.Status.APPROVED if approve else Approval.Status.RETURNED,
            "reason": text,
            "by": user_of(actor),
        },
    )
    audit_record(
        action="update",
        obj=approval,
        object_repr=f"{rnd} · {street.name}",
        changes={"approved": approve},
        reason=text,
    )
    return approval


# Chasing --------------------------------------------------------------------------------------


@transaction.atomic
def chase_remind(*, actor: Any, round_id: Any) -> int:
    """Remind every filler of the round who has not sent its return: a notice (and a text
    through the outbox) to the members holding its post, at most once a day each."""
    rnd = selectors.round_get_for(actor, round_id, design=True)
    late = list(selectors.chase_list(actor=actor, round=rnd.pk))
    if not late:
        return 0
    today = timezone.localdate()
    area_ids = [r.area_id for r in late if r.area_id]
    unit_ids = [r.unit_id for r in late if r.unit_id]
    holders = Member.objects.filter(
        Q(
            user__role_assignments__role=Role.COMMUNITY_ADMIN,
            user__role_assignments__area__in=area_ids,
        )
        | Q(user__role_assignments__role=Role.UNIT_ADMIN, user__role_assignments__unit__in=unit_ids)
    ).values_list("pk", "user__role_assignments__area_id", "user__role_assignments__unit_id")
    by_filler: dict[tuple[str, int], list[int]] = {}
    for member_id, area_id, unit_id in holders:
        if area_id in area_ids:
            by_filler.setdefault(("a", area_id), []).append(member_id)
        if unit_id in unit_ids:
            by_filler.setdefault(("u", unit_id), []).append(member_id)
    drafts = []
    for r in late:
        key = ("a", r.area_id) if r.area_id else ("u", r.unit_id)
        title = _("请报送%(f)s（%(p)s）") % {"f": rnd.form.title, "p": rnd.label}
        body = _("截止日期%(d)s。") % {"d": f"{rnd.due_on:%Y年%m月%d日}"}
        for member_id in by_filler.get(key, []):  # type: ignore[arg-type]
            drafts.append(
                NoticeDraft(
                    member_id=member_id,
                    kind="forms.reminder",
                    title=title,
                    body=body,
                    link=reverse("forms:return_detail", args=[r.public_id]),
                    key=f"forms:remind:{r.pk}:{member_id}:{today:%Y%m%d}",
                    sms=f"{title}，{body}",
                )
            )
    notices_send(notices=drafts)
    Return.objects.filter(pk__in=[r.pk for r in late]).update(reminded_at=timezone.now())
    audit_record(action="update", obj=rnd, object_repr=str(rnd), changes={"reminded": len(late)})
    return len(late)
