"""The mobilise app's figures (see `gongjian/core/figures.py`; defined in docs/figures.md):
what the mobilisations begun in the period add up to (cadres, units, places, person-times,
hours, temporary branches and teams), for an area (its district's mobilisations and those
supporting it) or a unit (its own cadres). Each links to the list of those mobilisations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope
from gongjian.core.periods import Period
from gongjian.mobilise import selectors

GROUP = "下沉支援"


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    where: dict[str, Any] = {"start": period.start, "end": period.end}
    if scope.area_id:
        where["area"] = scope.area_id
    if scope.unit_id:
        where["unit"] = scope.unit_id
    found = selectors.mobilisation_list(actor=actor, **where)
    t = selectors.totals(mobilisations=found, unit=scope.unit_id)
    query = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in where.items()}
    url = f"{reverse('mobilise:mobilisation_list')}?{urlencode(query)}"
    values = [
        ("mobilise.mobilisations", _("下沉动员"), "次", t.mobilisations),
        ("mobilise.cadres", _("下沉干部"), "人", t.cadres),
        ("mobilise.units", _("派员单位"), "个", t.units),
        ("mobilise.places", _("支援点位"), "个", t.places),
        ("mobilise.arrivals", _("到岗"), "人", t.arrivals),
        ("mobilise.person_times", _("支援人次"), "人次", t.person_times),
        ("mobilise.hours", _("值守时长"), "小时", t.hours),
        ("mobilise.temporary_branches", _("临时党支部"), "个", t.temporary_branches),
        ("mobilise.vanguard_teams", _("党员先锋队"), "支", t.vanguard_teams),
    ]
    return [
        Figure(key=k, label=label, value=v, unit=unit, url=url, group=GROUP)
        for k, label, unit, v in values
    ]
