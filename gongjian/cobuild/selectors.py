"""Every read of 直联共建, through the caller's scope (gongjian.orgs.scope).

Who sees what:

- a campaign: every post in its district (area posts and the administrators of units located
  there); the working committee (a district post with write rights) manages it;
- a resource: the unit that offers it (and the posts over the unit); once the campaign is
  published, everyone who sees the campaign browses the whole list;
- a demand: the community that needs it (and the posts over it); once published, the same;
- proposals of a run: the campaign's managers; a confirmed match, an agreement and a project:
  the managers and the two sides (the resource's unit, the demand's community).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from gongjian.cobuild.models import (
    Agreement,
    Campaign,
    Demand,
    Match,
    MatchRun,
    Milestone,
    PairRule,
    Preference,
    ProgressPhoto,
    Project,
    Resource,
    Side,
)
from gongjian.core.access import one
from gongjian.core.search import search_q
from gongjian.core.validation import public_key
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Role, Unit

NOTHING = scope.NOTHING
COMMUNITY_SIDE_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})


# Scopes --------------------------------------------------------------------------------------


def campaign_q(actor: Any) -> Q:
    districts = scope.districts_of(actor)
    if districts is None:
        return Q()
    if not districts:
        return NOTHING
    return Q(district__path__in=districts)


def campaign_manage_q(actor: Any) -> Q:
    """The working committee of the campaign's district."""
    return scope.committee_q(actor, "district")


def resource_own_q(actor: Any, *, write: bool = False) -> Q:
    return scope.scope_q(actor, unit=("unit",), write=write)


def demand_own_q(actor: Any, *, write: bool = False) -> Q:
    return scope.scope_q(actor, area=("community",), write=write)


def _published_q(actor: Any, prefix: str = "campaign__") -> Q:
    districts = scope.districts_of(actor)
    if districts is None:
        return Q()
    if not districts:
        return NOTHING
    return Q(**{f"{prefix}district__path__in": districts}) & ~Q(
        **{f"{prefix}status": Campaign.Status.DRAFT}
    )


def _managed_q(actor: Any, prefix: str = "campaign__") -> Q:
    return scope.committee_q(actor, f"{prefix}district")


def resource_q(actor: Any) -> Q:
    return resource_own_q(actor) | _published_q(actor) | _managed_q(actor)


def demand_q(actor: Any) -> Q:
    return demand_own_q(actor) | _published_q(actor) | _managed_q(actor)


def side_q(actor: Any, prefix: str, *, write: bool = False) -> Q:
    """The two sides of a match (reached through `prefix`) and the campaign's managers."""
    return scope.scope_q(
        actor,
        area=(f"{prefix}demand__community",),
        unit=(f"{prefix}resource__unit",),
        write=write,
    ) | _managed_q(actor, f"{prefix}campaign__")


def may_manage(actor: Any, campaign: Campaign) -> bool:
    return Campaign.objects.filter(campaign_manage_q(actor), pk=campaign.pk).exists()


def may_sign_unit_side(actor: Any, resource: Resource) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or resource.unit_id in posts.unit_ids


def may_sign_community_side(actor: Any, community: Area) -> bool:
    """The community's own administrators (the community secretary, the street over it)."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return True
    return any(
        community.path.startswith(path)
        for role, paths in posts.area_paths.items()
        if role in COMMUNITY_SIDE_ROLES
        for path in paths
    )


# Campaigns -----------------------------------------------------------------------------------


def campaign_list(*, actor: Any, q: str = "", status: str = "") -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(campaign_q(actor)).select_related("district")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs


def campaign_get_for(
    actor: Any, pk: int | str | Campaign, *, manage: bool = False, lock: bool = False
) -> Campaign:
    """A campaign the actor sees (with `manage`, one whose working committee they are);
    `lock` inside a service's transaction."""
    qs = campaign_list(actor=actor)
    if manage:
        qs = qs.filter(campaign_manage_q(actor))
    return one(qs, _("共建活动不存在或无权查看"), pk=pk, lock=lock)


def _campaign(actor: Any, campaign: Campaign | int | str) -> Campaign:
    """The campaign a list belongs to: the one the page already read, or its id from the
    route (an export), read through the caller's scope."""
    return campaign if isinstance(campaign, Campaign) else campaign_get_for(actor, campaign)


def committee_districts(actor: Any) -> QuerySet[Area]:
    """The districts whose working committee the actor is: where they may start a campaign."""
    qs = org_selectors.area_list(actor=actor, kind=Area.Kind.DISTRICT, write=True)
    paths = scope.committee_paths(actor)
    return qs if paths is None else qs.filter(path__in=paths)


