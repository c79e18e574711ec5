"""The certificate of service hours, as a PDF: the issuing office, a number checkable on the
public verification page (with its QR code), a seal area, and Chinese in an embedded subset of
a CJK font (`gongjian.core.pdffonts`), so every reader shows it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from gongjian.core.pdffonts import cjk_font
from gongjian.orgs.models import Member
from gongjian.service.models import Attendance, Certificate

RED = (0.78, 0.06, 0.18)


def _chinese_date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _qr_png(link: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def certificate_pdf(
    *,
    member: Member,
    attendances: Sequence[Attendance],
    cert: Certificate,
    verify_link: str,
) -> bytes:
    year = cert.year
    period = _("%(y)d年度") % {"y": year} if year else _("累计")
    lines = [
        _("兹证明 %(name)s 同志（%(org)s）") % {"name": member.name, "org": member.party_org.name},
        _("%(period)s参加志愿服务活动 %(n)d 次，累计服务时长 %(h)s 小时，获得积分 %(p)s 分。")
        % {
            "period": period,
            "n": cert.activities,
            "h": f"{cert.hours.normalize():f}",
            "p": f"{cert.points.normalize():f}",
        },
        _("特此证明。"),
    ]
    headers = (_("日期"), _("活动"), _("类别"), _("时长(小时)"))
    rows = [
        (
            _chinese_date(timezone.localtime(a.activity.starts_at).date()),
            a.activity.title[:22],
            a.activity.category.name,
            f"{a.hours.normalize():f}",
        )
        for a in attendances
    ]
    title = _("志愿服务时长证明")
    number = _("证书编号：%(n)s") % {"n": cert.number}
    check = _("查验：扫描二维码或访问 %(u)s") % {"u": verify_link}
    issued = _("开具日期：%(d)s") % {"d": _chinese_date(cert.issued_on)}
    seal = _("（盖章）")
    font = cjk_font(
        [title, number, check, issued, seal, cert.issuer, *lines, *headers]
        + [cell for row in rows for cell in row]
    )

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=font)
    pdf.setTitle(title)
    pdf.setAuthor(cert.issuer)
    pdf.setSubject(cert.number)
    width, height = A4

    def frame() -> None:
        pdf.setStrokeColorRGB(*RED)
        pdf.setLineWidth(3)
        pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
        pdf.setFillColorRGB(0.3, 0.3, 0.3)
        pdf.setFont(font, 9)
        pdf.drawString(20 * mm, height - 22 * mm, number)
        pdf.setFillColorRGB(0, 0, 0)

    frame()
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 45 * mm, title)
    pdf.setFont(font, 13)
    y = height - 70 * mm
    for line in lines:
        pdf.drawString(28 * mm, y, line)
        y -= 10 * mm

    pdf.setFont(font, 10)
    y -= 4 * mm
    columns = (28 * mm, 62 * mm, 140 * mm, 168 * mm)
    for x, text in zip(columns, headers, strict=True):
        pdf.drawString(x, y, text)
    y -= 7 * mm
    for row in rows:
        if y < 80 * mm:
            pdf.showPage()
            frame()
            pdf.setFont(font, 10)
            y = height - 35 * mm
        for x, text in zip(columns, row, strict=True):
            pdf.drawString(x, y, text)
        y -= 6 * mm

    # The issuing office, the date and the seal area over them (bottom right); the QR code of
    # the verification page with the number (bottom left).
    seal_x, seal_y = width - 62 * mm, 48 * mm
    pdf.setStrokeColorRGB(*RED)
    pdf.setLineWidth(0.8)
    pdf.setDash(3, 2)
    pdf.circle(seal_x, seal_y, 21 * mm)
    pdf.setDash()
    pdf.setFillColorRGB(*RED)
    pdf.setFont(font, 9)
    pdf.drawCentredString(seal_x, seal_y + 14 * mm, seal)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 12)
    pdf.drawCentredString(seal_x, seal_y, cert.issuer)
    pdf.setFont(font, 11)
    pdf.drawCentredString(seal_x, seal_y - 8 * mm, issued)
    size = 26 * mm
    pdf.drawImage(ImageReader(io.BytesIO(_qr_png(verify_link))), 24 * mm, 30 * mm, size, size)
    pdf.setFont(font, 9)
    pdf.drawString(24 * mm, 25 * mm, number)
    pdf.setFont(font, 7)
    pdf.drawString(24 * mm, 20 * mm, check)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
