"""Demo data of inspection on top of the orgs demo: inspections of the kinds the districts'
reports name (车站, 街道, 医院, 学校, 公园) by the district, by units and by deputies, with
findings in every state (open, overdue, waiting for review, returned, closed on time and
late), photos, and a 创文 campaign broken into tasks for branches with progress reports.
Deterministic from the seed; photos are drawn, not shipped."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from gongjian.core import photos
from gongjian.core.audit import audit_record
from gongjian.inspection import deadlines
from gongjian.inspection.models import (
    Campaign,
    Finding,
    Inspection,
    Photo,
    Place,
    Rectification,
    Task,
    TaskReport,
)
from gongjian.orgs.models import Member, PartyOrg

# subject, kind, led by, unit name or "", place kind, places
PLAN = [
    (
        "春运期间车站周边环境秩序督导",
        "supervision",
        "district",
        "",
        "station",
        ("青禾站", "东湖站"),
    ),
    (
        "主次干道市容市貌督查",
        "check",
        "unit",
        "区城管局",
        "street",
        ("青禾路", "望江路", "云栖大道"),
    ),
    (
        "人大代表医疗服务专项视察",
        "visit",
        "deputies",
        "区人大常委会机关",
        "hospital",
        ("区人民医院", "区中医院"),
    ),
    ("校园周边安全督导", "supervision", "unit", "区教育局", "school", ("育才小学", "文昌中学")),
    (
        "公园绿地文明创建督查",
        "check",
        "district",
        "",
        "park",
        ("湖滨公园", "晨辉公园", "云栖山公园"),
    ),
]
FINDINGS = {
    "station": ("出站口非机动车乱停乱放", "候车区垃圾桶满溢未及时清理", "站前广场存在违规揽客现象"),
    "street": ("沿街商户占道经营", "人行道破损未修复", "公益广告破损褪色"),
    "hospital": ("门诊挂号排队时间过长", "无障碍通道被占用", "导诊标识不清晰"),
    "school": ("上下学时段校门口交通拥堵", "周边流动摊贩售卖三无食品", "护栏损坏存在安全隐患"),
    "park": ("健身器材损坏", "草坪内乱扔垃圾", "文明宣传标语缺失"),
}
CATEGORY = {"station": "order", "street": "sanitation", "hospital": "service", "school": "safety"}
STATES = ("open", "overdue", "submitted", "returned", "closed", "late")
COLOURS = ((200, 90, 60), (60, 130, 200), (90, 170, 90), (210, 180, 60), (150, 110, 190))


def _photo(rng: Any, label: int) -> bytes:
    image = Image.new("RGB", (800, 600), COLOURS[label % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(700), rng.randrange(500)
        draw.rectangle(
            (x, y, x + rng.randrange(40, 160), y + rng.randrange(30, 120)), fill=(240, 240, 240)
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return photos.clean(out.getvalue()).data


def _save_photo(data: bytes, **owner: Any) -> None:
    photo = Photo(width=800, height=600, size=len(data), **owner)
    photo.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=False)
    photo.save()


def build(ctx: Any) -> None:
    rng = ctx.rng_for("inspection")
    tz = timezone.get_current_timezone()
    today: dt.date = ctx.today
    district = ctx.district
    units = {u.name: u for u in ctx.units.values()}
    communities = sorted(ctx.communities.values(), key=lambda a: a.code)
    chenhui = next(c for c in communities if c.name == "晨辉社区")
    district_user = ctx.users.get("district")
    community_user = ctx.users.get("community")
    inspectors = list(Member.objects.filter(user__username__in=("member", "grid")).order_by("pk"))
    images = [_photo(rng, k) for k in range(6)]

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=tz)

    made = {"inspections": 0, "places": 0, "findings": 0}
    state_index = 0
    for k, (subject, kind, led_by, unit_name, place_kind, names) in enumerate(PLAN):
        began = today - dt.timedelta(days=[40, 25, 18, 9, 3][k])
        inspection = Inspection.objects.create(
            kind=kind,
            subject=subject,
            led_by=led_by,
            district=district,
            unit=units.get(unit_name) if unit_name else None,
            starts_on=began,
            ends_on=began + dt.timedelta(days=1),
            description="按照文明城区创建要求开展督导，现场发现问题、现场交办。",
            created_by=district_user,
        )
        inspection.inspectors.set(inspectors)
        made["inspections"] += 1
        for n, name in enumerate(names):
            area = chenhui if (k == 4 and n == 1) else rng.choice(communities)
            place = Place.objects.create(
                inspection=inspection,
                name=name,
                kind=place_kind,
                area=area,
                address=f"{area.name}附近",
                visited_on=began if n < len(names) else None,
            )
            made["places"] += 1
            for description in rng.sample(FINDINGS[place_kind], 2):
                state = STATES[state_index % len(STATES)]
                state_index += 1
                found = moment(began, 10 + n)
                workdays = rng.choice((3, 5, 7))
                due = deadlines.add_workdays(began, workdays)
                responsible_unit = None
                responsible_area = area
                if place_kind in ("hospital", "school") and rng.random() < 0.5:
                    responsible_unit = units.get(
                        "区卫健委" if place_kind == "hospital" else "区教育局"
                    )
                    responsible_area = None
                if state in ("open", "overdue", "returned") and due < today and state != "overdue":
                    due = deadlines.add_workdays(today, rng.choice((2, 3)))
                if state == "overdue" and due >= today:
                    due = today - dt.timedelta(days=2)
                finding = Finding.objects.create(
                    inspection=inspection,
                    place=place,
                    description=f"{name}：{description}",
                    category=CATEGORY.get(place_kind, "publicity" if k == 4 else "other"),
                    severity=rng.choice(("minor", "minor", "major", "serious")),
                    responsible_unit=responsible_unit,
                    responsible_area=responsible_area,
                    status="open",
                    workdays=workdays,
                    due_on=due,
                    found_at=found,
                    found_by=district_user,
                )
                _save_photo(images[state_index % len(images)], finding=finding)
                made["findings"] += 1
                if state in ("submitted", "returned", "closed", "late"):
                    submitted_on = min(today, due - dt.timedelta(days=1))
                    if state == "late":
                        submitted_on = min(today, due + dt.timedelta(days=2))
                    rect = Rectification.objects.create(
                        finding=finding,
                        text="已组织力量整改完毕，附整改后照片。",
                        submitted_by=community_user if responsible_area else ctx.users.get("unit"),
                        due_on=due,
                    )
                    Rectification.objects.filter(pk=rect.pk).update(
                        created_at=moment(submitted_on, 15)
                    )
                    _save_photo(images[(state_index + 3) % len(images)], rectification=rect)
                    if state == "submitted":
                        finding.status = "submitted"
                    elif state == "returned":
                        rect.result = "returned"
                        rect.review_reason = "整改不彻底，请举一反三全面排查"
                        rect.reviewed_by = district_user
                        rect.reviewed_at = moment(submitted_on, 17)
                        rect.save()
                        finding.status = "returned"
                        finding.returns = 1
                        finding.workdays = deadlines.return_workdays(workdays)
                        finding.due_on = deadlines.add_workdays(today, finding.workdays)
                    else:
                        rect.result = "passed"
                        rect.reviewed_by = district_user
                        rect.reviewed_at = moment(
                            min(today, submitted_on + dt.timedelta(days=1)), 17
                        )
                        rect.save()
                        finding.status = "closed"
                        finding.closed_at = rect.reviewed_at
                        finding.on_time = state == "closed"
                    finding.save()

    # A 创文 campaign broken into tasks for the tax bureau's branches and 晨辉社区's.
    tax_branches = list(
        PartyOrg.objects.filter(unit__name="区税务局", kind="branch").order_by("path")
    )
    chenhui_branches = list(PartyOrg.objects.filter(area=chenhui, kind="branch").order_by("path"))
    campaign = Campaign.objects.create(
        title="创建全国文明城区攻坚行动",
        description="把目标、任务、要求分解到各支部：文明劝导、环境整治、志愿服务。",
        district=district,
        due_on=today + dt.timedelta(days=45),
        created_by=district_user,
    )
    tasks = []
    for org in tax_branches + chenhui_branches:
        for title, target in (
            ("文明交通劝导", "在包联路口开展文明劝导不少于10次"),
            ("楼院环境整治", "清理包联楼院堆物，做到无乱堆乱放"),
        ):
            tasks.append(
                Task(
                    campaign=campaign,
                    party_org=org,
                    title=title,
                    target=target,
                    due_on=today + dt.timedelta(days=rng.choice((10, 20, 30))),
                )
            )
    Task.objects.bulk_create(tasks)
    unit_user = ctx.users.get("unit")
    for task in Task.objects.filter(campaign=campaign).order_by("id"):
        progress = rng.choice((0, 30, 60, 100))
        if progress:
            report = TaskReport.objects.create(
                task=task,
                percent=progress,
                text=f"已完成目标的{progress}%。",
                reported_by=unit_user,
            )
            if rng.random() < 0.5:
                _save_photo(images[task.pk % len(images)], report=report)
            task.progress = progress
            if progress == 100:
                task.status = "completed"
                task.completed_at = moment(today - dt.timedelta(days=rng.randint(0, 5)), 16)
            task.save()
    ctx.log(
        f"督导：{made['inspections']}次督导，{made['places']}个点位，{made['findings']}个问题，"
        f"{len(tasks)}个督办事项"
    )
    audit_record(
        action="import",
        object_type="inspection.demo",
        object_repr="督导演示数据",
        changes={**made, "tasks": len(tasks)},
        actor_label="gongjian demo",
    )