@dataclass
class Figures:
    resources: int
    units: int
    capacity: int
    demands: int
    communities: int
    preferences: int
    matched: int
    agreements: int
    signed: int
    projects: int
    active: int
    finished: int
    rated: int
    average_rating: float | None

    @property
    def unmatched(self) -> int:
        return self.demands - self.matched


def campaign_figures(*, campaign: Campaign) -> Figures:
    """The campaign's figures, in a handful of aggregate queries."""
    res = Resource.objects.filter(campaign=campaign).aggregate(
        n=Count("pk"), units=Count("unit", distinct=True), capacity=Sum("capacity")
    )
    dem = Demand.objects.filter(campaign=campaign).aggregate(
        n=Count("pk"), communities=Count("community", distinct=True)
    )
    agreements = Agreement.objects.filter(match__campaign=campaign).aggregate(
        n=Count("pk"),
        signed=Count(
            "pk", filter=Q(unit_signed_at__isnull=False, community_signed_at__isnull=False)
        ),
    )
    projects = Project.objects.filter(campaign=campaign).aggregate(
        n=Count("pk"),
        active=Count("pk", filter=Q(status=Project.Status.ACTIVE)),
        finished=Count("pk", filter=Q(status=Project.Status.FINISHED)),
        rated=Count("rating"),
        avg=Avg("rating__stars"),
    )
    return Figures(
        resources=res["n"],
        units=res["units"],
        capacity=res["capacity"] or 0,
        demands=dem["n"],
        communities=dem["communities"],
        preferences=Preference.objects.filter(campaign=campaign).count(),
        matched=Match.objects.filter(campaign=campaign, status=Match.Status.CONFIRMED).count(),
        agreements=agreements["n"],
        signed=agreements["signed"],
        projects=projects["n"],
        active=projects["active"],
        finished=projects["finished"],
        rated=projects["rated"],
        average_rating=round(projects["avg"], 2) if projects["avg"] is not None else None,
    )


# Resources and demands -----------------------------------------------------------------------


def resource_list(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    q: str = "",
    category: str = "",
    mine: bool = False,
    write: bool = False,
) -> QuerySet[Resource]:
    campaign = _campaign(actor, campaign)
    own = resource_own_q(actor, write=write)
    if write:
        where = own | _managed_q(actor)
    elif mine:
        where = own
    else:
        where = resource_q(actor)
    qs = (
        Resource.objects.filter(where, campaign=campaign)
        .select_related("unit", "area", "campaign")
        .annotate(
            confirmed=Count("matches", filter=Q(matches__status=Match.Status.CONFIRMED)),
        )
    )
    if category:
        qs = qs.filter(category=category)
    if q:
        q = q.strip()
        qs = qs.filter(search_q(q, "", "unit", raw=("title", "description", "unit__name")))
    # Ordered explicitly: a grouped query (the count above) ignores Meta.ordering.
    return qs.order_by("unit__code", "id")


def resource_get_for(
    actor: Any, pk: int | str | Resource, *, write: bool = False, lock: bool = False
) -> Resource:
    where = (resource_own_q(actor, write=True) | _managed_q(actor)) if write else resource_q(actor)
    qs = Resource.objects.filter(where).select_related("unit", "area", "campaign__district")
    return one(qs, _("资源不存在或无权查看"), pk=pk, lock=lock)


def demand_list(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    q: str = "",
    category: str = "",
    priority: str = "",
    mine: bool = False,
    write: bool = False,
) -> QuerySet[Demand]:
    campaign = _campaign(actor, campaign)
    own = demand_own_q(actor, write=write)
    if write:
        where = own | _managed_q(actor)
    elif mine:
        where = own
    else:
        where = demand_q(actor)
    qs = (
        Demand.objects.filter(where, campaign=campaign)
        .select_related("community__parent", "campaign")
        .annotate(
            confirmed=Count("matches", filter=Q(matches__status=Match.Status.CONFIRMED)),
        )
    )
    if category:
        qs = qs.filter(category=category)
    if priority:
        qs = qs.filter(priority=priority)
    if q:
        q = q.strip()
        qs = qs.filter(
            search_q(q, "", "community", raw=("title", "description", "community__name"))
        )
    # Ordered explicitly: a grouped query (the count above) ignores Meta.ordering.
    return qs.order_by("community__path", "id")


def demand_get_for(
    actor: Any, pk: int | str | Demand, *, write: bool = False, lock: bool = False
) -> Demand:
    where = (demand_own_q(actor, write=True) | _managed_q(actor)) if write else demand_q(actor)
    qs = Demand.objects.filter(where).select_related("community", "campaign__district")
    return one(qs, _("需求不存在或无权查看"), pk=pk, lock=lock)


def categories(*, campaign: Campaign) -> list[str]:
    found = set(
        Resource.objects.filter(campaign=campaign).values_list("category", flat=True).distinct()
    ) | set(Demand.objects.filter(campaign=campaign).values_list("category", flat=True).distinct())
    return sorted(c for c in found if c)


