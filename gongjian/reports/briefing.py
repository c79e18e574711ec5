"""The work briefing as a Word document (.docx, python-docx), with its charts drawn as PNG by
Pillow (no plotting library needed). Opens in Word and WPS: only paragraphs, a table and
inline pictures, East Asian fonts named in the runs."""

from __future__ import annotations

import io
import os
from functools import lru_cache
from typing import Any

from gongjian.reports.briefing_text import Draft, compose
from gongjian.reports.types import Figures

# Fonts for Chinese labels in the charts; the first that exists is used. Set
# GONGJIAN_CJK_FONT to a .ttf/.ttc to choose one.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


@lru_cache(maxsize=8)
def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in (os.environ.get("GONGJIAN_CJK_FONT", ""), *FONT_CANDIDATES):
        if path and os.path.exists(path):
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def bar_chart_png(
    labels: list[str],
    values: list[float],
    *,
    title: str,
    colours: list[str] | None = None,
    horizontal: bool = False,
) -> bytes:
    """A plain bar chart, 1200×600, values written on the bars."""
    from PIL import Image, ImageDraw

    width, height = 1200, 600
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 30), title, fill="#222", font=_font(30), anchor="mm")
    top = max(values, default=0) or 1
    colours = colours or ["#c8102e"] * len(values)
    small = _font(20)
    if horizontal:
        left, right, y0, y1 = 260, width - 120, 70, height - 30
        slot = (y1 - y0) / max(len(values), 1)
        for i, (label, value) in enumerate(zip(labels, values, strict=False)):
            y = y0 + i * slot
            length = (right - left) * value / top
            draw.rectangle(
                (left, y + slot * 0.2, left + length, y + slot * 0.8),
                fill=colours[i % len(colours)],
            )
            draw.text((left - 10, y + slot / 2), label[:12], fill="#333", font=small, anchor="rm")
            draw.text(
                (left + length + 8, y + slot / 2), _fmt(value), fill="#333", font=small, anchor="lm"
            )
    else:
        left, right, y0, y1 = 70, width - 40, 80, height - 70
        draw.line((left, y1, right, y1), fill="#888", width=2)
        slot = (right - left) / max(len(values), 1)
        for i, (label, value) in enumerate(zip(labels, values, strict=False)):
            x = left + i * slot
            bar_top = y1 - (y1 - y0) * value / top
            draw.rectangle(
                (x + slot * 0.15, bar_top, x + slot * 0.85, y1), fill=colours[i % len(colours)]
            )
            draw.text(
                (x + slot / 2, bar_top - 6), _fmt(value), fill="#333", font=small, anchor="md"
            )
            draw.text((x + slot / 2, y1 + 10), label, fill="#333", font=small, anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def charts(f: Figures) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if f.has_service and f.months:
        out["months"] = bar_chart_png(
            [m.month[2:] if len(f.months) > 12 else f"{int(m.month[5:])}月" for m in f.months],
            [m.person_times for m in f.months],
            title="志愿服务参与人次（按月）",
        )
    if f.has_service and f.categories:
        out["categories"] = bar_chart_png(
            [c.name for c in f.categories],
            [c.person_times for c in f.categories],
            title="志愿服务参与人次（按类别）",
            colours=[c.colour for c in f.categories],
            horizontal=True,
        )
    if len(f.unit_ranking) > 1:
        top = f.unit_ranking[:10]
        out["units"] = bar_chart_png(
            [u.name for u in top],
            [round((u.rate or 0) * 100, 1) for u in top],
            title="在职党员报到率前列单位（%）",
            horizontal=True,
        )
    return out


def _run_font(run: Any, *, east_asia: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = east_asia
    run.font.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), east_asia)


def write_docx(f: Figures, draft: Draft | None = None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    draft = draft or compose(f)
    images = charts(f)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.8)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)

    def paragraph(
        text: str,
        *,
        font: str = "仿宋",
        size: float = 16,
        bold: bool = False,
        centre: bool = False,
        indent: bool = True,
    ) -> None:
        p = doc.add_paragraph()
        if centre:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.line_spacing = Pt(28)
        _run_font(p.add_run(text), east_asia=font, size=size, bold=bold)

    paragraph(draft.title, font="方正小标宋简体", size=22, centre=True)
    paragraph(draft.subtitle, font="楷体", size=16, centre=True)
    paragraph(draft.lead)
    for s in draft.sections:
        paragraph(s.heading, font="黑体", size=16)
        for text in s.paragraphs:
            paragraph(text)
        for key in (s.chart, "categories") if s.chart == "months" else (s.chart,):
            if key and key in images:
                doc.add_picture(io.BytesIO(images[key]), width=Cm(15))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for caption, rows in (
        ("报到率前列单位", draft.top_units),
        ("报到率靠后单位", draft.bottom_units),
    ):
        if not rows:
            continue
        paragraph(caption, font="黑体", size=14, centre=True)
        table = doc.add_table(rows=1, cols=len(draft.unit_header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, draft.unit_header, strict=False):
            cell.text = ""
            _run_font(cell.paragraphs[0].add_run(text), east_asia="黑体", size=12)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = ""
                _run_font(cell.paragraphs[0].add_run(text), east_asia="仿宋", size=12)
    paragraph("（本简报数据由共建平台根据业务记录自动生成）", font="楷体", size=12, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
