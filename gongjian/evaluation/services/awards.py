"""Awards: the working committee names model units (标兵单位) of a published campaign, each
with a certificate number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict
from gongjian.core.validation import clean_text, invalid
from gongjian.evaluation import selectors
from gongjian.evaluation.models import Assessment, Award, Campaign
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Unit


@transaction.atomic
def award_create(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    unit: Unit | int | str,
    title: str = "",
    on: dt.date | None = None,
) -> Award:
    """Name a model unit (标兵单位) of a published campaign, with a certificate number."""
    c = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    if c.status == Campaign.Status.OPEN:
        raise Conflict(_("结果公布后才能表彰"), code="campaign_state")
    named = unit if isinstance(unit, Unit) else org_selectors.unit_get_for(actor, unit)
    a = Assessment.objects.filter(campaign=c, unit=named).first()
    if a is None or a.status != Assessment.Status.APPROVED or a.rank is None:
        raise invalid("unit", _("%(u)s没有审定的测评结果，不能表彰") % {"u": named.name})
    title = clean_text("title", title, _("称号"), 60, required=False) or _("模范机关标兵单位")
    if Award.objects.filter(campaign=c, unit=named, title=title).exists():
        raise Conflict(_("%(u)s已获得“%(t)s”") % {"u": named.name, "t": title}, code="award_exists")
    on = on or timezone.localdate()
    seq = Award.objects.filter(campaign=c).count() + 1
    award = Award.objects.create(
        campaign=c,
        unit=named,
        title=title,
        number=f"MF{on:%Y}-{c.pk:04d}-{seq:03d}",
        awarded_on=on,
        awarded_by=user_of(actor),
    )
    audit_record(action="create", obj=award, changes=diff({}, snapshot(award)))
    return award
