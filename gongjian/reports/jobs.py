"""The reports app's background jobs (core/jobs.py): the briefing (工作简报) and a rebuild of
the dashboard's monthly rollups."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongjian.core import jobs
from gongjian.core.audit import audit_record
from gongjian.core.errors import PermissionDenied
from gongjian.core.models import Job
from gongjian.orgs import scope
from gongjian.orgs.selectors import issuing_office
from gongjian.reports import briefing, briefing_text, figures, selectors, services

SELECTION_KEYS = ("node", "period", "start", "end")


def briefing_document(actor: Any, raw: dict[str, str]) -> tuple[bytes, str]:
    """The briefing of the selection `raw` (node, period…) as a .docx and its file name: a
    new issue number, recorded and audited as an export."""
    node, period = selectors.selection_for(actor, **{k: raw.get(k, "") for k in SELECTION_KEYS})
    f = figures.figures_for(actor, node, period)
    office = issuing_office()
    issue = services.briefing_issue(
        actor=actor,
        issuer=office,
        scope_key=f.scope_key,
        scope_name=f.scope_name,
        period_label=f.period.label,
    )
    draft = briefing_text.compose(f, selectors.app_figures(actor, node, period))
    data = briefing.write_docx(
        f, draft, office=office, number=issue.number, issued_on=timezone.localdate()
    )
    filters = {k: raw.get(k, "") for k in SELECTION_KEYS}
    filters.update(node=node.key, period=period.kind)
    audit_record(
        actor=actor,
        action="export",
        object_type=_("工作简报"),
        changes={"filters": filters, "number": issue.number},
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    return data, f"{f.scope_name}工作简报-{stamp}.docx"


def briefing_start(*, actor: Any, raw: dict[str, str]) -> Job:
    """Make the briefing in the background; the selection is checked here, in the request."""
    selection = {k: str(raw.get(k, "")).strip()[:40] for k in SELECTION_KEYS}
    node, _period = selectors.selection_for(actor, **selection)
    return jobs.job_start(
        actor=actor,
        kind="reports.briefing",
        title=_("生成工作简报：%(n)s") % {"n": node.name},
        params=selection,
    )


@jobs.handler("reports.briefing")
def _briefing(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    progress(0, 2, _("正在汇总数据"))
    data, filename = briefing_document(job.actor, job.params)
    progress(2, 2, _("已生成"))
    back = reverse("reports:briefing") + "?" + urlencode(job.params)
    return jobs.Outcome(
        _("工作简报已生成"),
        url=back,
        label=_("返回简报预览"),
        content=data,
        filename=filename,
    )


def may_refresh_rollups(actor: Any) -> bool:
    """The working committee (district administrators, the platform administrator)."""
    return scope.is_committee(actor)


def rollups_start(*, actor: Any, full: bool = False) -> Job:
    """Rebuild the dashboard's monthly rollups in the background: the months due (dirty or
    never built), or every complete month."""
    if not may_refresh_rollups(actor):
        raise PermissionDenied(_("只有区级党建工作委员会可以重算统计"))
    title = _("重算驾驶舱统计（全部月份）") if full else _("重算驾驶舱统计")
    return jobs.job_start(
        actor=actor, kind="reports.rollups", title=title, params={"full": bool(full)}
    )


@jobs.handler("reports.rollups")
def _rollups(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    today = timezone.localdate()
    months = (
        services.months_all(today=today)
        if job.params.get("full")
        else services.months_to_refresh(today=today)
    )
    progress(0, len(months), _("正在按月重算"))
    done = services.rollups_refresh(
        months=months, today=today, progress=lambda n, total: progress(n, total)
    )
    audit_record(
        actor=job.actor,
        action="update",
        object_type=_("驾驶舱统计"),
        changes={"months": [m.isoformat()[:7] for m in done]},
    )
    summary = _("已重算%(n)d个月的统计") % {"n": len(done)} if done else _("统计已是最新，无需重算")
    return jobs.Outcome(summary, url=reverse("reports:dashboard"), label=_("查看驾驶舱"))
