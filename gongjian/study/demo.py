"""Demo data of study on top of the orgs demo: a year of regular organisational life (三会一课,
主题党日) for every branch of the district, some of them behind (a month without a committee
meeting, a quarter without a party lecture), 第一议题 and lectures in the units; attendance
records with leave and make-ups for the demo member's branch and 晨辉社区's branches; a session
under way now and one tomorrow for the demo member. Everything in bulk, deterministic."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count
from django.utils import timezone

from gongjian.core.audit import audit_record
from gongjian.orgs.models import Member, PartyOrg
from gongjian.study.models import Attendance, Kind, StudySession

BEHIND_SHARE = 0.12
TOPICS = {
    Kind.COMMITTEE_MEETING: ("研究部署本月党建工作", "讨论发展党员工作", "研究主题党日安排"),
    Kind.GROUP_MEETING: ("学习党章党规", "交流学习心得", "开展批评与自我批评"),
    Kind.THEME_DAY: ("重温入党誓词", "走进社区志愿服务", "参观红色教育基地", "文明城区创建"),
    Kind.MEMBERS_MEETING: ("传达学习上级会议精神", "讨论接收预备党员", "民主评议党员"),
    Kind.PARTY_LECTURE: ("书记讲党课：弘扬伟大建党精神", "专题党课：作风建设", "党纪学习教育"),
    Kind.FIRST_TOPIC: ("第一议题：学习习近平总书记重要讲话精神",),
    Kind.LECTURE: ("委员讲堂：基层治理", "青年讲堂：数字政府"),
    Kind.READING: ("读书分享会", "经典著作导读"),
    Kind.SEMINAR: ("专题研讨：深入学", "交流研讨：比着学"),
}
LEAVE_REASONS = ("外出公务", "出差", "参加培训", "病假", "值班")
NOTES = (
    "通过学习，进一步坚定了理想信念，要把学习成果转化为做好本职工作的实际行动。",
    "补学了会议材料，对照检查自身不足，今后要加强理论学习。",
)


def build(ctx: Any) -> None:
    rng = ctx.rng_for("study")
    tz = timezone.get_current_timezone()
    today: dt.date = ctx.today
    start = dt.date(today.year - 1, today.month, 1)
    branches = sorted(
        (o for o in ctx.orgs.values() if o.kind in ("branch", "joint_branch")),
        key=lambda o: o.code,
    )
    sizes = dict(
        Member.objects.filter(party_org__in=[b.pk for b in branches], is_active=True)
        .values_list("party_org")
        .annotate(n=Count("pk"))
    )
    demo_member = Member.objects.filter(user__username="member").first()
    detailed_orgs = set(
        PartyOrg.objects.filter(area__name="晨辉社区", kind="branch").values_list("pk", flat=True)
    )
    if demo_member is not None:
        detailed_orgs.add(demo_member.party_org_id)
    behind = {b.pk for b in branches if rng.random() < BEHIND_SHARE} - (
        {demo_member.party_org_id} if demo_member else set()
    )

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.choice((0, 30))), tzinfo=tz)

    sessions: list[StudySession] = []

    def add(org: PartyOrg, kind: str, day: dt.date, hour: int = 15) -> None:
        if day >= today:
            return
        n = max(sizes.get(org.pk, 0), 1)
        present = max(0, n - rng.choice((0, 0, 1, 1, 2, 3)))
        leave = min(n - present, rng.choice((0, 1, 1, 2)))
        begins = at(day, hour)
        sessions.append(
            StudySession(
                kind=kind,
                topic=rng.choice(TOPICS[Kind(kind)]),
                party_org=org,
                place="党员活动室",
                starts_at=begins,
                ends_at=begins + dt.timedelta(hours=1, minutes=30),
                held_on=day,
                month_index=StudySession.month_of(day),
                status=StudySession.Status.HELD,
                summary="会议按议程进行，与会党员进行了交流发言。",
                invited_count=n,
                present_count=present,
                leave_count=leave,
            )
        )

    month = start
    while month <= today:
        for b in branches:
            skipped = b.pk in behind and rng.random() < 0.25
            add(b, Kind.THEME_DAY, month.replace(day=rng.randint(5, 25)))
            add(b, Kind.GROUP_MEETING, month.replace(day=rng.randint(3, 26)))
            if not skipped:
                add(b, Kind.COMMITTEE_MEETING, month.replace(day=rng.randint(2, 12)), 9)
            if month.month in (2, 5, 8, 11):
                add(b, Kind.MEMBERS_MEETING, month.replace(day=rng.randint(10, 25)))
                if not (b.pk in behind and rng.random() < 0.5):
                    add(b, Kind.PARTY_LECTURE, month.replace(day=rng.randint(10, 25)), 14)
            if b.unit_id and rng.random() < 0.6:
                add(b, Kind.FIRST_TOPIC, month.replace(day=rng.randint(2, 12)), 9)
            if rng.random() < 0.1:
                add(
                    b, rng.choice((Kind.LECTURE, Kind.READING, Kind.SEMINAR)), month.replace(day=20)
                )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    # Under way now and tomorrow, for the demo member to check in and to ask for leave.
    now = timezone.localtime()
    upcoming: list[StudySession] = []
    if demo_member is not None:
        org = ctx.orgs.get(demo_member.party_org.code) or demo_member.party_org
        n = sizes.get(org.pk, 1)
        for offset, kind, topic in (
            (dt.timedelta(minutes=-20), Kind.FIRST_TOPIC, "第一议题：学习贯彻全会精神"),
            (dt.timedelta(days=1), Kind.COMMITTEE_MEETING, "研究年度民主评议工作"),
        ):
            begins = (now + offset).replace(second=0, microsecond=0)
            upcoming.append(
                StudySession(
                    kind=kind,
                    topic=topic,
                    speaker="支部书记",
                    party_org=org,
                    place="三楼会议室",
                    starts_at=begins,
                    ends_at=begins + dt.timedelta(hours=2),
                    held_on=timezone.localtime(begins).date(),
                    month_index=StudySession.month_of(timezone.localtime(begins).date()),
                    invited_count=n,
                )
            )
    StudySession.objects.bulk_create(sessions + upcoming, batch_size=2000)

    # Attendance rows for the branches shown in detail.
    members_of: dict[int, list[int]] = {}
    for pk, org_id in Member.objects.filter(
        party_org__in=detailed_orgs, is_active=True
    ).values_list("pk", "party_org_id"):
        members_of.setdefault(org_id, []).append(pk)
    rows: list[Attendance] = []
    kept = list(
        StudySession.objects.filter(party_org__in=detailed_orgs).order_by("starts_at", "id")
    )
    updates: list[StudySession] = []
    for s in kept:
        people = sorted(members_of.get(s.party_org_id, []))
        if not people:
            continue
        counts: Counter[str] = Counter()
        for mid in people:
            if s.status == StudySession.Status.SCHEDULED:
                status = Attendance.Status.INVITED
            elif demo_member is not None and mid == demo_member.pk:
                status = rng.choice(("present",) * 8 + ("leave", "absent"))
            else:
                status = rng.choice(("present",) * 12 + ("leave", "absent"))
            makeup = ""
            note = ""
            if status in ("leave", "absent"):
                makeup = rng.choice(("confirmed", "confirmed", "submitted", "assigned"))
                note = NOTES[1] if makeup in ("confirmed", "submitted") else ""
            elif status == "present" and rng.random() < 0.15:
                note = NOTES[0]
            counts[status] += 1
            rows.append(
                Attendance(
                    session=s,
                    member_id=mid,
                    status=status,
                    method="qr" if status == "present" else "",
                    checked_in_at=s.starts_at if status == "present" else None,
                    leave_reason=rng.choice(LEAVE_REASONS) if status == "leave" else "",
                    note=note,
                    note_at=s.ends_at if note else None,
                    makeup=makeup,
                )
            )
        s.invited_count = len(people)
        s.present_count = counts["present"]
        s.leave_count = counts["leave"]
        updates.append(s)
    Attendance.objects.bulk_create(rows, batch_size=5000)
    StudySession.objects.bulk_update(
        updates, ["invited_count", "present_count", "leave_count"], batch_size=2000
    )
    ctx.counts["study_sessions"] = len(sessions) + len(upcoming)
    ctx.counts["study_attendances"] = len(rows)
    ctx.log(
        f"学习：{len(sessions) + len(upcoming)}次学习活动，{len(rows)}条参加记录，"
        f"{len(behind)}个支部有缺项"
    )
    audit_record(
        action="import",
        object_type="study.demo",
        object_repr="学习演示数据",
        changes={"sessions": len(sessions) + len(upcoming), "attendances": len(rows)},
        actor_label="gongjian demo",
    )
