"""Demo data of forms on top of the orgs demo: two forms of the working committee, a year of
returns in every state.

- 双报到和志愿服务月报 for every community (two approval levels): the last twelve months,
  mostly approved by the street (and the street totals by the district), some waiting,
  some sent back with a reason, some late, last month's with a few not yet sent (the chase
  list), this month's just opened;
- 党建工作季报 for every unit (one level): the last four quarters.

Values are drawn from the seed; a sourced field's frozen value is its computed value except
for a few corrected with a reason. Deterministic from the seed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gongjian.forms import schedule, selectors, services
from gongjian.forms.models import Answer, Approval, Field, Form, Return, Round

MONTHLY = "双报到和志愿服务月报"
QUARTERLY = "党建工作季报"
REASONS = ("在职党员数与台账不符，请核对", "志愿服务人次与活动记录不一致", "请补充工作亮点")


def _design(district_user: Any, ctx: Any) -> tuple[Form, Form]:
    d = district_user
    monthly = services.form_create(
        actor=d,
        title=MONTHLY,
        frequency="monthly",
        fillers="communities",
        owner_id=ctx.district.pk,
        due_day=5,
        approval_levels=2,
        description="每月5日前报送上月情况；平台已有的数据自动带出，如需修改请说明原因。",
    )
    add = services.field_add
    m = monthly.public_id
    add(
        actor=d,
        form_id=m,
        code="received",
        label="社区收到报到",
        kind="integer",
        section="双报到",
        measure="人",
        source="reporting.reports_received",
    )
    add(
        actor=d,
        form_id=m,
        code="in_service",
        label="辖区在职党员",
        kind="integer",
        section="双报到",
        measure="人",
        required=True,
        minimum=0,
    )
    add(
        actor=d,
        form_id=m,
        code="rate",
        label="报到率",
        kind="percentage",
        section="双报到",
        numerator="received",
        denominator="in_service",
    )
    add(
        actor=d,
        form_id=m,
        code="activities",
        label="志愿服务活动",
        kind="integer",
        section="志愿服务",
        measure="场",
        source="service.activities",
    )
    add(
        actor=d,
        form_id=m,
        code="person_times",
        label="参与人次",
        kind="integer",
        section="志愿服务",
        measure="人次",
        source="service.person_times",
    )
    add(actor=d, form_id=m, code="highlight", label="工作亮点", kind="text", section="其他")
    services.rule_add(
        actor=d,
        form_id=m,
        left="received",
        op="lte",
        right="in_service",
        message="已报到人数不能多于在职党员",
    )
    services.rule_add(actor=d, form_id=m, left="activities", op="gte", constant=0)
    services.form_set_status(actor=d, form_id=m, status="active")

    quarterly = services.form_create(
        actor=d,
        title=QUARTERLY,
        frequency="quarterly",
        fillers="units",
        owner_id=ctx.district.pk,
        due_day=10,
        approval_levels=1,
    )
    q = quarterly.public_id
    add(
        actor=d,
        form_id=q,
        code="sessions",
        label="召开学习活动",
        kind="integer",
        measure="次",
        source="study.sessions_held",
    )
    add(
        actor=d,
        form_id=q,
        code="attendances",
        label="参加学习",
        kind="integer",
        measure="人次",
        source="study.attendances",
    )
    add(
        actor=d,
        form_id=q,
        code="members",
        label="党员人数",
        kind="integer",
        measure="人",
        required=True,
        minimum=0,
    )
    add(actor=d, form_id=q, code="brand", label="已创建党建品牌", kind="yesno", required=True)
    add(
        actor=d,
        form_id=q,
        code="level",
        label="自评等级",
        kind="choice",
        choices="好\n较好\n一般",
        required=True,
    )
    add(actor=d, form_id=q, code="done_on", label="专题组织生活会日期", kind="date")
    services.form_set_status(actor=d, form_id=q, status="active")
    return monthly, quarterly


def _revise(district_user: Any, monthly: Form) -> None:
    """A change of design during the year: from the next month the return also counts the
    households visited, and its highlights ask for problems too (version 2); the months
    before keep version 1."""
    services.field_add(
        actor=district_user,
        form_id=monthly.public_id,
        code="households",
        label="入户走访",
        kind="integer",
        section="志愿服务",
        measure="户",
        source="service.households",
    )
    services.field_edit(
        actor=district_user,
        form_id=monthly.public_id,
        code="highlight",
        label="工作亮点和问题",
        section="其他",
    )


def _value(
    f: Field, rng: Any, ctx: dict[str, Decimal]
) -> tuple[Decimal | None, str, dt.date | None]:
    if f.code == "in_service":
        return ctx["in_service"], "", None
    if f.code == "received":
        return Decimal(int(ctx["in_service"] * Decimal(rng.uniform(0.6, 1.0)))), "", None
    if f.code == "members":
        return Decimal(rng.randint(20, 120)), "", None
    if f.kind == Field.Kind.YESNO:
        return Decimal(1 if rng.random() < 0.7 else 0), "", None
    if f.kind == Field.Kind.CHOICE:
        return None, rng.choice(f.choice_list), None
    if f.kind == Field.Kind.DATE:
        return None, "", None
    if f.kind == Field.Kind.TEXT:
        return None, rng.choice(("组织在职党员开展楼道清洁", "开展敬老助老志愿服务", "")), None
    return (
        Decimal(rng.randint(0, 40) if f.code != "person_times" else rng.randint(20, 400)),
        "",
        None,
    )


def _fill(
    rnd: Round,
    rng: Any,
    *,
    due_passed: bool,
    current: bool,
    approver: Any,
    settled: tuple[str, ...] = (),
) -> dict[str, int]:
    """Every return of a round in a state drawn from the seed, its answers written at once."""
    fields = selectors.fields_of(rnd.form, rnd.version)
    counts: dict[str, int] = {}
    answers: list[Answer] = []
    returns = list(rnd.returns.all())
    now = timezone.now()
    for ret in returns:
        roll = rng.random()
        if settled and ret.path.startswith(settled):
            status = "approved"  # a street whose month is closed
        elif current:
            status = "draft" if roll < 0.15 else "pending"
        elif not due_passed:
            status = "submitted" if roll < 0.5 else ("draft" if roll < 0.7 else "pending")
        else:
            status = (
                "approved"
                if roll < 0.8
                else "submitted"
                if roll < 0.88
                else "returned"
                if roll < 0.94
                else "pending"
            )
        counts[status] = counts.get(status, 0) + 1
        ret.status = status
        if status in ("submitted", "approved", "returned"):
            late = rng.random() < 0.12
            day = (
                rnd.due_on + dt.timedelta(days=rng.randint(1, 6))
                if late
                else rnd.due_on - dt.timedelta(days=rng.randint(0, 4))
            )
            ret.submitted_at = timezone.make_aware(
                dt.datetime.combine(min(day, timezone.localdate()), dt.time(10, 0))
            )
            ret.on_time = not late
        if status == "approved":
            ret.approved_at, ret.approved_by = now, approver
        if status == "returned":
            ret.reason, ret.times_returned = rng.choice(REASONS), 1
        if status == "pending":
            continue
        typed: dict[str, Decimal] = {"in_service": Decimal(rng.randint(30, 160))}
        for f in fields:
            if f.ratio:
                continue
            number, text, date = _value(f, rng, typed)
            if number is not None:
                typed[f.code] = number
            corrected = f.source and rng.random() < 0.05
            answers.append(
                Answer(
                    ret=ret,
                    field=f,
                    round=rnd,
                    path=ret.path,
                    counted=status == "approved",
                    number=number + 1 if corrected and number is not None else number,
                    text=text,
                    date=date,
                    computed=number if f.source else None,
                    reason="含线下报到登记" if corrected else "",
                )
            )
        for f in fields:
            if f.ratio:
                num, den = (
                    typed.get(f.numerator.code if f.numerator else ""),
                    typed.get(f.denominator.code if f.denominator else ""),
                )
                value = (
                    (num * 100 / den).quantize(Decimal("0.0001"))
                    if num is not None and den
                    else None
                )
                answers.append(
                    Answer(
                        ret=ret,
                        field=f,
                        round=rnd,
                        path=ret.path,
                        counted=status == "approved",
                        number=value,
                    )
                )
    Return.objects.bulk_update(
        returns,
        [
            "status",
            "submitted_at",
            "on_time",
            "approved_at",
            "approved_by",
            "reason",
            "times_returned",
        ],
    )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return counts


def build(ctx: Any) -> None:
    rng = ctx.rng_for("forms")
    today: dt.date = ctx.today
    district_user = ctx.users.get("district")
    street_user = ctx.users.get("street")
    monthly, quarterly = _design(district_user, ctx)
    made: dict[str, int] = {}
    first_street = min(ctx.streets.values(), key=lambda a: a.path)
    for back in range(12, -1, -1):
        first = today.replace(day=1)
        for _ in range(back):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        rnd = services.round_open(actor=district_user, form_id=monthly.public_id, day=first)
        counts = _fill(
            rnd,
            rng,
            due_passed=rnd.due_on < today,
            current=back == 0,
            approver=street_user,
            settled=(first_street.path,) if back >= 3 else (),
        )
        for k, v in counts.items():
            made[k] = made.get(k, 0) + v
        # The district approves the totals of the streets whose returns are all approved.
        if rnd.due_on < today and back > 1:
            for street in ctx.streets.values():
                if (
                    not rnd.returns.filter(path__startswith=street.path)
                    .exclude(status="approved")
                    .exists()
                ):
                    Approval.objects.create(
                        round=rnd, area=street, status="approved", by=district_user
                    )
        if back == 3:
            _revise(district_user, monthly)
    seen: set[dt.date] = set()
    for back in range(4, 0, -1):
        day = today
        for _ in range(back):
            day = schedule.period_containing("quarterly", day).start - dt.timedelta(days=1)
        period = schedule.period_containing("quarterly", day)
        if period.start in seen:
            continue
        seen.add(period.start)
        rnd = services.round_open(
            actor=district_user, form_id=quarterly.public_id, day=period.start
        )
        counts = _fill(
            rnd, rng, due_passed=rnd.due_on < today, current=False, approver=district_user
        )
        for k, v in counts.items():
            made[k] = made.get(k, 0) + v
    ctx.counts["forms.returns"] = sum(made.values())
    ctx.log(
        f"报表：2张报表，{sum(made.values())}份填报（"
        + "，".join(f"{k} {v}" for k, v in sorted(made.items()))
        + "）"
    )
