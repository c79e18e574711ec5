"""Builders the evaluation tests share: a small framework, a campaign of the cast's two units,
files of each kind, and platform records the computed indicators read."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import struct
import zipfile
import zlib
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gongjian.evaluation import services
from gongjian.evaluation.models import Assessment, Campaign, Framework, Indicator
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast

_seq = itertools.count(1)
TODAY = dt.date(2026, 3, 1)
YEAR = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def framework(cast: Cast, *, evidence: bool = True) -> Framework:
    """A district framework: 政治型 (40: 1.1 manual 20 with evidence, 1.2 reporting rate 20)
    and 服务型 (60: 2.1 manual 30, 2.2 person-times per member 30), published."""
    actor = cast.district_admin
    fw = services.framework_create(
        actor=actor, code=f"test-{next(_seq)}", name="测试体系", area=cast.district
    )
    d1 = services.indicator_save(actor=actor, framework=fw, code="1", name="政治型机关", weight=40)
    services.indicator_save(
        actor=actor,
        framework=fw,
        parent=d1,
        code="1.1",
        name="第一议题制度落实",
        weight=20,
        evidence_required=evidence,
    )
    services.indicator_save(
        actor=actor,
        framework=fw,
        parent=d1,
        code="1.2",
        name="在职党员报到率",
        weight=20,
        method="computed",
        metric="reporting_rate",
        thresholds="60:60, 80:80, 95:100",
    )
    d2 = services.indicator_save(actor=actor, framework=fw, code="2", name="服务型机关", weight=60)
    services.indicator_save(
        actor=actor, framework=fw, parent=d2, code="2.1", name="为民办实事", weight=30
    )
    services.indicator_save(
        actor=actor,
        framework=fw,
        parent=d2,
        code="2.2",
        name="人均志愿服务人次",
        weight=30,
        method="computed",
        metric="person_times_per_member",
        thresholds=[[0.5, 60], [1, 80], [2, 100]],
    )
    return services.framework_publish(actor=actor, framework=fw)


def campaign(cast: Cast, fw: Framework | None = None, **extra: Any) -> Campaign:
    fw = fw or framework(cast)
    args: dict[str, Any] = {
        "name": "2025年度模范机关创建",
        "period_start": YEAR[0],
        "period_end": YEAR[1],
        "submit_by": TODAY + dt.timedelta(days=30),
        "units": [cast.tax, cast.justice],
    }
    args.update(extra)
    return services.campaign_create(
        actor=cast.district_admin, framework=fw, area=cast.district, **args
    )


def assessment(c: Campaign, unit: Any) -> Assessment:
    return Assessment.objects.get(campaign=c, unit=unit)


def ind(c: Campaign, code: str) -> Indicator:
    return Indicator.objects.get(framework=c.framework, code=code)


def fill(cast: Cast, a: Assessment, actor: Any = None, s11: Any = 90, s21: Any = 80) -> None:
    """Self-score both manual indicators and attach the required evidence; submit."""
    actor = actor or cast.unit_admin
    c = a.campaign
    services.assessment_save(
        actor=actor,
        assessment=a,
        scores={
            ind(c, "1.1").pk: (s11, "每次党组会均传达学习"),
            ind(c, "2.1").pk: (s21, "办实事12件"),
        },
    )
    services.evidence_add(
        actor=actor, assessment=a, indicator=ind(c, "1.1"), files=[("学习记录.png", png())]
    )
    services.assessment_submit(actor=actor, assessment=a, today=TODAY)


def approve(cast: Cast, a: Assessment) -> Assessment:
    a = services.assessment_review(actor=cast.district_admin, assessment=a, action="approve")
    return services.assessment_review(actor=cast.district_admin, assessment=a, action="approve")


def report(member: Member, community: Any, confirmed: dt.date) -> None:
    from gongjian.reporting.models import MemberReport

    at = timezone.make_aware(dt.datetime.combine(confirmed, dt.time(10)))
    MemberReport.objects.create(
        member=member, community=community, status="confirmed", submitted_at=at, confirmed_at=at
    )


def attend(member: Member, area: Any, day: dt.date, hours: str = "2") -> None:
    from gongjian.service.models import Activity, Attendance, ServiceCategory

    category, _ = ServiceCategory.objects.get_or_create(
        code="eval-test", defaults={"name": "测评测试", "colour": "#c8102e"}
    )
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    activity = Activity.objects.create(
        title="测试活动",
        category=category,
        area=area,
        address="测试地址",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        quota=10,
        signup_opens_at=starts - dt.timedelta(days=3),
        signup_closes_at=starts,
    )
    Attendance.objects.create(
        activity=activity,
        member=member,
        method="manual",
        hours=Decimal(hours),
        checked_in_at=starts,
        checked_out_at=starts + dt.timedelta(hours=2),
    )
