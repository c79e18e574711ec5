"""The scope matrix of 直联共建: how each page route answers each person of the cast
(see gongjian/testing/matrix.py), and every API operation."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from gongjian.cobuild import services
from gongjian.cobuild.models import (
    Agreement,
    Match,
    Milestone,
    PairRule,
    ProgressPhoto,
    ProgressUpdate,
    Project,
)
from gongjian.cobuild.tests.helpers import World, build_world, png_bytes
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE, Answer, Entry, everyone, only

# Everyone with a post in 示范区 sees the campaign and, once published, both lists.
CAMPAIGN = {
    "platform_admin",
    "district_admin",
    "street_admin",
    "community_secretary",
    "grid_leader",
    "unit_admin",
}
MANAGE = {"platform_admin", "district_admin"}
# Who edits 区税务局's resources, and 晨辉社区's demands.
TAX_WRITE = {"platform_admin", "district_admin", "unit_admin"}
CHENHUI_WRITE = {"platform_admin", "district_admin", "street_admin", "community_secretary"}
# The two sides of a 晨辉社区 ↔ 区税务局 project, and the committee.
PROJECT = CHENHUI_WRITE | {"unit_admin"}


def _posts(people: set[str], yes: int = 302, no: int = 404) -> Answer:
    return {p: yes if p in people else no for p in PEOPLE}


def _answers(**by_person: int) -> Answer:
    return {p: by_person.get(p, 404) for p in PEOPLE}


def _world(c: Cast) -> World:
    return build_world(c)


def _ran(c: Cast) -> World:
    w = build_world(c)
    services.match_run(actor=c.district_admin, campaign=w.campaign)
    return w


def _proposal(c: Cast) -> Match:
    w = _ran(c)
    return Match.objects.filter(campaign=w.campaign, status="proposed").order_by("pk")[0]


def _confirmed(c: Cast) -> Match:
    """区税务局's law talks confirmed for 晨辉社区."""
    w = _ran(c)
    run = w.campaign.runs.get()
    run.matches.all().delete()
    return Match.objects.create(
        run=run,
        campaign=w.campaign,
        demand=w.chenhui_law,
        resource=w.tax_law,
        score=0.5,
        reasons=["共同关键词：法律"],
        status="confirmed",
        confirmed_at=timezone.now(),
    )


def _project(c: Cast, status: str = "active") -> Project:
    match = _confirmed(c)
    now = timezone.now()
    agreement = Agreement.objects.create(
        match=match, project_name="晨辉社区税法课堂", unit_signed_at=now, community_signed_at=now
    )
    return Project.objects.create(
        agreement=agreement,
        campaign=match.campaign,
        name=agreement.project_name,
        status=status,
        finished_at=now if status == "finished" else None,
    )


def _photo(c: Cast) -> ProgressPhoto:
    update = ProgressUpdate.objects.create(project=_project(c), text="第一次课")
    photo = ProgressPhoto(update=update, content_type="image/png")
    photo.image.save("photo.png", ContentFile(png_bytes()), save=True)
    return photo


def _rule(c: Cast) -> PairRule:
    w = _world(c)
    return PairRule.objects.create(
        campaign=w.campaign, demand=w.chenhui_law, resource=w.justice_law, kind="forbid"
    )


def _url(name: str, *args: object) -> str:
    return reverse(f"cobuild:{name}", args=args)


