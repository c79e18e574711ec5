"""The forms app over the API: the same services and selectors as the pages.

No `from __future__ import annotations` here: django-ninja's `@paginate` re-reads the view's
annotations in its own module.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongjian.core.api import PublicOut, call, detail
from gongjian.core.lists import Pagination
from gongjian.forms import selectors, services
from gongjian.forms.lists import FORMS, RETURNS
from gongjian.forms.models import Return, Round

router = Router(tags=["forms"])


class FormOut(PublicOut):
    title: str
    owner_id: int
    frequency: str
    fillers: str
    branch_kind: str
    due_day: int
    approval_levels: int
    version: int
    status: str


class FormIn(Schema):
    title: str = Field(max_length=200)
    frequency: str
    fillers: str
    owner_id: int | None = None
    due_day: int = Field(5, ge=1, le=28)
    approval_levels: int = Field(1, ge=1, le=2)
    description: str = Field("", max_length=4000)
    area_ids: list[int] = Field(default_factory=list, max_length=5000)
    unit_ids: list[int] = Field(default_factory=list, max_length=5000)
    branch_kind: str = Field("", max_length=24)


class FormsSettingsIn(Schema):
    title: str = Field(max_length=200)
    fillers: str = Field(max_length=16)
    branch_kind: str = Field("", max_length=24)
    due_day: int = Field(5, ge=1, le=28)
    approval_levels: int = Field(1, ge=1, le=2)
    description: str = Field("", max_length=4000)


class FormsFieldEditIn(Schema):
    label: str = Field(max_length=200)
    section: str = Field("", max_length=100)
    measure: str = Field("", max_length=32)
    required: bool = False
    choices: str = Field("", max_length=4000)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    source: str = Field("", max_length=64)


class FormsMoveIn(Schema):
    direction: str = Field(max_length=8)


class FieldIn(Schema):
    code: str = Field(max_length=64)
    label: str = Field(max_length=200)
    kind: str
    section: str = Field("", max_length=100)
    measure: str = Field("", max_length=32)
    required: bool = False
    choices: str = Field("", max_length=4000)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    source: str = Field("", max_length=64)
    numerator: str = Field("", max_length=64)
    denominator: str = Field("", max_length=64)


class FieldOut(Schema):
    id: int
    code: str
    label: str
    section: str
    kind: str
    measure: str
    required: bool
    source: str
    position: int
    since: int
    until: int | None


class FormsRuleOut(Schema):
    id: int
    left: str
    op: str
    right: str | None
    constant: Decimal | None
    message: str
    since: int
    until: int | None

    @staticmethod
    def resolve_left(obj: Any) -> str:
        return str(obj.left.code)

    @staticmethod
    def resolve_right(obj: Any) -> str | None:
        return obj.right.code if obj.right is not None else None


class FormsRuleIn(Schema):
    left: str = Field(max_length=64)
    op: str
    right: str = Field("", max_length=64)
    constant: Decimal | None = None
    message: str = Field("", max_length=400)


class StatusIn(Schema):
    status: str


class OpenIn(Schema):
    day: dt.date


class RoundOut(Schema):
    id: int
    form_id: uuid.UUID
    version: int
    start: dt.date
    end: dt.date
    label: str
    due_on: dt.date
    locked: bool

    @staticmethod
    def resolve_form_id(obj: Round) -> uuid.UUID:
        return obj.form.public_id


class ReturnOut(PublicOut):
    round_id: int
    filler: str
    area_id: int | None
    unit_id: int | None
    status: str
    submitted_at: dt.datetime | None
    on_time: bool | None
    org_id: int | None
    reason: str

    @staticmethod
    def resolve_filler(obj: Return) -> str:
        return obj.filler_name


class AnswerOut(Schema):
    code: str
    label: str
    value: Any
    computed: Decimal | None
    live: Decimal | None
    reason: str


class ReturnDetailOut(Schema):
    id: uuid.UUID
    round_id: int
    filler: str
    area_id: int | None
    unit_id: int | None
    status: str
    submitted_at: dt.datetime | None
    on_time: bool | None
    reason: str
    answers: list[AnswerOut]


class ReturnIn(Schema):
    values: dict[str, Any] = Field(default_factory=dict)
    reasons: dict[str, str] = Field(default_factory=dict)
    submit: bool = False


class FormsReasonIn(Schema):
    reason: str = Field(max_length=400)


class TallyOut(Schema):
    node_id: int | None
    expected: int
    received: int
    on_time: int
    approved: int
    completeness: Decimal | None
    timeliness: Decimal | None
    totals: dict[str, Decimal | None]


def _detail(request: HttpRequest, ret: Return) -> dict[str, Any]:
    from gongjian.forms import sources

    fields = selectors.fields_of(ret.round.form, ret.round.version)
    answers = selectors.answers_of(ret)
    live = sources.live_values(actor=request.user, ret=ret, fields=fields)
    out: dict[str, Any] = {
        "id": ret.public_id,
        "round_id": ret.round_id,
        "filler": ret.filler_name,
        "area_id": ret.area_id,
        "unit_id": ret.unit_id,
        "status": ret.status,
        "submitted_at": ret.submitted_at,
        "on_time": ret.on_time,
        "reason": ret.reason,
    }
    out["answers"] = [
        {
            "code": f.code,
            "label": f.label,
            "value": (a.number if a.number is not None else (a.date or a.text or None))
            if (a := answers.get(f.pk))
            else None,
            "computed": a.computed if a else None,
            "live": live[f.pk][0] if f.pk in live else None,
            "reason": a.reason if a else "",
        }
        for f in fields
    ]
    return out


FORMS.endpoint(router, "/forms", FormOut, name="form_list")


@router.post("/forms", response={201: FormOut})
def form_create(request: HttpRequest, payload: FormIn) -> Any:
    form = services.form_create(actor=request.user, **payload.dict())
    return Status(201, form)


detail(router, "/forms/{form_id}", FormOut, selectors.form_get_for, name="form_detail")


@router.get("/forms/{form_id}/fields", response=list[FieldOut])
def field_list(request: HttpRequest, form_id: str) -> Any:
    return selectors.fields_of(selectors.form_get_for(request.user, form_id))


@router.post("/forms/{form_id}/fields", response={201: FieldOut})
def field_add(request: HttpRequest, form_id: str, payload: FieldIn) -> Any:
    return Status(201, services.field_add(actor=request.user, form_id=form_id, **payload.dict()))


@router.post("/forms/{form_id}/settings", response=FormOut)
def form_update(request: HttpRequest, form_id: str, payload: FormsSettingsIn) -> Any:
    return services.form_update(actor=request.user, form_id=form_id, **payload.dict())


@router.post("/forms/{form_id}/fields/{code}/edit", response=FieldOut)
def field_edit(request: HttpRequest, form_id: str, code: str, payload: FormsFieldEditIn) -> Any:
    return services.field_edit(actor=request.user, form_id=form_id, code=code, **payload.dict())


@router.post("/forms/{form_id}/fields/{code}/move", response=list[FieldOut])
def field_move(request: HttpRequest, form_id: str, code: str, payload: FormsMoveIn) -> Any:
    form = call(services.field_move, request, payload, form_id=form_id, code=code)
    return selectors.fields_of(form)


@router.get("/forms/{form_id}/rules", response=list[FormsRuleOut])
def rule_list(request: HttpRequest, form_id: str) -> Any:
    form = selectors.form_get_for(request.user, form_id)
    return selectors.rules_of(form, form.version)


@router.post("/forms/{form_id}/rules/{rule_id}/edit", response=FormsRuleOut)
def rule_edit(request: HttpRequest, form_id: str, rule_id: int, payload: FormsRuleIn) -> Any:
    return services.rule_edit(
        actor=request.user, form_id=form_id, rule_id=rule_id, **payload.dict()
    )


@router.post("/forms/{form_id}/rules/{rule_id}/remove", response=FormOut)
def rule_remove(request: HttpRequest, form_id: str, rule_id: int) -> Any:
    return services.rule_remove(actor=request.user, form_id=form_id, rule_id=rule_id)


@router.post("/forms/{form_id}/fields/{code}/remove", response=FormOut)
def field_remove(request: HttpRequest, form_id: str, code: str) -> Any:
    return services.field_remove(actor=request.user, form_id=form_id, code=code)


class HistoryOut(Schema):
    round_id: int
    label: str
    total: Decimal | None


@router.get("/forms/{form_id}/fields/{field_id}/history", response=list[HistoryOut])
def field_history(
    request: HttpRequest, form_id: str, field_id: int, area: int | None = None
) -> Any:
    from gongjian.orgs import selectors as org_selectors

    form = selectors.form_get_for(request.user, form_id)
    node = org_selectors.area_get_for(request.user, area) if area else None
    _field, history = selectors.field_history(
        actor=request.user, form=form, field_id=field_id, area=node
    )
    return [{"round_id": r.pk, "label": r.label, "total": v} for r, v in history]


@router.post("/forms/{form_id}/rules", response={201: dict})
def rule_add(request: HttpRequest, form_id: str, payload: FormsRuleIn) -> Any:
    rule = services.rule_add(actor=request.user, form_id=form_id, **payload.dict())
    return Status(201, {"id": rule.pk})


@router.post("/forms/{form_id}/status", response=FormOut)
def form_status(request: HttpRequest, form_id: str, payload: StatusIn) -> Any:
    return call(services.form_set_status, request, payload, form_id=form_id)


@router.post("/forms/{form_id}/rounds", response={201: RoundOut})
def round_open(request: HttpRequest, form_id: str, payload: OpenIn) -> Any:
    return Status(201, call(services.round_open, request, payload, form_id=form_id))


@router.get("/rounds/{round_id}/rollup", response=TallyOut)
def round_rollup(request: HttpRequest, round_id: int, area: int | None = None) -> Any:
    rnd = selectors.round_get_for(request.user, round_id)
    fields = selectors.fields_of(rnd.form, rnd.version)
    node = selectors.rollup_node(actor=request.user, rnd=rnd, area=area)
    tally, _below = selectors.rollup(
        rnd=rnd, path=node.path if node is not None else "\x00", fields=fields
    )
    codes = {f.pk: f.code for f in fields}
    return {
        "node_id": node.pk if node is not None else None,
        "expected": tally.expected,
        "received": tally.received,
        "on_time": tally.on_time,
        "approved": tally.approved,
        "completeness": tally.completeness,
        "timeliness": tally.timeliness,
        "totals": {codes[k]: v for k, v in tally.totals.items() if k in codes},
    }


@router.get("/rounds/{round_id}/chase", response=list[ReturnOut])
@paginate(Pagination)
def chase_list(request: HttpRequest, round_id: int) -> Any:
    return selectors.chase_list(actor=request.user, round=round_id)


@router.post("/rounds/{round_id}/remind", response=dict)
def round_remind(request: HttpRequest, round_id: int) -> Any:
    return {"reminded": services.chase_remind(actor=request.user, round_id=round_id)}


@router.post("/rounds/{round_id}/lock", response=RoundOut)
def round_lock(request: HttpRequest, round_id: int, locked: bool = True) -> Any:
    return services.round_lock(actor=request.user, round_id=round_id, locked=locked)


class StreetIn(Schema):
    area_id: int
    approve: bool
    reason: str = Field("", max_length=400)


@router.post("/rounds/{round_id}/streets", response=dict)
def street_review(request: HttpRequest, round_id: int, payload: StreetIn) -> Any:
    approval = services.street_review(actor=request.user, round_id=round_id, **payload.dict())
    return {"area_id": approval.area_id, "status": approval.status}


RETURNS.endpoint(router, "/returns", ReturnOut, name="return_list")


@router.get("/returns/{return_id}", response=ReturnDetailOut)
def return_detail(request: HttpRequest, return_id: str) -> Any:
    return _detail(request, selectors.return_get_for(request.user, return_id))


@router.post("/returns/{return_id}", response=ReturnDetailOut)
def return_save(request: HttpRequest, return_id: str, payload: ReturnIn) -> Any:
    ret = call(services.return_save, request, payload, return_id=return_id)
    return _detail(request, ret)


@router.post("/returns/{return_id}/approve", response=ReturnOut)
def return_approve(request: HttpRequest, return_id: str) -> Any:
    return services.return_approve(actor=request.user, return_id=return_id)


@router.post("/returns/{return_id}/send-back", response=ReturnOut)
def return_send_back(request: HttpRequest, return_id: str, payload: FormsReasonIn) -> Any:
    return call(services.return_send_back, request, payload, return_id=return_id)
