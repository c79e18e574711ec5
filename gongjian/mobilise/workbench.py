"""What mobilisation puts on a workbench (`core.workbench`): a unit administrator's quotas not
yet named, a cadre's dispatch to confirm and shift today, and, for the working committee, the
mobilisations under way with the cadres still to arrive and the units behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.workbench import DUE, LATE, WAITING, Item
from gongjian.mobilise import selectors

SHOWN = 3  # of each kind, the most recent


def items(*, actor: Any, today: dt.date) -> list[Item]:
    out: list[Item] = []
    for row in selectors.quotas_to_name(actor=actor)[:SHOWN]:
        m = row.mobilisation
        out.append(
            Item(
                WAITING,
                _("待派员：%(t)s") % {"t": m.title},
                reverse("mobilise:name_cadres", args=[m.public_id]),
                count=row.missing,
                detail=_("要求%(a)s人，已派%(n)s人") % {"a": row.asked, "n": row.named},
                order=40,
            )
        )
    for d in selectors.dispatches_to_confirm(actor=actor)[:SHOWN]:
        link = reverse("mobilise:dispatch", args=[d.public_id])
        out.append(
            Item(
                WAITING,
                _("下沉任务待确认：%(p)s") % {"p": d.place.name},
                link,
                detail=_("%(t)s · %(at)s到岗")
                % {
                    "t": d.mobilisation.title,
                    "at": timezone.localtime(d.mobilisation.starts_at).strftime("%m-%d %H:%M"),
                },
                action=(_("收到"), link),
                order=41,
            )
        )
    for duty in selectors.duties_on(actor=actor, day=today)[:SHOWN]:
        shift = duty.shift
        out.append(
            Item(
                DUE,
                _("今日值守：%(p)s") % {"p": shift.place.name},
                reverse("mobilise:my_tasks"),
                detail=_("%(a)s—%(b)s%(s)s")
                % {
                    "a": timezone.localtime(shift.starts_at).strftime("%H:%M"),
                    "b": timezone.localtime(shift.ends_at).strftime("%H:%M"),
                    "s": _("，已签到") if duty.checked_in_at else "",
                },
                order=40,
            )
        )
    for run in selectors.mobilisations_under_way(actor=actor):
        m = run.mobilisation
        out.append(
            Item(
                LATE,
                _("动员中尚未到岗：%(t)s") % {"t": m.title},
                reverse("mobilise:board", args=[m.public_id]),
                count=run.missing,
                detail=_("已到岗%(a)s/%(n)s人，落后单位%(u)s个（看板上排在前面）")
                % {"a": run.arrived, "n": run.asked, "u": run.laggards},
                order=40,
            )
        )
    return out
