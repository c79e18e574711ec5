"""Demo data of 直联共建 on top of the orgs demo: 2026年度直联共建 with 93 resources from the 55
units and 104 demands from the 74 communities (the shape of a real district's lists), two-way
preferences, one run of the engine, the proposals confirmed (a few left for the committee),
agreements signed, and co-building projects in every state, with milestones, progress and the
communities' ratings. Titles and descriptions come from templates × categories; every draw
from ctx.rng_for("cobuild")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongjian.cobuild import services
from gongjian.cobuild.models import (
    Agreement,
    Campaign,
    Demand,
    Match,
    Milestone,
    Preference,
    Priority,
    ProgressUpdate,
    Project,
    Rating,
    Resource,
)
from gongjian.core.audit import audit_record

RESOURCES = 93
DEMANDS = 104
LEFT_FOR_THE_COMMITTEE = 6  # proposals not yet confirmed

# category → (resource titles, resource description, demand titles, demand description)
CATALOGUE: dict[str, tuple[list[str], str, list[str], str]] = {
    "困难帮扶": (
        ["困难家庭结对帮扶", "节日走访慰问困难群众", "爱心助学结对资助"],
        "{unit}党员与困难家庭一对一结对，每月上门走访，帮助解决就医、就学、就业等实际困难。",
        ["困难家庭帮扶", "低保和残疾人家庭结对帮扶", "困难学生助学"],
        "{community}有{n}户困难家庭，家中多有老人或残疾人，生活困难，希望有单位结对帮扶、定期走访。",
    ),
    "老旧小区改造": (
        ["老旧小区改造政策指导", "加装电梯政策咨询和协调", "小区管网改造技术支持"],
        "{unit}派业务骨干讲解老旧小区改造和加装电梯政策，协助居民议事、对接设计和施工单位。",
        ["老旧院落改造", "老旧小区加装电梯", "楼道照明和雨污管网改造"],
        "{community}有{n}栋上世纪九十年代的老楼，院落破旧、管网老化，居民盼望改造和加装电梯。",
    ),
    "红色阵地建设": (
        ["红色文化活动室共建", "党史学习资料和讲解", "党群服务阵地共建"],
        "{unit}提供党史学习资料、展板设计和讲解员，与社区共建红色文化活动室和党群服务阵地。",
        ["建设红色文化活动室", "党群服务中心阵地提升", "社区党史学习角"],
        "{community}缺少开展党员活动和红色教育的场地，希望建设红色文化活动室，配齐学习资料。",
    ),
    "法律政策宣讲": (
        ["律师进社区法律咨询", "民法典宣讲", "税收和社保政策宣讲"],
        "{unit}组织干部和律师定期到社区开展法律咨询、调解纠纷，宣讲民法典和个税、社保政策。",
        ["居民法律咨询", "民法典和防诈骗宣讲", "个税社保政策宣讲"],
        "{community}居民邻里纠纷和合同纠纷较多，对个税、社保政策不了解，希望有人来讲解和咨询。",
    ),
    "医疗健康": (
        ["义诊和健康讲座", "家庭医生签约服务", "心理健康疏导"],
        "{unit}组织医务人员进社区义诊、量血压测血糖，开展健康讲座和心理疏导。",
        ["老年人义诊和健康讲座", "慢病管理和健康体检", "青少年心理健康辅导"],
        "{community}老年人和慢病患者多，约{n}人需要定期体检和健康指导，部分青少年需要心理疏导。",
    ),
    "教育辅导": (
        ["四点半课堂志愿辅导", "暑期托管和兴趣课堂", "青少年科普课堂"],
        "{unit}青年党员担任志愿教师，为社区孩子辅导作业，开设暑期兴趣课和科普课堂。",
        ["双职工家庭孩子课后辅导", "暑期托管班", "青少年科普活动"],
        "{community}双职工家庭多，放学后约{n}名孩子无人照看、作业没人辅导，希望开设四点半课堂。",
    ),
    "为老服务": (
        ["助老志愿服务", "老年人智能手机培训", "适老化改造咨询"],
        "{unit}党员志愿者上门探访独居老人，教老人用智能手机、防范诈骗，协助适老化改造。",
        ["独居老人上门探访", "老年人学用智能手机", "老年助餐服务"],
        "{community}有{n}位独居和高龄老人，日常照料和就餐困难，不会用智能手机，需要志愿者帮助。",
    ),
    "生态环境": (
        ["垃圾分类督导", "社区绿化美化共建", "河道保洁志愿服务"],
        "{unit}党员定期到社区参加垃圾分类督导、绿化补植和河道保洁，宣传生态环保知识。",
        ["垃圾分类宣传和督导", "小区绿化提升", "背街小巷环境整治"],
        "{community}垃圾分类投放准确率不高，部分绿地荒芜、背街小巷脏乱，需要力量整治和督导。",
    ),
    "平安建设": (
        ["消防安全培训和演练", "电动自行车安全充电劝导", "防范电信诈骗宣传"],
        "{unit}组织干部开展消防培训演练、入户排查隐患，劝导电动车规范充电，宣传防范电信诈骗。",
        ["消防安全隐患排查", "电动车飞线充电整治", "防诈骗宣传进楼栋"],
        "{community}楼道堆物、电动车飞线充电现象突出，老年人屡遭电信诈骗，需要排查和宣传。",
    ),
    "就业创业": (
        ["就业政策宣讲和招聘对接", "创业培训和小微企业帮扶", "职业技能培训"],
        "{unit}宣讲就业创业政策，组织招聘会对接岗位，开设技能培训和创业指导。",
        ["失业人员就业帮扶", "灵活就业人员技能培训", "社区创业指导"],
        "{community}有{n}名失业和灵活就业人员，希望获得岗位信息、技能培训和创业指导。",
    ),
    "文化体育": (
        ["文艺演出进社区", "全民健身指导", "社区图书角共建"],
        "{unit}组织文艺骨干进社区演出，派健身指导员，捐赠图书共建阅读角。",
        ["居民文化活动和文艺演出", "健身器材和健身指导", "社区阅读空间建设"],
        "{community}居民文化生活单调，缺少健身指导和阅读场所，希望常态化开展文体活动。",
    ),
}
CATEGORIES = sorted(CATALOGUE)
PRIORITIES = (Priority.HIGH, Priority.MEDIUM, Priority.MEDIUM, Priority.LOW)
MILESTONES = ("签订共建协议", "制定实施方案", "开展首次活动", "中期走访评估", "总结验收")
PROGRESS = (
    "{unit}党员志愿者到{community}开展“{title}”活动，服务居民{n}人次。",
    "双方召开共建推进会，确定下一阶段任务清单，{community}居民代表参加。",
    "本月完成“{title}”第{k}次活动，收集居民意见{n}条，已反馈落实。",
)
COMMENTS = (
    "单位党员来得勤、办得实，居民很满意。",
    "解决了居民的急难愁盼，希望继续共建。",
    "活动形式好，参与的居民多，效果明显。",
    "总体不错，后期跟踪还可以更及时。",
)


def build(ctx: Any) -> None:
    rng = ctx.rng_for("cobuild")
    tz = timezone.get_current_timezone()
    today: dt.date = ctx.today
    committee = ctx.users.get("district")

    def moment(days_ago: int, hour: int = 10) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))), tz)

    campaign = Campaign.objects.create(
        name=f"{today.year}年度直联共建",
        year=today.year,
        district=ctx.district,
        status=Campaign.Status.OPEN,
        description="区直机关单位与社区双向选择、组织搭桥、精准对接，签约共建项目。",
        lists_due=today - dt.timedelta(days=75),
        preferences_due=today - dt.timedelta(days=60),
        signing_due=today + dt.timedelta(days=20),
        published_at=moment(74),
        created_by=committee,
    )

    # 93 resources from 55 units: one each, a second from 38 of them.
    units = sorted(ctx.units.values(), key=lambda u: u.code)
    owners = units + sorted(rng.sample(units, RESOURCES - len(units)), key=lambda u: u.code)
    streets = sorted(ctx.streets.values(), key=lambda a: a.code)
    resources = []
    for unit in owners:
        category = rng.choice(CATEGORIES)
        titles, text, _dt, _dd = CATALOGUE[category]
        resources.append(
            Resource(
                campaign=campaign,
                unit=unit,
                title=rng.choice(titles),
                description=text.format(unit=unit.name),
                category=category,
                capacity=rng.choice((1, 1, 2, 2, 2, 3)),
                area=rng.choice(streets) if rng.random() < 0.3 else None,
                contact=f"{unit.short_name or unit.name}党建办 0571-8{rng.randrange(10**6):06d}",
                created_by=committee,
            )
        )
    Resource.objects.bulk_create(resources)

    # 104 demands from 74 communities: one each, a second from 30 of them.
    communities = sorted(ctx.communities.values(), key=lambda a: a.code)
    chenhui = next((c for c in communities if c.name == "晨辉社区"), communities[0])
    others = [c for c in communities if c.pk != chenhui.pk]
    # 晨辉社区 (the demo community secretary's) always has two.
    extra = [chenhui, *rng.sample(others, DEMANDS - len(communities) - 1)]
    needers = communities + sorted(extra, key=lambda a: a.code)
    demands = []
    for community in needers:
        category = rng.choice(CATEGORIES)
        _rt, _rd, titles, text = CATALOGUE[category]
        demands.append(
            Demand(
                campaign=campaign,
                community=community,
                title=rng.choice(titles),
                description=text.format(community=community.name, n=rng.randint(8, 60)),
                category=category,
                priority=rng.choice(PRIORITIES),
                needed_by=today + dt.timedelta(days=rng.randint(60, 300)),
                created_by=committee,
            )
        )
    Demand.objects.bulk_create(demands)

    # Two-way selection: most communities rank two or three resources of their category that
    # serve them; most units rank one or two demands of theirs.
    def serves(resource: Resource, demand: Demand) -> bool:
        return resource.area is None or demand.community.path.startswith(resource.area.path)

    prefs: list[Preference] = []
    for d in demands:
        if rng.random() < 0.2:
            continue
        fits = [r for r in resources if r.category == d.category and serves(r, d)]
        for rank, r in enumerate(rng.sample(fits, min(len(fits), rng.randint(1, 3))), start=1):
            prefs.append(
                Preference(campaign=campaign, side="demand", demand=d, resource=r, rank=rank)
            )
    for r in resources:
        if rng.random() < 0.3:
            continue
        wanted = [d for d in demands if d.category == r.category and serves(r, d)]
        for rank, d in enumerate(rng.sample(wanted, min(len(wanted), rng.randint(1, 2))), start=1):
            prefs.append(
                Preference(campaign=campaign, side="resource", demand=d, resource=r, rank=rank)
            )
    Preference.objects.bulk_create(prefs)

    # The committee runs the engine and confirms all but a few proposals.
    run = services.match_run(actor=committee, campaign=campaign)
    proposals = list(run.matches.order_by("pk").values_list("pk", flat=True))
    pending = set(rng.sample(proposals, min(LEFT_FOR_THE_COMMITTEE, len(proposals))))
    services.matches_confirm(
        actor=committee, campaign=campaign, match_ids=[p for p in proposals if p not in pending]
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SIGNING)

    # Signing and projects: most signed by both sides, a few by one side or none yet; the
    # projects in every state.
    confirmed = list(
        Match.objects.filter(campaign=campaign, status=Match.Status.CONFIRMED)
        .select_related("demand__community", "resource__unit")
        .order_by("demand__community__path", "pk")
    )
    agreements: list[Agreement] = []
    left_for_chenhui = False
    for m in confirmed:
        roll = rng.random()
        # 晨辉社区's first confirmed match waits for signing, for the demo secretary to sign.
        unsigned_demo = m.demand.community_id == chenhui.pk and not left_for_chenhui
        left_for_chenhui = left_for_chenhui or unsigned_demo
        if unsigned_demo or roll < 0.05:
            continue  # waiting for both sides
        signed = moment(rng.randint(20, 50))
        unit_only = roll < 0.1
        unit = m.resource.unit
        agreements.append(
            Agreement(
                match=m,
                project_name=f"{unit.short_name or unit.name}·{m.demand.community.name}"
                f"{m.demand.title}",
                unit_signed_at=signed,
                community_signed_at=None if unit_only else signed + dt.timedelta(days=1),
            )
        )
    Agreement.objects.bulk_create(agreements)

    states = (
        [Project.Status.PLANNED] * 2
        + [Project.Status.ACTIVE] * 9
        + [Project.Status.SUSPENDED]
        + [Project.Status.FINISHED] * 6
    )
    projects: list[Project] = []
    for a in agreements:
        if a.community_signed_at is None:
            continue
        status = rng.choice(states)
        finished = status == Project.Status.FINISHED
        start = today - dt.timedelta(days=rng.randint(10, 45))
        projects.append(
            Project(
                agreement=a,
                campaign=campaign,
                name=a.project_name[:100],
                status=status,
                starts_on=None if status == Project.Status.PLANNED else start,
                ends_on=start + dt.timedelta(days=rng.randint(90, 240)),
                finished_at=moment(rng.randint(1, 9)) if finished else None,
            )
        )
    Project.objects.bulk_create(projects)

    milestones: list[Milestone] = []
    updates: list[ProgressUpdate] = []
    ratings: list[Rating] = []
    for p in projects:
        match = p.agreement.match
        done: int = {
            "planned": 1,
            "active": rng.randint(2, 4),
            "suspended": 2,
            "finished": len(MILESTONES),
        }[p.status]
        base = p.starts_on or today
        for i, title in enumerate(MILESTONES):
            milestones.append(
                Milestone(
                    project=p,
                    title=title,
                    due_on=base + dt.timedelta(days=20 * i),
                    done_at=moment(max(0, 40 - 8 * i)) if i < done else None,
                )
            )
        if p.status != Project.Status.PLANNED:
            for k in range(1, rng.randint(2, 4)):
                updates.append(
                    ProgressUpdate(
                        project=p,
                        text=rng.choice(PROGRESS).format(
                            unit=match.resource.unit.name,
                            community=match.demand.community.name,
                            title=match.demand.title,
                            n=rng.randint(15, 120),
                            k=k,
                        ),
                        author=committee,
                    )
                )
        if p.status == Project.Status.FINISHED and rng.random() < 0.85:
            ratings.append(
                Rating(
                    project=p,
                    stars=rng.choice((3, 4, 4, 5, 5, 5)),
                    comment=rng.choice(COMMENTS),
                )
            )
    Milestone.objects.bulk_create(milestones)
    ProgressUpdate.objects.bulk_create(updates)
    Rating.objects.bulk_create(ratings)

    counts = {
        "resources": len(resources),
        "resource_units": len({r.unit_id for r in resources}),
        "demands": len(demands),
        "demand_communities": len({d.community_id for d in demands}),
        "preferences": len(prefs),
        "matched": len(confirmed),
        "agreements": len(agreements),
        "projects": len(projects),
        "ratings": len(ratings),
    }
    audit_record(
        action="import",
        object_type="cobuild.demo",
        object_repr=campaign.name,
        changes=counts,
        actor_label="gongjian demo",
    )
    ctx.counts.update({f"cobuild_{k}": v for k, v in counts.items()})
    ctx.log(
        "直联共建：资源{resources}项（{resource_units}个单位），需求{demands}项"
        "（{demand_communities}个社区），双向选择{preferences}条，已匹配{matched}项，"
        "签约{agreements}份，共建项目{projects}个，评价{ratings}条".format(**counts)
    )
