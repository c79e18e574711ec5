"""The community's reporting poster: a QR code of the report form's link, as PNG and PDF."""

from __future__ import annotations

import io
import urllib.parse
from typing import Any

import segno
from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.orgs.models import Area


def report_path(community: Area) -> str:
    return f"{reverse('reporting:report_form')}?{urllib.parse.urlencode({'c': community.code})}"


def report_link(request: Any, community: Area) -> str:
    """The absolute link the QR code carries: the report form with the community filled in."""
    return str(request.build_absolute_uri(report_path(community)))


def qr(link: str) -> segno.QRCode:
    return segno.make(link, error="m", micro=False)


def qr_png(link: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    qr(link).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def poster_pdf(community: Area, link: str) -> bytes:
    """An A4 poster: the community's name, the QR code and how to report, in Chinese (an
    embedded subset of a CJK font, `gongjian.core.pdffonts`)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from gongjian.core.pdffonts import cjk_font

    title = _("%(c)s在职党员报到") % {"c": community.name}
    heading = _("在职党员到社区报到")
    street = community.parent.name if community.parent_id and community.parent else ""
    place = f"{street} {community.name}".strip()
    lines = [
        _("1. 用手机扫描上方二维码，登录共建平台"),
        _("2. 社区已自动填好，选择您所在的网格"),
        _("3. 确认提交，等待社区确认"),
    ]
    font = cjk_font([title, heading, place, link, *lines])
    out = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(out, pagesize=A4, initialFontName=font)
    pdf.setTitle(title)
    pdf.setFillColorRGB(0.784, 0.063, 0.18)
    pdf.rect(0, height - 60 * mm, width, 60 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont(font, 34)
    pdf.drawCentredString(width / 2, height - 30 * mm, heading)
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 45 * mm, place)
    size = 110 * mm
    image = ImageReader(io.BytesIO(qr_png(link, scale=10)))
    pdf.drawImage(image, (width - size) / 2, height - 70 * mm - size, size, size)
    pdf.setFillColorRGB(0.13, 0.13, 0.13)
    pdf.setFont(font, 16)
    y = height - 85 * mm - size
    for line in lines:
        pdf.drawString(40 * mm, y, line)
        y -= 10 * mm
    pdf.setFont(font, 10)
    pdf.setFillColorRGB(0.4, 0.4, 0.4)
    pdf.drawCentredString(width / 2, 20 * mm, link)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
