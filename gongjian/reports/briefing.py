"""The work briefing as a Word document (.docx, python-docx), with its charts drawn as PNG by
Pillow (no plotting library needed). Opens in Word and WPS: only paragraphs, a table and
inline pictures, East Asian fonts named in the runs. The 红头, 版记 and page numbers are the
template's (`briefing_template`, replaceable by an office: settings.BRIEFING_TEMPLATE)."""

from __future__ import annotations

import datetime as dt
import io
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from gongjian.reports import briefing_template
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


class TemplateInvalid(ValueError):
    """The briefing template is not a .docx with the {{正文}} paragraph."""


def template_path() -> Path:
    """The office's own template (settings.BRIEFING_TEMPLATE) when set, else the shipped one."""
    from django.conf import settings

    configured = str(getattr(settings, "BRIEFING_TEMPLATE", "") or "")
    return Path(configured) if configured else briefing_template.SHIPPED


def _paragraphs(doc: Any) -> list[Any]:
    """Every paragraph of the body, its tables, and the headers and footers."""
    found = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(cell.paragraphs)
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            found.extend(part.paragraphs)
    return found


def _fill(paragraph: Any, values: dict[str, str]) -> None:
    """Each placeholder replaced, keeping the formatting of the run it was typed in."""
    if not any(key in paragraph.text for key in values):
        return
    for run in paragraph.runs:
        for key, value in values.items():
            if key in run.text:
                run.text = run.text.replace(key, value)
    if any(key in paragraph.text for key in values):
        # Typed across runs (an edit in the middle of a placeholder): the paragraph's text in
        # its first run.
        text = paragraph.text
        for key, value in values.items():
            text = text.replace(key, value)
        runs = paragraph.runs
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_docx(
    f: Figures,
    draft: Draft | None = None,
    *,
    office: str = "",
    number: int = 1,
    issued_on: dt.date | None = None,
    name: str = "党建共建工作简报",
    template: Path | None = None,
) -> bytes:
    """The briefing in its template: 红头 with 第`number`期, `office` and the date, the body
    where {{正文}} is, the template's 版记 and page numbers; the file's properties name the
    office and today."""
    from django.utils import timezone
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    draft = draft or compose(f)
    images = charts(f)
    issued_on = issued_on or timezone.localdate()
    path = template or template_path()
    try:
        doc = Document(str(path))
    except Exception as exc:
        raise TemplateInvalid(f"简报模板无法打开：{path}（{type(exc).__name__}）") from None
    values = {
        "{{简报名称}}": name,
        "{{期号}}": f"第{number}期",
        "{{编发单位}}": office,
        "{{日期}}": _chinese_date(issued_on),
    }
    marker = None
    for p in _paragraphs(doc):
        if "{{正文}}" in p.text and marker is None:
            marker = p
            continue
        _fill(p, values)
    if marker is None:
        raise TemplateInvalid(f"简报模板中没有“{{{{正文}}}}”段落：{path}")
    body = doc.element.body
    before = list(body)

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
    # What was appended goes where the template's {{正文}} paragraph is.
    for element in [e for e in body if e not in before and e.tag != qn("w:sectPr")]:
        marker._p.addprevious(element)
    marker._p.getparent().remove(marker._p)

    now = timezone.now()
    props = doc.core_properties
    props.author = office
    props.last_modified_by = office
    props.title = draft.title
    props.subject = f"{f.scope_name}（{f.period.label}）"
    props.keywords = "工作简报"
    props.category = "简报"
    props.comments = ""
    props.created = now
    props.modified = now
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
