"""The cobuild app's background jobs (core/jobs.py): a matching run."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.cobuild import services
from gongjian.core import jobs
from gongjian.core.models import Job


@jobs.handler("cobuild.match")
def match(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    campaign = int(job.params["campaign"])
    progress(0, 1, _("正在计算配对"))
    run = services.match_run(actor=job.actor, campaign=campaign)
    progress(1, 1, _("已完成"))
    summary = _("匹配已完成：%(d)d项需求、%(r)d项资源，建议配对%(p)d对") % {
        "d": run.demand_count,
        "r": run.resource_count,
        "p": run.proposed_count,
    }
    url = reverse("cobuild:matching", args=[campaign])
    return jobs.Outcome(summary, url=url, label=_("查看匹配结果"))


def match_start(*, actor: object, campaign: int) -> Job:
    """Run the matching of a campaign the actor manages, in the background."""
    from gongjian.cobuild import selectors

    found = selectors.campaign_get_for(actor, campaign, manage=True)
    return jobs.job_start(
        actor=actor,
        kind="cobuild.match",
        title=_("运行匹配：%(c)s") % {"c": found.name},
        params={"campaign": found.pk},
    )