def units_for_resources(*, actor: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(scope.unit_q(actor, write=True)).order_by("code")


def communities_for_demands(*, actor: Any) -> QuerySet[Area]:
    return Area.objects.filter(scope.area_q(actor, write=True), kind=Area.Kind.COMMUNITY).order_by(
        "path"
    )


# Preferences ---------------------------------------------------------------------------------


def preferences_of(*, demand: Demand | None = None, resource: Resource | None = None) -> list[Any]:
    """The ranked list of one chooser: resources a demand chose, or demands a resource chose."""
    if demand is not None:
        return [
            p.resource
            for p in Preference.objects.filter(side=Side.DEMAND, demand=demand)
            .select_related("resource__unit")
            .order_by("rank")
        ]
    assert resource is not None  # noqa: S101 - one of the two is given
    return [
        p.demand
        for p in Preference.objects.filter(side=Side.RESOURCE, resource=resource)
        .select_related("demand__community")
        .order_by("rank")
    ]


def chosen_by_others(*, demand: Demand | None = None, resource: Resource | None = None) -> int:
    """How many of the other side ranked this item."""
    if demand is not None:
        return Preference.objects.filter(side=Side.RESOURCE, demand=demand).count()
    return Preference.objects.filter(side=Side.DEMAND, resource=resource).count()


# Matching ------------------------------------------------------------------------------------


def latest_run(*, campaign: Campaign) -> MatchRun | None:
    return MatchRun.objects.filter(campaign=campaign).order_by("-created_at", "-id").first()


def run_matches(*, run: MatchRun, q: str = "", status: str = "") -> QuerySet[Match]:
    qs = Match.objects.filter(run=run).select_related(
        "demand__community", "resource__unit", "resource__area"
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            search_q(
                q,
                "demand",
                "resource",
                "demand__community",
                "resource__unit",
                raw=("demand__title", "resource__title"),
            )
        )
    return qs


def proposal_list(
    *, actor: Any, campaign: Campaign | int | str, q: str = "", status: str = ""
) -> QuerySet[Match]:
    """The proposals of a campaign's latest run, for its working committee."""
    if not isinstance(campaign, Campaign):
        campaign = campaign_get_for(actor, campaign, manage=True)
    run = latest_run(campaign=campaign)
    return run_matches(run=run, q=q, status=status) if run else Match.objects.none()


def confirmed_matches(
    *, actor: Any, campaign: Campaign | int | None = None, q: str = ""
) -> QuerySet[Match]:
    qs = Match.objects.filter(side_q(actor, ""), status=Match.Status.CONFIRMED).select_related(
        "demand__community", "resource__unit", "campaign", "agreement__project"
    )
    if campaign is not None:
        qs = qs.filter(campaign=_campaign(actor, campaign))
    if q:
        qs = qs.filter(
            search_q(
                q,
                "demand",
                "resource",
                "demand__community",
                "resource__unit",
                "agreement",
                raw=("demand__title", "resource__title", "agreement__project_name"),
            )
        )
    return qs.order_by("demand__community__path", "demand_id")


def match_get_for(
    actor: Any, pk: int | str | Match, *, manage: bool = False, lock: bool = False
) -> Match:
    where = _managed_q(actor) if manage else (side_q(actor, "") & Q(status="confirmed"))
    if not manage:
        where = where | _managed_q(actor)
    qs = Match.objects.filter(where).select_related(
        "demand__community", "resource__unit", "campaign", "run"
    )
    return one(qs, _("配对不存在或无权查看"), pk=pk, lock=lock)


def pair_rules(*, campaign: Campaign) -> QuerySet[PairRule]:
    return PairRule.objects.filter(campaign=campaign).select_related(
        "demand__community", "resource__unit"
    )


def pair_rule_get_for(actor: Any, pk: int | str | PairRule, *, lock: bool = False) -> PairRule:
    qs = PairRule.objects.filter(_managed_q(actor))
    return one(qs, _("指定或禁止的配对不存在或无权查看"), pk=pk, lock=lock)


def unmatched_demands(*, run: MatchRun) -> list[dict[str, Any]]:
    """Demands of the run left without a proposal, each with its best candidates."""
    ids = [int(k) for k in run.unmatched]
    rids = {int(r) for cands in run.unmatched.values() for r, _s in cands}
    demands = Demand.objects.filter(pk__in=ids).select_related("community")
    resources = Resource.objects.in_bulk(rids)
    by_id = {d.pk: d for d in demands}
    out = []
    for key in sorted(run.unmatched, key=lambda k: (by_id[int(k)].community.path, int(k))):
        if int(key) not in by_id:
            continue
        out.append(
            {
                "demand": by_id[int(key)],
                "candidates": [
                    (resources[int(r)], score)
                    for r, score in run.unmatched[key]
                    if int(r) in resources
                ],
            }
        )
    return out


# Agreements and projects ---------------------------------------------------------------------


def agreement_get_for(actor: Any, pk: int | str) -> Agreement:
    qs = Agreement.objects.filter(side_q(actor, "match__")).select_related(
        "match__demand__community", "match__resource__unit"
    )
    return one(qs, _("共建协议不存在或无权查看"), pk=pk)


def project_q(actor: Any, *, write: bool = False) -> Q:
    return side_q(actor, "agreement__match__", write=write)


def project_list(
    *, actor: Any, campaign: Campaign | int | None = None, q: str = "", status: str = ""
) -> QuerySet[Project]:
    qs = Project.objects.filter(project_q(actor)).select_related(
        "agreement__match__demand__community",
        "agreement__match__resource__unit",
        "campaign",
        "rating",
    )
    if campaign is not None:
        qs = qs.filter(campaign=_campaign(actor, campaign))
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(
            search_q(
                q,
                "",
                "agreement__match__demand__community",
                "agreement__match__resource__unit",
                raw=("name",),
            )
        )
    return qs


def project_get_for(
    actor: Any, public_id: str | uuid.UUID | Project, *, write: bool = False, lock: bool = False
) -> Project:
    message = _("共建项目不存在或无权查看")
    key = (
        public_id.public_id
        if isinstance(public_id, Project)
        else public_key(public_id, message=message)
    )
    qs = Project.objects.filter(project_q(actor, write=write)).select_related(
        "agreement__match__demand__community",
        "agreement__match__resource__unit",
        "campaign",
    )
    return one(qs, message, lock=lock, public_id=key)


def milestone_get_for(
    actor: Any, pk: int | str | Milestone, *, write: bool = False, lock: bool = False
) -> Milestone:
    qs = Milestone.objects.filter(
        side_q(actor, "project__agreement__match__", write=write)
    ).select_related("project")
    return one(qs, _("项目节点不存在或无权查看"), pk=pk, lock=lock)


def photo_get_for(actor: Any, pk: int | str) -> ProgressPhoto:
    qs = ProgressPhoto.objects.filter(
        side_q(actor, "update__project__agreement__match__")
    ).select_related("update__project")
    return one(qs, _("照片不存在或无权查看"), pk=pk)


# What the pages show beside their lists ------------------------------------------------------


def editable_resources(*, actor: Any, rows: list[Resource]) -> set[int]:
    """Which of the rows of a page the actor may edit (one query for the page)."""
    where = resource_own_q(actor, write=True) | _managed_q(actor)
    pks = [r.pk for r in rows]
    return set(Resource.objects.filter(where, pk__in=pks).values_list("pk", flat=True))


def editable_demands(*, actor: Any, rows: list[Demand]) -> set[int]:
    where = demand_own_q(actor, write=True) | _managed_q(actor)
    pks = [d.pk for d in rows]
    return set(Demand.objects.filter(where, pk__in=pks).values_list("pk", flat=True))


def service_areas(*, campaign: Campaign) -> QuerySet[Area]:
    """The places of the campaign's district a resource may serve (not a grid)."""
    return (
        org_selectors.area_directory()
        .filter(
            path__startswith=campaign.district.path,
            kind__in=(Area.Kind.DISTRICT, Area.Kind.STREET, Area.Kind.COMMUNITY),
        )
        .only("id", "name", "kind", "path")
    )


def matching_board(*, campaign: Campaign) -> dict[str, Any]:
    """What the working committee's matching page shows besides the proposals: the latest
    run, the demands it left unmatched, the pins and forbids, and the campaign's items to
    pin or forbid."""
    run = latest_run(campaign=campaign)
    return {
        "run": run,
        "unmatched": unmatched_demands(run=run) if run else [],
        "rules": pair_rules(campaign=campaign),
        # (the campaign's key is loaded too: a related manager reads it on every row)
        "demands": campaign.demands.select_related("community").only(
            "id", "title", "campaign_id", "community__name"
        ),
        "resources": campaign.resources.select_related("unit").only(
            "id", "title", "campaign_id", "unit__name"
        ),
    }


def signing_sides(*, actor: Any, matches: list[Match]) -> dict[str, set[int]]:
    """For the matches of a page, those the actor may sign for the unit and for the
    community."""
    return {
        "unit_side": {m.pk for m in matches if may_sign_unit_side(actor, m.resource)},
        "community_side": {
            m.pk for m in matches if may_sign_community_side(actor, m.demand.community)
        },
    }


def may_write_project(actor: Any, project: Project) -> bool:
    return Project.objects.filter(project_q(actor, write=True), pk=project.pk).exists()
