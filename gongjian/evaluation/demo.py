"""Demo data of 模范机关创建 on top of the other apps' demos: the district's units assessed for
last year against 五双五型 (published, locked, six model units, the top-ten cases named) and
六型机关 (published yesterday: the objection window is open, one objection waiting), a few
units of a third, current campaign still filling in and under review (区税务局 in draft, so its
log-in has something to fill), branch brands, cases and members' votes. Everything in bulk;
the computed indicators come from the records the other demos wrote, through the same
aggregate queries as a real campaign."""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from gongjian.core.audit import audit_record
from gongjian.evaluation import seeds, selectors, services
from gongjian.evaluation.models import (
    Assessment,
    Award,
    Brand,
    Campaign,
    Case,
    CaseVote,
    Evidence,
    Framework,
    Indicator,
    Objection,
    Score,
)
from gongjian.orgs.models import Member, PartyOrg

TAX = "区税务局"
MODEL_UNITS = 6
BRAND_NAMES = (
    "红色引擎", "先锋堡垒", "暖心驿站", "清风廉韵", "书香机关", "初心课堂", "便民直通车",
    "法治护航", "税心向党", "连心桥", "红帆领航", "匠心服务", "党徽闪耀", "惠民先锋",
    "平安守护", "绿色家园", "银龄关爱", "智慧政务", "青年突击", "巾帼建功",
)  # fmt: skip
CASE_TOPICS = (
    "“居民学习之家”共建项目", "妇女权益法律服务站", "粮食安全示范基地", "智慧社区建设",
    "网格长“七彩”服务队", "入户走访两千户", "“第一议题”学习机制", "机关读书会与大讲堂",
    "政务服务“一网通办”", "防汛抢险临时党支部", "创城攻坚先锋队", "委员履职“云平台”",
    "老旧小区加装电梯", "“暖心红”志愿服务品牌", "“平安蓝”法治宣传", "“天使白”义诊进社区",
    "“生态绿”河道守护", "“阳光银”助老服务", "在职党员双报到全覆盖", "机关食堂反对浪费",
)  # fmt: skip
STATEMENTS = (
    "按要求落实，有制度、有记录、有成效。",
    "全年开展相关活动多次，台账齐全，群众反映良好。",
    "基本落实，个别环节记录不够完整，已整改。",
    "形成了可复制的经验做法，被上级简报刊发。",
)
OBJECTION = "我单位第3项指标的佐证材料已补充上传，请复核评分。"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00\xc8\x10\x2e\xc8\x10\x2e\x00\xc8\x10\x2e\xc8\x10\x2e")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    from gongjian.core.pdffonts import FontMissing, cjk_font

    text = "佐证材料（演示）"
    buf = io.BytesIO()
    try:
        font = cjk_font([text])
    except FontMissing:  # the demo still builds on a machine without fonts-noto-cjk
        font, text = "Helvetica", "Evidence (demo)"
    pdf = canvas.Canvas(buf, initialFontName=font)
    pdf.setFont(font, 14)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


class _Files:
    """Two stored files that the demo's evidence rows share (the real ones each have their
    own); each written once."""

    def __init__(self) -> None:
        self.png = default_storage.save("evaluation/evidence/demo-photo.png", ContentFile(_png()))
        self.pdf = default_storage.save("evaluation/evidence/demo-record.pdf", ContentFile(_pdf()))
        self.sizes = {"png": len(_png()), "pdf": len(_pdf())}

    def evidence(self, rng: random.Random, **owner: Any) -> Evidence:
        kind = rng.choice(("png", "pdf"))
        return Evidence(
            kind=kind,
            file=self.png if kind == "png" else self.pdf,
            original_name=rng.choice(("活动照片.png", "学习记录.pdf", "工作台账.pdf"))
            if kind == "pdf"
            else "活动照片.png",
            size=self.sizes[kind],
            sha256="",
            **owner,
        )


def _score(rng: random.Random, quality: float, maximum: Decimal) -> Decimal:
    value = min(1.0, max(0.3, rng.gauss(quality, 0.08)))
    return (maximum * Decimal(str(round(value, 2)))).quantize(Decimal("1"))


