"""Making forms and rounds for the tests."""

from __future__ import annotations

import functools

from django.utils import timezone

from gongjian.forms import services
from gongjian.forms.models import Form, Round
from gongjian.testing.cast import Cast


def monthly_form(c: Cast, *, levels: int = 2) -> Form:
    """A monthly return for every community of 示范区: three sourced fields, two typed, a
    ratio and a rule (已报到 ≤ 在职党员)."""
    form = services.form_create(
        actor=c.district_admin,
        title="双报到和志愿服务月报",
        frequency="monthly",
        fillers="communities",
        due_day=5,
        approval_levels=levels,
    )
    fid = form.public_id
    add = functools.partial(services.field_add, actor=c.district_admin, form_id=fid)
    for code, label, source, measure in (
        ("received", "社区收到报到", "reporting.reports_received", "人"),
        ("activities", "志愿服务活动", "service.activities", "场"),
        ("person_times", "参与人次", "service.person_times", "人次"),
    ):
        add(code=code, label=label, kind="integer", source=source, measure=measure)
    add(
        code="in_service",
        label="辖区在职党员",
        kind="integer",
        required=True,
        minimum=0,
        measure="人",
    )
    add(code="note", label="工作亮点", kind="text")
    add(
        code="rate",
        label="报到率",
        kind="percentage",
        numerator="received",
        denominator="in_service",
    )
    services.rule_add(
        actor=c.district_admin, form_id=fid, left="received", op="lte", right="in_service"
    )
    services.rule_add(actor=c.district_admin, form_id=fid, left="in_service", op="gte", constant=0)
    return services.form_set_status(actor=c.district_admin, form_id=fid, status="active")


def this_month(c: Cast, form: Form) -> Round:
    return services.round_open(
        actor=c.district_admin, form_id=form.public_id, day=timezone.localdate()
    )
