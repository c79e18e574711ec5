"""The default .docx template of the work briefing (简报): 红头, 期号, 编发单位 and date line,
a marker where the body goes, 版记, page numbers in the footer. An office replaces it with its
own (settings.BRIEFING_TEMPLATE, docs/documents.md); `gongjian reports_briefing_template`
writes this one out to start from.

Placeholders, each typed in one go (one run) anywhere in a paragraph of the body:

- ``{{简报名称}}`` the briefing's name in the red header (党建共建工作简报);
- ``{{期号}}`` 第N期 (the office's issues of the year, counted);
- ``{{编发单位}}`` the issuing office (settings.DOCUMENT_ISSUER);
- ``{{日期}}`` the issue date, 2026年12月1日;
- ``{{正文}}`` a paragraph of its own: replaced by the title, lead, sections, charts, tables.

Everything else (the red rule, 报送/发送 lines of the 版记, fonts, margins, the footer's page
number) is the template's own and is kept as it is.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).with_name("data") / "briefing-template.docx"
RED = "C8102E"
PLACEHOLDERS = ("{{简报名称}}", "{{期号}}", "{{编发单位}}", "{{日期}}", "{{正文}}")


def _font(run: Any, name: str, size: float, *, bold: bool = False, colour: str = "") -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _border(paragraph: Any, side: str, *, colour: str, size: int) -> None:
    """A rule above or below a paragraph (the red line under the header, the 版记's lines)."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = ppr.makeelement(qn("w:pBdr"), {})
        ppr.append(borders)
    edge = borders.makeelement(
        qn(f"w:{side}"),
        {qn("w:val"): "single", qn("w:sz"): str(size), qn("w:space"): "1", qn("w:color"): colour},
    )
    borders.append(edge)


def _page_number(paragraph: Any) -> None:
    """— 1 — : the PAGE field between dashes, as GB/T 9704 writes it."""
    from docx.oxml.ns import qn

    def run(text: str = "") -> Any:
        r = paragraph.add_run(text)
        _font(r, "宋体", 14)
        return r

    run("— ")
    begin = run()._r
    begin.append(begin.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "begin"}))
    instr = run()._r
    code = instr.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
    code.text = " PAGE "
    instr.append(code)
    separate = run()._r
    separate.append(separate.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "separate"}))
    run("1")
    end = run()._r
    end.append(end.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "end"}))
    run(" —")


def build() -> bytes:
    """The default template, as a .docx (what is shipped as data/briefing-template.docx)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.footer_distance = Cm(2.8)

    def para(text: str, font: str, size: float, *, align: Any = None, colour: str = "") -> Any:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(text), font, size, colour=colour)
        return p

    # 红头: the briefing's name in red, the issue number, the office and date above a red rule.
    para("{{简报名称}}", "方正小标宋简体", 36, align=WD_ALIGN_PARAGRAPH.CENTER, colour=RED)
    para("{{期号}}", "仿宋", 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = doc.add_paragraph()
    line.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=2)  # right-aligned tab
    _font(line.add_run("{{编发单位}}"), "仿宋", 16)
    _font(line.add_run("\t"), "仿宋", 16)
    _font(line.add_run("{{日期}}"), "仿宋", 16)
    _border(line, "bottom", colour=RED, size=18)
    para("", "仿宋", 16)
    para("{{正文}}", "仿宋", 16)
    # 版记: between two rules, who receives it, then the office and the date it was issued.
    para("", "仿宋", 16)
    first = para("报送：区委、区政府主要领导，区委组织部", "仿宋", 14)
    _border(first, "top", colour="000000", size=8)
    para("发送：各街道党（工）委，各区直单位党组织", "仿宋", 14)
    last = doc.add_paragraph()
    last.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=2)
    _font(last.add_run("{{编发单位}}"), "仿宋", 14)
    _font(last.add_run("\t"), "仿宋", 14)
    _font(last.add_run("{{日期}}印发"), "仿宋", 14)
    _border(last, "top", colour="000000", size=4)
    _border(last, "bottom", colour="000000", size=8)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    props = doc.core_properties
    props.author = props.last_modified_by = ""
    props.title = "工作简报模板"
    props.comments = ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