def _campaign(
    ctx: Any,
    rng: random.Random,
    files: _Files,
    *,
    framework: Framework,
    name: str,
    units: list[Any],
    year: int,
    submit_by: dt.date,
    states: dict[int, str],
) -> Campaign:
    """A campaign with assessments in the given states (unit id → status), scored."""
    campaign = Campaign.objects.create(
        name=name,
        framework=framework,
        area=ctx.district,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        submit_by=submit_by,
        review_by=submit_by + dt.timedelta(days=20),
        created_by=ctx.users.get("district"),
        # The district's own lines: last year's figures of 双报到 and service were counted at
        # the end of the year, before most of the demo's reports were confirmed.
        excellent_min=Decimal(75),
        good_min=Decimal(65),
        passing_min=Decimal(50),
    )
    leaves = selectors.framework_leaves(framework)
    manual = [i for i in leaves if not i.is_computed]
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                campaign=campaign,
                unit=u,
                status=states[u.pk],
                summary="本年度紧扣创建标准，扎实推进各项工作。" if states[u.pk] != "draft" else "",
                submitted_at=None if states[u.pk] == "draft" else now,
                committee_at=now if states[u.pk] in ("reviewed_by_committee", "approved") else None,
                approved_at=now if states[u.pk] == "approved" else None,
            )
            for u in units
        ],
        batch_size=1000,
    )
    quality = {a.pk: rng.uniform(0.62, 0.97) for a in assessments}
    scores: list[Score] = []
    evidence: list[Evidence] = []
    for a in assessments:
        filled = a.status != "draft" or rng.random() < 0.4
        for ind in leaves:
            s = Score(assessment=a, indicator=ind)
            if not ind.is_computed and filled:
                s.self_score = _score(rng, quality[a.pk] + 0.05, ind.max_score)
                s.statement = rng.choice(STATEMENTS)
                if a.status in ("reviewed_by_committee", "approved"):
                    s.committee_score = min(s.self_score, _score(rng, quality[a.pk], ind.max_score))
                if a.status == "approved" and rng.random() < 0.5:
                    s.final_score = _score(rng, quality[a.pk] - 0.02, ind.max_score)
                    s.final_comment = "经工委审定"
            scores.append(s)
            if not ind.is_computed and filled and (ind.evidence_required or rng.random() < 0.3):
                evidence.append(files.evidence(rng, assessment=a, indicator=ind))
    Score.objects.bulk_create(scores, batch_size=2000)
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    ctx.counts[f"evaluation_scores_{framework.code}"] = len(scores)
    del manual
    return campaign


