"""A member's duty record as a PDF: reportlab with the CJK font subset that `core.pdffonts`
embeds in every PDF of the platform (ADR 0027), so it reads the same on any PDF reader."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongjian.consult.records import DutyRecord
from gongjian.core.pdffonts import cjk_font


def _num(value: object) -> str:
    text = f"{value}"
    return text[:-2] if text.endswith(".0") else text


def duty_record_pdf(record: DutyRecord) -> bytes:
    title = _("%(y)d年度履职档案") % {"y": record.year}
    unit = record.member.unit.name if record.member.unit_id and record.member.unit else ""
    footer = _("生成时间：%(t)s") % {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    texts = [title, record.member.name, unit, _("姓名"), _("履职得分"), _("得分"), footer]
    for line in record.lines:
        texts += [line.label, line.unit, *(entry.text[:60] for entry in line.entries)]
    font = cjk_font(texts)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=font)
    pdf.setTitle(f"{record.member.name} {title}")
    width, height = A4
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 30 * mm, title)
    pdf.setFont(font, 12)
    pdf.drawString(20 * mm, height - 42 * mm, f"{_('姓名')}：{record.member.name}    {unit}")
    pdf.drawString(20 * mm, height - 50 * mm, f"{_('履职得分')}：{_num(record.score)}")
    y = height - 62 * mm

    def need(space: float) -> None:
        nonlocal y
        if y < space:
            pdf.showPage()
            pdf.setFont(font, 10)
            y = height - 20 * mm

    for line in record.lines:
        need(30 * mm)
        pdf.setFont(font, 12)
        pdf.drawString(
            20 * mm,
            y,
            f"{line.label}：{_num(line.count)}{line.unit}    {_('得分')} {_num(line.points)}",
        )
        y -= 7 * mm
        pdf.setFont(font, 9)
        for entry in line.entries:
            need(20 * mm)
            day = f"{entry.on:%Y-%m-%d}" if entry.on else ""
            pdf.drawString(26 * mm, y, f"{day}  {entry.text[:60]}")
            y -= 5 * mm
        y -= 3 * mm
    pdf.setFont(font, 9)
    pdf.drawString(20 * mm, 12 * mm, footer)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
