"""The certificate of service hours, as a PDF: reportlab with the CID font STSong-Light, so
Chinese needs no font file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongjian.orgs.models import Member
from gongjian.service.models import Attendance

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def certificate_pdf(
    *, member: Member, attendances: Sequence[Attendance], year: int | None = None
) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("志愿服务时长证明"))
    width, height = A4
    total = sum((a.hours for a in attendances), Decimal("0"))
    points = sum((a.points for a in attendances), Decimal("0"))

    pdf.setStrokeColorRGB(0.78, 0.06, 0.18)
    pdf.setLineWidth(3)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFont(FONT, 26)
    pdf.drawCentredString(width / 2, height - 45 * mm, _("志愿服务时长证明"))
    pdf.setFont(FONT, 13)
    period = _("%(y)d年度") % {"y": year} if year else _("累计")
    lines = [
        _("兹证明 %(name)s 同志（%(org)s）") % {"name": member.name, "org": member.party_org.name},
        _("%(period)s参加志愿服务活动 %(n)d 次，累计服务时长 %(h)s 小时，获得积分 %(p)s 分。")
        % {
            "period": period,
            "n": len(attendances),
            "h": f"{total.normalize():f}",
            "p": f"{points.normalize():f}",
        },
        _("特此证明。"),
    ]
    y = height - 70 * mm
    for line in lines:
        pdf.drawString(28 * mm, y, line)
        y -= 10 * mm

    pdf.setFont(FONT, 10)
    y -= 4 * mm
    headers = (_("日期"), _("活动"), _("类别"), _("时长(小时)"))
    columns = (28 * mm, 55 * mm, 140 * mm, 168 * mm)
    for x, text in zip(columns, headers, strict=True):
        pdf.drawString(x, y, text)
    y -= 7 * mm
    for a in attendances:
        if y < 40 * mm:
            pdf.showPage()
            pdf.setFont(FONT, 10)
            y = height - 30 * mm
        row = (
            timezone.localtime(a.activity.starts_at).strftime("%Y-%m-%d"),
            a.activity.title[:24],
            a.activity.category.name,
            f"{a.hours.normalize():f}",
        )
        for x, text in zip(columns, row, strict=True):
            pdf.drawString(x, y, text)
        y -= 6 * mm
    pdf.setFont(FONT, 11)
    pdf.drawString(
        120 * mm,
        25 * mm,
        _("开具日期：%(d)s") % {"d": timezone.localdate().strftime("%Y年%m月%d日")},
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