def build(ctx: Any) -> None:
    rng = ctx.rng_for("evaluation")
    today: dt.date = ctx.today
    year = today.year - 1
    units = sorted(ctx.units.values(), key=lambda u: u.code)
    if not units:
        return
    files = _Files()
    seeds.seed(Framework, Indicator, now=timezone.now())  # gone after `demo --reset` (flush)
    wushuang = Framework.objects.get(code="wushuang-wuxing")
    liuxing = Framework.objects.get(code="liuxing-jiguan")
    wuge = Framework.objects.get(code="wuge-jianchi")
    tax = next((u for u in units if u.name == TAX), units[0])

    # 五双五型, last year: every unit approved, published three months ago, locked.
    first = _campaign(
        ctx,
        rng,
        files,
        framework=wushuang,
        name=f"{year}年度“五双五型”模范机关创建",
        units=units,
        year=year,
        submit_by=dt.date(year + 1, 1, 20) if today > dt.date(year + 1, 1, 20) else today,
        states={u.pk: "approved" for u in units},
    )
    services.campaign_compute(campaign=first)
    ranked = services.campaign_rank(campaign=first)
    published = today - dt.timedelta(days=90)
    Campaign.objects.filter(pk=first.pk).update(
        status=Campaign.Status.LOCKED,
        published_on=published,
        objection_until=published + dt.timedelta(days=7),
        locked_at=timezone.now() - dt.timedelta(days=80),
    )
    first.refresh_from_db()
    unit_of = dict(first.assessments.values_list("pk", "unit_id"))
    best = sorted(ranked, key=lambda r: r.rank)[:MODEL_UNITS]
    Award.objects.bulk_create(
        [
            Award(
                campaign=first,
                unit_id=unit_of[r.assessment_id],
                title="模范机关标兵单位",
                number=f"MF{year}-{first.pk:04d}-{k:03d}",
                awarded_on=published + dt.timedelta(days=10),
                awarded_by=ctx.users.get("district"),
            )
            for k, r in enumerate(best, start=1)
        ]
    )

    # 六型机关, last year: published yesterday, the objection window open, one objection.
    second = _campaign(
        ctx,
        rng,
        files,
        framework=liuxing,
        name=f"{year}年度“六型机关”创建",
        units=units,
        year=year,
        submit_by=today - dt.timedelta(days=20),
        states={u.pk: "approved" for u in units},
    )
    services.campaign_compute(campaign=second)
    services.campaign_rank(campaign=second)
    Campaign.objects.filter(pk=second.pk).update(
        status=Campaign.Status.PUBLISHED,
        published_on=today - dt.timedelta(days=1),
        objection_until=today + dt.timedelta(days=6),
    )
    objector = second.assessments.exclude(unit=tax).order_by("-rank").first()
    if objector is not None:
        Objection.objects.create(assessment=objector, text=OBJECTION)

    # 五个坚持, this year so far: filling in and under review, 区税务局 in draft.
    states: dict[int, str] = {}
    for u in units:
        roll = rng.random()
        states[u.pk] = (
            "draft"
            if u.pk == tax.pk or roll < 0.25
            else "submitted"
            if roll < 0.55
            else "reviewed_by_committee"
            if roll < 0.8
            else "approved"
        )
    third = _campaign(
        ctx,
        rng,
        files,
        framework=wuge,
        name=f"{today.year}年度“五个坚持”机关党建考评",
        units=units,
        year=today.year,
        submit_by=today + dt.timedelta(days=30),
        states=states,
    )
    returned = [
        a for a in third.assessments.filter(status="draft").exclude(unit=tax).order_by("unit__code")
    ][:3]
    for a in returned:
        a.returned_reason = "佐证材料不全，请补充第一议题学习记录后重新提交"
        a.returned_at = timezone.now() - dt.timedelta(days=2)
        a.return_count = 1
    Assessment.objects.bulk_update(returned, ["returned_reason", "returned_at", "return_count"])

    # Brands: one branch in most units; most recognised, a few waiting, one returned.
    branches = sorted(
        (o for o in ctx.orgs.values() if o.unit_id is not None and o.kind == PartyOrg.Kind.BRANCH),
        key=lambda o: o.code,
    )
    by_unit: dict[int, PartyOrg] = {}
    for o in branches:
        by_unit.setdefault(o.unit_id, o)
    brands: list[Brand] = []
    for k, (_unit_id, org) in enumerate(sorted(by_unit.items())):
        if rng.random() < 0.35:
            continue
        roll = rng.random()
        status = "recognised" if roll < 0.75 else "submitted" if roll < 0.93 else "returned"
        unit_short = org.name.split("第")[0].removeprefix("区")
        brands.append(
            Brand(
                party_org=org,
                campaign=first,
                name=f"{unit_short}·{BRAND_NAMES[k % len(BRAND_NAMES)]}",
                description=(
                    f"{org.name}立足岗位职责，打造“{BRAND_NAMES[k % len(BRAND_NAMES)]}”党建品牌，"
                    "以支部建设带动业务提升，常态化开展进社区志愿服务。"
                ),
                status=status,
                reason="品牌特色不够鲜明，请提炼后重新申报" if status == "returned" else "",
                recognised_on=today - dt.timedelta(days=rng.randint(30, 300))
                if status == "recognised"
                else None,
                applied_by=ctx.users.get("unit"),
            )
        )
    Brand.objects.bulk_create(brands, batch_size=1000)
    Evidence.objects.bulk_create([files.evidence(rng, brand=b) for b in brands], batch_size=1000)

    # Cases: twenty submitted to each of the two last-year campaigns; fifteen shortlisted;
    # members vote once each; the first campaign's top ten named, the second's still open.
    members = list(
        Member.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    demo_member = (
        Member.objects.filter(user=ctx.users.get("member")).values_list("pk", flat=True).first()
    )
    votes: list[CaseVote] = []
    for campaign, name_top in ((first, True), (second, False)):
        authors = rng.sample(units, min(len(CASE_TOPICS), len(units)))
        cases = Case.objects.bulk_create(
            [
                Case(
                    campaign=campaign,
                    unit=u,
                    title=f"{u.name.removeprefix('区')}：{topic}",
                    summary=f"{u.name}围绕{topic}，联合社区党组织共同推进，形成了可复制、可推广的经验。",
                    status="shortlisted" if k < 15 else "submitted",
                    submitted_by=ctx.users.get("unit"),
                )
                for k, (u, topic) in enumerate(zip(authors, CASE_TOPICS, strict=False))
            ]
        )
        shortlist = [c for c in cases if c.status == "shortlisted"]
        weights = [rng.uniform(0.2, 3.0) for _c in shortlist]
        voters = rng.sample(members, min(len(members), 2400 if name_top else 900))
        tally = {c.pk: 0 for c in shortlist}
        for m in voters:
            if m == demo_member and not name_top:
                continue  # the demo member still has a vote to cast
            case = rng.choices(shortlist, weights)[0]
            tally[case.pk] += 1
            votes.append(CaseVote(campaign=campaign, case=case, member_id=m))
        for c in shortlist:
            c.vote_count = tally[c.pk]
        if name_top:
            order = sorted(shortlist, key=lambda c: (-c.vote_count, c.pk))
            for place, c in enumerate(order, start=1):
                c.status, c.place = ("named", place) if place <= 10 else ("not_selected", None)
        Case.objects.bulk_update(shortlist, ["vote_count", "status", "place"])
    CaseVote.objects.bulk_create(votes, batch_size=2000)

    counts = {
        "campaigns": 3,
        "assessments": Assessment.objects.filter(campaign__in=[first, second, third]).count(),
        "brands": len(brands),
        "cases": Case.objects.filter(campaign__in=[first, second]).count(),
        "votes": len(votes),
        "awards": len(best),
        "indicators": Indicator.objects.filter(framework__in=[wushuang, liuxing, wuge]).count(),
    }
    ctx.counts.update({f"evaluation_{k}": v for k, v in counts.items()})
    audit_record(
        action="import",
        object_type="evaluation.demo",
        object_repr="模范机关创建演示数据",
        changes=counts,
        actor_label="gongjian demo",
    )
    ctx.log(
        "模范机关创建：{campaigns}次创建活动，{assessments}份测评，品牌{brands}个，"
        "案例{cases}个，投票{votes}张，标兵单位{awards}个".format(**counts)
    )
