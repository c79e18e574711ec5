"""The certificate of a model unit (标兵单位), as a PDF: the issuing office with a seal area,
the certificate number, and Chinese in an embedded subset of a CJK font
(`gongjian.core.pdffonts`), so every reader shows it."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongjian.core.pdffonts import cjk_font
from gongjian.evaluation.models import Award
from gongjian.orgs.selectors import issuing_office


def certificate_pdf(*, award: Award) -> bytes:
    heading = _("荣誉证书")
    recipient = f"{award.unit.name}："
    reason = _("在“%(c)s”中成绩突出，被评为") % {"c": award.campaign.name}
    closing = _("特发此证，以资鼓励。")
    issuer = issuing_office()
    date = _("%(y)d年%(m)d月%(d)d日") % {
        "y": award.awarded_on.year,
        "m": award.awarded_on.month,
        "d": award.awarded_on.day,
    }
    number = _("证书编号：%(n)s") % {"n": award.number}
    seal = _("（盖章）")
    font = cjk_font([heading, recipient, reason, closing, issuer, date, number, seal, award.title])
    buffer = io.BytesIO()
    size = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=size, initialFontName=font)
    pdf.setTitle(heading)
    pdf.setAuthor(issuer)
    width, height = size
    pdf.setStrokeColorRGB(0.78, 0.06, 0.18)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFillColorRGB(0.78, 0.06, 0.18)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 50 * mm, heading)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 20)
    pdf.drawString(40 * mm, height - 80 * mm, recipient)
    pdf.setFont(font, 16)
    pdf.drawString(50 * mm, height - 95 * mm, reason)
    pdf.setFont(font, 28)
    pdf.setFillColorRGB(0.78, 0.06, 0.18)
    pdf.drawCentredString(width / 2, height - 120 * mm, award.title)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 16)
    pdf.drawString(50 * mm, height - 135 * mm, closing)
    # The seal area over the issuing office and the date.
    seal_x, seal_y = width - 75 * mm, 42 * mm
    pdf.setStrokeColorRGB(0.78, 0.06, 0.18)
    pdf.setLineWidth(0.8)
    pdf.setDash(3, 2)
    pdf.circle(seal_x, seal_y, 21 * mm)
    pdf.setDash()
    pdf.setFillColorRGB(0.78, 0.06, 0.18)
    pdf.setFont(font, 9)
    pdf.drawCentredString(seal_x, seal_y + 14 * mm, seal)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 16)
    pdf.drawCentredString(seal_x, seal_y + 3 * mm, issuer)
    pdf.drawCentredString(seal_x, seal_y - 7 * mm, date)
    pdf.setFont(font, 10)
    pdf.drawString(25 * mm, 22 * mm, number)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
