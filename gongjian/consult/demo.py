"""Demo data of consult on top of the orgs demo: a year of the district's consultations (44,
of every level and form, four online, two still to come) with invitations, check-ins and
contributions; 260 suggestions from members, residents and studios in every state (some
overdue, some re-handled after 不满意, some handed back, merged, declined), each unit's stated
duties so proposals have reasons, two committee studios and ten pioneer posts with their
members and shifts. Deterministic from the seed; written in bulk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gongjian.consult import deadlines, standard
from gongjian.consult.models import (
    Assignment,
    Attendance,
    Category,
    Consultation,
    Contribution,
    Invitation,
    Rating,
    Reply,
    Shift,
    Studio,
    Suggestion,
    UnitDuty,
)
from gongjian.core import crypto, synthetic
from gongjian.core.audit import audit_record
from gongjian.orgs.models import Member

# Each unit's stated duties: "unit：duties", one a line.
DUTIES = dict(
    line.split("：", 1)
    for line in """
区城管局：市容环境卫生管理；生活垃圾收运和公厕管理；查处占道经营、流动摊贩、露天烧烤；违法建设拆除；城市照明路灯维护；户外广告招牌管理；共享单车停放秩序
区住建局：老旧小区改造；既有住宅加装电梯；物业服务监管和业主委员会指导；房屋安全鉴定；建筑工地施工扬尘和夜间施工；燃气管道安全
区交通运输局：公交线路和站点设置；城市道路养护；出租车网约车管理；公共停车场规划建设；交通设施建设
区教育局：中小学和幼儿园管理；学区划分和招生入学；校车安全；课后延时服务；校外培训机构监管；学校食堂
区卫健委：医院和社区卫生服务中心管理；家庭医生签约；疫苗接种；医疗服务质量；挂号就诊；病媒生物防制
区民政局：养老服务和社区养老驿站；老年人助餐；最低生活保障和困难救助；残疾人福利；婚姻登记；社区居委会建设
区生态环境局：大气污染防治；工业企业废气废水排放；河湖水质；工业噪声；异味投诉
区市场监管局：食品安全和餐饮卫生；商品价格监督；消费者权益保护；虚假宣传；电梯等特种设备安全；预付卡
区人社局：就业创业服务；职业技能培训；拖欠农民工工资；劳动合同纠纷和劳动仲裁；养老保险待遇；退休手续
区公安分局：社会治安；电动车盗窃；户籍和居住证办理；交通违法查处；夜间社会生活噪声扰民；电信诈骗
区水务局：城乡供水和停水；水压；排水管网和雨水井；暴雨内涝；河道整治；污水管道堵塞外溢
区税务局：税收征管；纳税服务和办税服务厅；发票开具；个人所得税汇算；社保费征收；退税；电子税务局
区文化和旅游局：公共图书馆和文化馆；群众文化活动；景区管理；文物保护；广场舞场地
区应急管理局：安全生产监管；消防安全隐患；防汛抗旱；危险化学品；应急避难场所；高层建筑消防通道
""".strip().splitlines()
)
# (title, text, unit, category)
SUGGESTIONS = [
    (
        "小区门口垃圾没人拉",
        "东门垃圾站垃圾堆了三四天，臭得不行，希望每天按时清运",
        "区城管局",
        "01-urban",
    ),
    ("晚上烧烤摊油烟太大", "楼下那条街晚上摆满烧烤摊，油烟往窗户里钻", "区城管局", "01-urban"),
    ("路灯坏了好久", "幸福路南段五六盏灯不亮，老人晚上走路摔跤", "区城管局", "01-urban"),
    (
        "老楼想装电梯",
        "九十年代的六层老楼没电梯，老人下不了楼，想申请加装",
        "区住建局",
        "07-housing",
    ),
    ("物业不作为", "楼道灯坏了不修，绿化也没人管，业主反映没用", "区住建局", "07-housing"),
    ("工地半夜施工", "对面工地晚上十一点还在打桩，孩子睡不着", "区住建局", "07-housing"),
    ("公交站太远", "新小区一公里内没有公交站，建议增设站点", "区交通运输局", "02-traffic"),
    ("路面坑洼不平", "工业大道好几个大坑，电动车差点摔倒", "区交通运输局", "02-traffic"),
    ("停车太难", "老城区没地方停车，建议建个停车场", "区交通运输局", "02-traffic"),
    ("孩子上学太远", "学区划分不合理，旁边有学校却被分到三公里外", "区教育局", "03-education"),
    (
        "放学太早没人接",
        "小学三点半放学，双职工接不了，希望延长课后服务",
        "区教育局",
        "03-education",
    ),
    ("社区医院排队久", "社区卫生服务中心就两个医生，看个感冒排一上午", "区卫健委", "04-health"),
    ("疫苗预约不上", "给孩子约疫苗一直显示约满，要等一个多月", "区卫健委", "04-health"),
    ("老人吃饭难", "独居老人做饭不方便，希望开个老年食堂", "区民政局", "05-elderly"),
    ("养老驿站太少", "附近没有日间照料的地方，老人白天没人照看", "区民政局", "05-elderly"),
    ("工厂排黑烟", "开发区有厂子晚上偷偷排烟，味道刺鼻", "区生态环境局", "06-environment"),
    ("河水发臭", "流经村里的小河颜色发黑，有臭味", "区生态环境局", "06-environment"),
    ("饭店卫生太差", "在饭店吃完闹肚子，后厨脏乱差，希望检查", "区市场监管局", "09-economy"),
    ("电梯老是坏", "小区电梯一个月停了三次还困过人，担心维保不到位", "区市场监管局", "08-safety"),
    ("工资被拖欠", "在工地干了半年，老板一直拖着不发工资", "区人社局", "09-economy"),
    ("想学技术", "下岗了想学电工，有没有免费职业培训", "区人社局", "09-economy"),
    ("电动车被偷", "楼下电动车又被偷了，这个月丢了好几辆", "区公安分局", "08-safety"),
    ("半夜喝酒吵闹", "小广场每天半夜有人喝酒唱歌，大声喧哗", "区公安分局", "08-safety"),
    ("经常停水", "这个月停了三次水，也不提前通知", "区水务局", "07-housing"),
    ("一下雨就淹", "下大雨小区门口积水半米深，车开不过去", "区水务局", "01-urban"),
    ("办税服务厅排队", "月初去办税服务厅要排一两个小时队，建议增加窗口", "区税务局", "09-economy"),
    ("发票开不出来", "电子发票系统经常卡，影响做生意", "区税务局", "09-economy"),
    ("图书馆开放时间短", "区图书馆五点就关门，上班族没时间去", "区文化和旅游局", "10-culture"),
    ("广场舞没有场地", "阿姨们跳广场舞没地方，在路边跳被说扰民", "区文化和旅游局", "10-culture"),
    ("消防通道被堵", "小区消防通道停满车，消防车开不进来", "区应急管理局", "08-safety"),
    ("电动车楼道充电", "有人把电动车推进楼道充电，很危险", "区应急管理局", "08-safety"),
]
PLACES = ("区政协常委会议室", "区委党校报告厅", "区人大常委会议室", "区行政中心三楼会议室")
TOPICS = (
    "老旧小区改造和加装电梯",
    "优化营商环境",
    "一老一小服务体系建设",
    "城市更新与历史街区保护",
    "河湖长制落实情况",
    "基层治理现代化",
    "义务教育优质均衡发展",
    "社区嵌入式服务设施建设",
    "农贸市场提升改造",
    "公共停车设施建设",
    "垃圾分类长效管理",
)
OPINIONS = (
    "建议建立居民议事会，重大事项先协商后实施。",
    "资金分摊方案要公开透明，给困难群众适当补助。",
    "建议把学校、医院周边作为优先改造区域。",
    "要发挥委员工作室作用，把群众意见收集上来。",
)
REPLIES = (
    "经研究，已于本月组织专项整治，并建立长效巡查机制，感谢您的建议。",
    "已列入年度实施计划，将于下季度完成，办理进度将在社区公示。",
    "已联系相关责任单位现场处理完毕，后续将加强日常监管。",
)
# How many suggestions of each state (260 in all)
STATES = (
    ("submitted", 18),
    ("declined", 10),
    ("merged", 8),
    ("accepted", 12),
    ("assigned", 36),
    ("overdue", 16),
    ("replied", 30),
    ("rehandle", 10),
    ("closed", 120),
)


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def build(ctx: Any) -> None:
    rng = ctx.rng_for("consult")
    today: dt.date = ctx.today
    district = ctx.district
    units = {u.name: u for u in ctx.units.values()}
    standard.ensure()
    categories = {c.code: c for c in Category.objects.all()}
    communities = sorted(ctx.communities.values(), key=lambda a: a.code)
    district_user = ctx.users.get("district")
    unit_user = ctx.users.get("unit")

    UnitDuty.objects.bulk_create(
        [UnitDuty(unit=units[name], duties=text) for name, text in DUTIES.items() if name in units]
    )
    demo_member = Member.objects.filter(user__username="member").first()
    pool = list(
        Member.objects.filter(unit__isnull=False, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    flagged = (
        list(
            Member.objects.filter(is_committee_member=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        or pool[:40]
    )
    deputies = list(
        Member.objects.filter(is_deputy=True).order_by("pk").values_list("pk", flat=True)
    )
    people = sorted(set(flagged + deputies))[:120] or pool[:120]
    if demo_member is not None and demo_member.pk not in people:
        people.append(demo_member.pk)

    # Consultations: 42 held over the past year, two to come -------------------------------
    consultations: list[Consultation] = []
    forms = ("topic", "counterpart", "sector", "proposal")
    levels = ("district",) * 6 + ("city", "city", "province", "street")
    for i in range(44):
        online = i % 11 == 5
        day = (
            today - dt.timedelta(days=8 * (42 - i) + 3)
            if i < 42
            else today + dt.timedelta(days=7 * (i - 41))
        )
        start = _moment(day, 9 if i % 2 else 14)
        consultations.append(
            Consultation(
                district=district,
                unit=units.get("区政协机关") if i % 3 == 0 else None,
                level=levels[i % len(levels)],
                form="online" if online else forms[i % len(forms)],
                topic=f"{TOPICS[i % len(TOPICS)]}{'网络议政' if online else '协商会'}",
                starts_at=start,
                ends_at=start + (dt.timedelta(days=10) if online else dt.timedelta(hours=3)),
                place="" if online else PLACES[i % len(PLACES)],
                online_until=start + dt.timedelta(days=10) if online else None,
                status="held" if i < 42 else "planned",
                minutes="会议听取了专题调研报告，委员们围绕议题充分协商。" if i < 42 else "",
                outcome="形成协商意见建议，报区委区政府参阅。" if i < 42 else "",
                created_by=district_user,
            )
        )
    Consultation.objects.bulk_create(consultations)
    invitations: list[Invitation] = []
    attendances: list[Attendance] = []
    contributions: list[Contribution] = []
    for i, c in enumerate(consultations):
        invited = rng.sample(people, min(len(people), rng.randint(10, 22)))
        if demo_member is not None and (i % 4 == 0 or i >= 42) and demo_member.pk not in invited:
            invited.append(demo_member.pk)
        for mid in invited:
            came = c.status == "held" and rng.random() < 0.8
            invitations.append(
                Invitation(
                    consultation=c,
                    member_id=mid,
                    status="confirmed"
                    if came or (c.status == "planned" and rng.random() < 0.5)
                    else "invited",
                )
            )
            if came:
                attendances.append(
                    Attendance(
                        consultation=c,
                        member_id=mid,
                        checked_in_at=c.starts_at + dt.timedelta(minutes=rng.randint(-20, 10)),
                        method="qr",
                    )
                )
        if c.status == "held":
            speakers = rng.sample(invited, min(len(invited), 3))
            for k, mid in enumerate(speakers):
                contributions.append(
                    Contribution(
                        consultation=c,
                        member_id=mid,
                        kind="opinion" if c.form == "online" else ("speech", "written")[k % 2],
                        text=OPINIONS[(i + k) % len(OPINIONS)],
                        featured=k == 0,
                    )
                )
    Invitation.objects.bulk_create(invitations, batch_size=5000)
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    made = Contribution.objects.bulk_create(contributions, batch_size=5000)
    for x in made:
        Contribution.objects.filter(pk=x.pk).update(created_at=x.consultation.starts_at)

    # Studios and posts --------------------------------------------------------------------
    studios = [
        Studio(
            kind="studio",
            name=f"{communities[k].name}委员工作室",
            district=district,
            area=communities[k],
            unit=units.get("区政协机关"),
            address=f"{communities[k].name}党群服务中心二楼",
            hours="每周三 9:00-11:30",
        )
        for k in range(min(2, len(communities)))
    ]
    posts = [
        Studio(
            kind="post",
            name=f"{communities[k % len(communities)].name}党员先锋岗",
            district=district,
            area=communities[k % len(communities)],
            address="社区便民服务大厅",
            hours="工作日 8:30-17:30",
        )
        for k in range(10)
    ]
    Studio.objects.bulk_create(studios + posts)
    shifts: list[Shift] = []
    for place in studios + posts:
        members = rng.sample(people, min(len(people), 5))
        if demo_member is not None and place is studios[0]:
            members.append(demo_member.pk)
        place.members.set(members)
        for w in range(0, 50, 2):
            day = today - dt.timedelta(days=7 * w + 2)
            shifts.append(
                Shift(
                    studio=place,
                    member_id=rng.choice(members),
                    on=day,
                    hours=Decimal("2.5"),
                    note="接待群众来访",
                )
            )
    Shift.objects.bulk_create(shifts, batch_size=5000, ignore_conflicts=True)

    # Suggestions in every state ------------------------------------------------------------
    n = 0
    counts = {state: 0 for state, _ in STATES}
    first_closed: Suggestion | None = None
    for state, how_many in STATES:
        for _ in range(how_many):
            title, text, unit_name, category = SUGGESTIONS[n % len(SUGGESTIONS)]
            n += 1
            unit = units.get(unit_name) or next(iter(units.values()))
            recent = state in (
                "submitted",
                "accepted",
                "assigned",
                "overdue",
                "replied",
                "rehandle",
            )
            days_ago = rng.randint(1, 20) if recent else rng.randint(25, 360)
            if state == "overdue":
                days_ago = rng.randint(30, 60)
            submitted_on = today - dt.timedelta(days=days_ago)
            source = ("member", "member", "public", "studio", "consultation")[n % 5]
            member_id = (
                (demo_member.pk if demo_member is not None and n % 12 == 0 else rng.choice(people))
                if source in ("member", "consultation")
                else None
            )
            phone = synthetic.phone(900000 + n) if member_id is None else ""
            s = Suggestion.objects.create(
                district=district,
                title=title if n <= len(SUGGESTIONS) else f"{title}（{n}）",
                text=text,
                category=categories[category],
                area=communities[n % len(communities)],
                source=source,
                member_id=member_id,
                submitter_name="" if member_id else "居民",
                submitter_phone=phone,
                submitter_phone_hash=crypto.blind_index(phone) if phone else "",
                share_identity=n % 3 == 0,
                studio=studios[n % len(studios)] if source == "studio" and studios else None,
                consultation=consultations[n % 42] if source == "consultation" else None,
                submitted_at=_moment(submitted_on, 10),
            )
            counts[state] += 1
            decided = _moment(submitted_on + dt.timedelta(days=1), 10)
            if state == "submitted":
                continue
            if state == "declined":
                Suggestion.objects.filter(pk=s.pk).update(
                    status="declined",
                    decided_at=decided,
                    decline_reason="不属于本区职权范围，已告知提出人向上级反映",
                )
                continue
            if state == "merged":
                target = first_closed or Suggestion.objects.exclude(pk=s.pk).first()
                Suggestion.objects.filter(pk=s.pk).update(
                    status="merged", decided_at=decided, merged_into=target
                )
                continue
            if state == "accepted":
                Suggestion.objects.filter(pk=s.pk).update(
                    status="accepted", decided_at=decided, handbacks=n % 2
                )
                if n % 2:
                    Assignment.objects.create(
                        suggestion=s,
                        unit=unit,
                        status="handed_back",
                        workdays=15,
                        due_on=deadlines.add_workdays(decided.date(), 15),
                        assigned_by=district_user,
                        handback_reason="不属于本单位职责，建议交其他单位办理",
                        ended_at=decided,
                    )
                continue
            workdays = categories[category].workdays
            assigned_on = submitted_on + dt.timedelta(days=2)
            due = deadlines.add_workdays(assigned_on, workdays)
            if state == "overdue":
                due = min(due, today - dt.timedelta(days=rng.randint(1, 10)))
            a = Assignment.objects.create(
                suggestion=s,
                unit=unit,
                workdays=workdays,
                due_on=due,
                assigned_by=district_user,
                proposed=True,
                reasons=["职责相关"],
            )
            if state in ("assigned", "overdue"):
                Suggestion.objects.filter(pk=s.pk).update(
                    status="assigned", decided_at=decided, unit=unit, due_on=due
                )
                continue
            late = rng.random() < 0.15
            replied_on = (
                due + dt.timedelta(days=2)
                if late
                else assigned_on + dt.timedelta(days=rng.randint(3, 12))
            )
            replied_on = min(replied_on, today)
            Reply.objects.create(
                suggestion=s,
                assignment=a,
                unit=unit,
                text=REPLIES[n % len(REPLIES)],
                replied_by=unit_user,
            )
            a.status = "replied"
            a.ended_at = _moment(replied_on, 16)
            a.save()
            fields: dict[str, Any] = {
                "status": "replied",
                "decided_at": decided,
                "unit": unit,
                "due_on": due,
                "replied_at": _moment(replied_on, 16),
                "on_time": replied_on <= due,
            }
            if state == "rehandle":
                Rating.objects.create(
                    suggestion=s, round=1, value="unsatisfied", comment="问题没有根本解决"
                )
                due2 = deadlines.add_workdays(replied_on, workdays)
                Assignment.objects.create(
                    suggestion=s,
                    unit=unit,
                    workdays=workdays,
                    due_on=due2,
                    assigned_by=district_user,
                    rehandle=True,
                )
                fields.update(
                    status="assigned", rehandles=1, due_on=due2, replied_at=None, on_time=None
                )
            elif state == "closed":
                value = rng.choices(("satisfied", "basic", "unsatisfied"), (70, 22, 8))[0]
                Rating.objects.create(suggestion=s, round=1, value=value)
                fields.update(
                    status="closed",
                    rating=value,
                    closed_at=_moment(min(today, replied_on + dt.timedelta(days=3)), 9),
                )
                if first_closed is None:
                    first_closed = s
            Suggestion.objects.filter(pk=s.pk).update(**fields)

    total = sum(counts.values())
    ctx.counts["consultations"] = len(consultations)
    ctx.counts["suggestions"] = total
    ctx.log(
        f"协商议事：{len(consultations)}次协商，{len(attendances)}人次参加，{total}条意见建议"
        f"（逾期{counts['overdue']}条），{len(studios)}个委员工作室，{len(posts)}个先锋岗"
    )
    audit_record(
        action="import",
        object_type="consult.demo",
        object_repr="协商议事演示数据",
        changes={"consultations": len(consultations), "suggestions": total},
        actor_label="gongjian demo",
    )
