"""The forms app's figures (see `gongjian/core/figures.py`; defined in docs/figures.md): the
returns owed, received, on time and approved in the rounds whose period ends within the
period, for the fillers in the scope. Each counts the rows of the return list its `url`
opens, filtered to the same scope and period."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope, list_url
from gongjian.core.periods import Period
from gongjian.forms import selectors
from gongjian.forms.models import Return

GROUP = "报表"


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    where: dict[str, Any] = {"start": period.start, "end": period.end}
    if scope.area_id:
        where["area"] = scope.area_id
    if scope.unit_id:
        where["unit"] = scope.unit_id
    rows = selectors.return_list(actor=actor, **where)
    counts = rows.aggregate(
        expected=Count("id"),
        received=Count("id", filter=Q(status__in=Return.RECEIVED)),
        on_time=Count("id", filter=Q(on_time=True)),
        approved=Count("id", filter=Q(status=Return.Status.APPROVED)),
    )
    query = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in where.items()}
    out = []
    for key, label, extra in (
        ("forms.returns_expected", _("应报报表"), {}),
        ("forms.returns_received", _("已报报表"), {}),
        ("forms.returns_on_time", _("按时报送报表"), {}),
        ("forms.returns_approved", _("审核通过报表"), {"status": Return.Status.APPROVED}),
    ):
        out.append(
            Figure(
                key=key,
                label=label,
                value=counts[key.split("_", 1)[1]],
                unit="份",
                url=list_url("forms:return_list", **query, **extra),
                group=GROUP,
            )
        )
    return out