PAGE_MATRIX: dict[str, Entry] = {
    "cobuild:campaign_list": ("get", lambda c: _url("campaign_list"), everyone(200)),
    "cobuild:campaign_export": ("get", lambda c: _url("campaign_export"), everyone(200)),
    "cobuild:campaign_create": (
        "post",
        lambda c: _url("campaign_create"),
        # Only the working committee opens a campaign; anyone else is refused outright.
        _posts(MANAGE, no=403),
        lambda c: {"district": str(c.district.pk), "name": "2027年度直联共建", "year": "2027"},
    ),
    "cobuild:campaign_detail": (
        "get",
        lambda c: _url("campaign_detail", _world(c).campaign.pk),
        only(CAMPAIGN),
    ),
    "cobuild:campaign_update": (
        "post",
        lambda c: _url("campaign_update", _world(c).campaign.pk),
        _posts(MANAGE),
        lambda c: {"name": "2026年度直联共建（修订）"},
    ),
    "cobuild:campaign_advance": (
        "post",
        lambda c: _url("campaign_advance", _world(c).campaign.pk),
        _posts(MANAGE),
        lambda c: {"to": "matching"},
    ),
    "cobuild:resource_list": (
        "get",
        lambda c: _url("resource_list", _world(c).campaign.pk),
        only(CAMPAIGN),
    ),
    "cobuild:resource_export": (
        "get",
        lambda c: _url("resource_export", _world(c).campaign.pk),
        only(CAMPAIGN),
    ),
    "cobuild:resource_create": (
        "post",
        lambda c: _url("resource_create", _world(c).campaign.pk),
        _posts(TAX_WRITE),
        lambda c: {"unit": str(c.tax.pk), "title": "税务志愿服务", "capacity": "1"},
    ),
    "cobuild:resource_edit": (
        "get",
        lambda c: _url("resource_edit", _world(c).tax_law.pk),
        only(TAX_WRITE),
    ),
    "cobuild:resource_contact": (
        "post",
        lambda c: _url("resource_contact", _world(c).tax_law.pk),
        _posts(CAMPAIGN, yes=200),
        lambda c: {"reason": "联系共建事宜"},
    ),
    "cobuild:resource_delete": (
        "post",
        lambda c: _url("resource_delete", _world(c).tax_law.pk),
        _posts(TAX_WRITE),
    ),
    "cobuild:resource_preferences": (
        "get",
        lambda c: _url("resource_preferences", _world(c).tax_law.pk),
        only(TAX_WRITE),
    ),
    "cobuild:demand_list": (
        "get",
        lambda c: _url("demand_list", _world(c).campaign.pk),
        only(CAMPAIGN),
    ),
    "cobuild:demand_export": (
        "get",
        lambda c: _url("demand_export", _world(c).campaign.pk),
        only(CAMPAIGN),
    ),
    "cobuild:demand_create": (
        "post",
        lambda c: _url("demand_create", _world(c).campaign.pk),
        _posts(CHENHUI_WRITE),
        lambda c: {"community": str(c.chenhui.pk), "title": "楼道照明改造", "priority": "medium"},
    ),
    "cobuild:demand_edit": (
        "get",
        lambda c: _url("demand_edit", _world(c).chenhui_law.pk),
        only(CHENHUI_WRITE),
    ),
    "cobuild:demand_delete": (
        "post",
        lambda c: _url("demand_delete", _world(c).chenhui_law.pk),
        _posts(CHENHUI_WRITE),
    ),
    "cobuild:demand_preferences": (
        "get",
        lambda c: _url("demand_preferences", _world(c).chenhui_law.pk),
        only(CHENHUI_WRITE),
    ),
    "cobuild:matching": ("get", lambda c: _url("matching", _ran(c).campaign.pk), only(MANAGE)),
    "cobuild:matching_export": (
        "get",
        lambda c: _url("matching_export", _ran(c).campaign.pk),
        only(MANAGE),
    ),
    "cobuild:match_run": (
        "post",
        lambda c: _url("match_run", _world(c).campaign.pk),
        _posts(MANAGE),
    ),
    "cobuild:match_confirm": (
        "post",
        lambda c: _url("match_confirm", _ran(c).campaign.pk),
        _posts(MANAGE),
    ),
    "cobuild:match_decide": (
        "post",
        lambda c: _url("match_decide", _proposal(c).pk),
        _posts(MANAGE),
        lambda c: {"action": "reject"},
    ),
    "cobuild:pair_rule_create": (
        "post",
        lambda c: _url("pair_rule_create", _world(c).campaign.pk),
        _posts(MANAGE),
        lambda c: {"demand": "0", "resource": "0", "kind": "forbid"},
    ),
    "cobuild:pair_rule_delete": (
        "post",
        lambda c: _url("pair_rule_delete", _rule(c).pk),
        _posts(MANAGE),
    ),
    "cobuild:agreement_list": ("get", lambda c: _url("agreement_list"), everyone(200)),
    "cobuild:agreement_export": ("get", lambda c: _url("agreement_export"), everyone(200)),
    "cobuild:agreement_sign": (
        "post",
        lambda c: _url("agreement_sign", _confirmed(c).pk),
        # The unit side is signed by 区税务局 (or the platform): the committee and the
        # community see the match but may not sign for the unit.
        _answers(
            platform_admin=302,
            unit_admin=302,
            district_admin=403,
            street_admin=403,
            community_secretary=403,
        ),
        lambda c: {"side": "unit", "project_name": "晨辉社区税法课堂"},
    ),
    "cobuild:project_list": ("get", lambda c: _url("project_list"), everyone(200)),
    "cobuild:project_export": ("get", lambda c: _url("project_export"), everyone(200)),
    "cobuild:project_detail": (
        "get",
        lambda c: _url("project_detail", _project(c).public_id),
        only(PROJECT),
    ),
    "cobuild:project_update": (
        "post",
        lambda c: _url("project_update", _project(c).public_id),
        _posts(PROJECT),
        lambda c: {"status": "suspended"},
    ),
    "cobuild:milestone_add": (
        "post",
        lambda c: _url("milestone_add", _project(c).public_id),
        _posts(PROJECT),
        lambda c: {"title": "第一次课"},
    ),
    "cobuild:milestone_done": (
        "post",
        lambda c: _url(
            "milestone_done", Milestone.objects.create(project=_project(c), title="第一次课").pk
        ),
        _posts(PROJECT),
    ),
    "cobuild:progress_add": (
        "post",
        lambda c: _url("progress_add", _project(c).public_id),
        _posts(PROJECT),
        lambda c: {"text": "第一次课，50名居民参加"},
    ),
    "cobuild:photo": ("get", lambda c: _url("photo", _photo(c).pk), only(PROJECT)),
    "cobuild:project_rate": (
        "post",
        lambda c: _url("project_rate", _project(c, "finished").public_id),
        # The community rates: its secretary, the street over it, the platform; the
        # committee and the unit see the project but may not rate it.
        _answers(
            platform_admin=302,
            street_admin=302,
            community_secretary=302,
            district_admin=403,
            unit_admin=403,
        ),
        lambda c: {"stars": "5", "comment": "居民很满意"},
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/cobuild/campaigns"),
    ("post", "/api/v1/cobuild/campaigns"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}"),
    ("put", "/api/v1/cobuild/campaigns/{campaign_id}"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/advance"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/figures"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/resources"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/resources"),
    ("get", "/api/v1/cobuild/resources/{resource_id}"),
    ("put", "/api/v1/cobuild/resources/{resource_id}"),
    ("post", "/api/v1/cobuild/resources/{resource_id}/contact"),
    ("delete", "/api/v1/cobuild/resources/{resource_id}"),
    ("get", "/api/v1/cobuild/resources/{resource_id}/preferences"),
    ("put", "/api/v1/cobuild/resources/{resource_id}/preferences"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/demands"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/demands"),
    ("get", "/api/v1/cobuild/demands/{demand_id}"),
    ("put", "/api/v1/cobuild/demands/{demand_id}"),
    ("delete", "/api/v1/cobuild/demands/{demand_id}"),
    ("get", "/api/v1/cobuild/demands/{demand_id}/preferences"),
    ("put", "/api/v1/cobuild/demands/{demand_id}/preferences"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/runs"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/runs/latest"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/confirm"),
    ("post", "/api/v1/cobuild/matches/{match_id}/decide"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/pair-rules"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/pair-rules"),
    ("delete", "/api/v1/cobuild/pair-rules/{rule_id}"),
    ("get", "/api/v1/cobuild/matches"),
    ("post", "/api/v1/cobuild/matches/{match_id}/sign"),
    ("get", "/api/v1/cobuild/projects"),
    ("get", "/api/v1/cobuild/projects/{project_id}"),
    ("patch", "/api/v1/cobuild/projects/{project_id}"),
    ("post", "/api/v1/cobuild/projects/{project_id}/milestones"),
    ("post", "/api/v1/cobuild/milestones/{milestone_id}/done"),
    ("post", "/api/v1/cobuild/projects/{project_id}/progress"),
    ("post", "/api/v1/cobuild/projects/{project_id}/rating"),
}
