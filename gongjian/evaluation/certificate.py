"""The certificate of a model unit (标兵单位), as a PDF: reportlab with the CID font
STSong-Light, so Chinese needs no font file."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongjian.evaluation.models import Award

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def certificate_pdf(*, award: Award) -> bytes:
    buffer = io.BytesIO()
    size = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=size)
    pdf.setTitle(_("荣誉证书"))
    width, height = size
    pdf.setStrokeColorRGB(0.78, 0.06, 0.18)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFillColorRGB(0.78, 0.06, 0.18)
    pdf.setFont(FONT, 40)
    pdf.drawCentredString(width / 2, height - 50 * mm, _("荣誉证书"))
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(FONT, 20)
    pdf.drawString(40 * mm, height - 80 * mm, f"{award.unit.name}：")
    pdf.setFont(FONT, 16)
    pdf.drawString(
        50 * mm,
        height - 95 * mm,
        _("在“%(c)s”中成绩突出，被评为") % {"c": award.campaign.name},
    )
    pdf.setFont(FONT, 28)
    pdf.setFillColorRGB(0.78, 0.06, 0.18)
    pdf.drawCentredString(width / 2, height - 120 * mm, award.title)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(FONT, 16)
    pdf.drawString(50 * mm, height - 135 * mm, _("特发此证，以资鼓励。"))
    pdf.drawRightString(
        width - 40 * mm, 45 * mm, _("%(a)s区直机关工委") % {"a": award.campaign.area.name}
    )
    pdf.drawRightString(
        width - 40 * mm,
        35 * mm,
        _("%(y)d年%(m)d月%(d)d日")
        % {"y": award.awarded_on.year, "m": award.awarded_on.month, "d": award.awarded_on.day},
    )
    pdf.setFont(FONT, 10)
    pdf.drawString(25 * mm, 22 * mm, _("证书编号：%(n)s") % {"n": award.number})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
