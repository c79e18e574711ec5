"""The CJK font of PDFs: a subset embedded per document, fonts let go past a bound."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from gongjian.core import pdffonts
from gongjian.testing import pdf


def _document(text: str) -> bytes:
    font = pdffonts.cjk_font([text])
    out = io.BytesIO()
    c = canvas.Canvas(out, initialFontName=font)
    c.setFont(font, 14)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return out.getvalue()


def test_each_document_embeds_the_characters_it_uses_and_old_fonts_are_let_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdffonts, "MAX_REGISTERED", 1)
    first = _document("兹证明李四同志")
    first_name = next(iter(pdffonts._registered))
    second = _document("兹证明欧阳明华同志")
    # Both read back whole: a second subset does not draw with the first's glyphs
    assert pdf.text(first).strip() == "兹证明李四同志"
    assert pdf.text(second).strip() == "兹证明欧阳明华同志"
    assert pdf.cjk_embedded(first)
    assert pdf.cjk_embedded(second)
    # The first font is no longer held by reportlab
    assert first_name not in pdffonts._registered
    assert first_name not in pdfmetrics.getRegisteredFontNames()


def test_without_a_font_file_the_message_names_the_package(
    monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    monkeypatch.delenv("GONGJIAN_PDF_CJK_FONT", raising=False)
    settings.PDF_CJK_FONTS = ("/nonexistent/font.ttc",)  # type: ignore[attr-defined]
    with pytest.raises(pdffonts.FontMissing, match="fonts-noto-cjk"):
        pdffonts.cjk_font(["证明"])
