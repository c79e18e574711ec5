"""The consult app's figures (see `gongjian/core/figures.py`; defined in docs/figures.md).
Each counts rows of one list, filtered to the same scope and period, which its `url` opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.consult import selectors
from gongjian.core.figures import Figure, Scope
from gongjian.core.periods import Period

GROUP = "协商议事"


def _where(scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if scope.area_id:
        out["area"] = scope.area_id
    if scope.unit_id:
        out["unit"] = scope.unit_id
    return out


def _url(name: str, query: dict[str, Any]) -> str:
    text = {
        k: (v.isoformat() if hasattr(v, "isoformat") else ("1" if v is True else v))
        for k, v in query.items()
        if v not in (None, "")
    }
    return f"{reverse(name)}?{urlencode(text)}"


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    where = _where(scope)
    made = {**where, "start": period.start, "end": period.end}
    replied = {**where, "replied_start": period.start, "replied_end": period.end}
    held = {**made, "status": "held"}
    attendances = selectors.attendance_list(actor=actor, **made)
    suggestions: dict[str, tuple[str, str, dict[str, Any], QuerySet[Any]]] = {
        "consult.suggestions_made": (
            _("提出意见建议"),
            "条",
            made,
            selectors.suggestion_list(actor=actor, **made),
        ),
        "consult.suggestions_accepted": (
            _("受理意见建议"),
            "条",
            {**made, "accepted": True},
            selectors.suggestion_list(actor=actor, accepted=True, **made),
        ),
        "consult.suggestions_answered": (
            _("答复意见建议"),
            "条",
            replied,
            selectors.suggestion_list(actor=actor, **replied),
        ),
        "consult.suggestions_on_time": (
            _("按期答复"),
            "条",
            {**replied, "on_time": True},
            selectors.suggestion_list(actor=actor, on_time=True, **replied),
        ),
    }
    out = [
        Figure(
            key="consult.consultations_held",
            label=_("开展协商议政"),
            value=selectors.consultation_list(actor=actor, **held).count(),
            unit="次",
            url=_url("consult:consultation_list", held),
            group=GROUP,
        ),
        Figure(
            key="consult.participants",
            label=_("参加协商"),
            value=attendances.count(),
            unit="人次",
            url=_url("consult:attendance_list", made),
            group=GROUP,
        ),
        Figure(
            key="consult.participants_distinct",
            label=_("参加协商人数"),
            value=attendances.order_by().values("member_id").distinct().count(),
            unit="人",
            url=_url("consult:attendance_list", made),
            group=GROUP,
        ),
    ]
    for key, (label, unit, query, qs) in suggestions.items():
        out.append(
            Figure(
                key=key,
                label=label,
                value=qs.count(),
                unit=unit,
                url=_url("consult:suggestion_list", query),
                group=GROUP,
            )
        )
    rated = selectors.suggestion_list(actor=actor, **replied).exclude(rating="")
    n_rated = rated.count()
    n_happy = rated.filter(rating__in=("satisfied", "basic")).count()
    out.append(
        Figure(
            key="consult.satisfaction",
            label=_("满意率"),
            value=round(100.0 * n_happy / n_rated, 1) if n_rated else 0.0,
            unit="%",
            url=_url("consult:suggestion_list", replied),
            group=GROUP,
        )
    )
    return out
