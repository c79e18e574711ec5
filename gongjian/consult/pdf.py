"""A member's duty record as a PDF: reportlab with the CID font STSong-Light, as the other
certificates of the platform (`service.certificate`). Debian's Noto CJK fonts are OpenType
with PostScript outlines, which reportlab cannot embed, so the font is referenced, not
embedded: every PDF reader that handles Chinese has it."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongjian.consult.records import DutyRecord

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _num(value: object) -> str:
    text = f"{value}"
    return text[:-2] if text.endswith(".0") else text


def duty_record_pdf(record: DutyRecord) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    title = _("%(y)d年度履职档案") % {"y": record.year}
    pdf.setTitle(f"{record.member.name} {title}")
    width, height = A4
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - 30 * mm, title)
    pdf.setFont(FONT, 12)
    unit = record.member.unit.name if record.member.unit_id and record.member.unit else ""
    pdf.drawString(20 * mm, height - 42 * mm, f"{_('姓名')}：{record.member.name}    {unit}")
    pdf.drawString(20 * mm, height - 50 * mm, f"{_('履职得分')}：{_num(record.score)}")
    y = height - 62 * mm

    def need(space: float) -> None:
        nonlocal y
        if y < space:
            pdf.showPage()
            pdf.setFont(FONT, 10)
            y = height - 20 * mm

    for line in record.lines:
        need(30 * mm)
        pdf.setFont(FONT, 12)
        pdf.drawString(
            20 * mm,
            y,
            f"{line.label}：{_num(line.count)}{line.unit}    {_('得分')} {_num(line.points)}",
        )
        y -= 7 * mm
        pdf.setFont(FONT, 9)
        for entry in line.entries:
            need(20 * mm)
            day = f"{entry.on:%Y-%m-%d}" if entry.on else ""
            pdf.drawString(26 * mm, y, f"{day}  {entry.text[:60]}")
            y -= 5 * mm
        y -= 3 * mm
    pdf.setFont(FONT, 9)
    pdf.drawString(
        20 * mm, 12 * mm, _("生成时间：%(t)s") % {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
