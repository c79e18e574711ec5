"""A CJK font embedded in every PDF the platform writes (posters, certificates).

A PDF that names a CID font without embedding it (reportlab's STSong-Light) shows no Chinese
on a reader without Adobe's Asian font pack. Instead each document embeds a subset of Noto
Serif CJK SC (SIL Open Font License), read from Debian's `fonts-noto-cjk` package:

- the font file is the first of `settings.PDF_CJK_FONTS` (``GONGJIAN_PDF_CJK_FONT`` puts one
  first) that exists; a .ttc is read at the face named `PDF_CJK_FACE` (the SC one);
- reportlab embeds only TrueType outlines and Noto CJK has PostScript (CFF) ones, so the
  characters a document uses are cut out with fontTools and their curves converted to
  TrueType (quadratic) curves; reportlab then embeds that subset (FontFile2);
- each subset gets a PostScript name of its own: with two subsets under one name, the second
  document's new characters came out blank (seen with reportlab 5.1);
- reportlab holds at most `MAX_REGISTERED` of these fonts, the oldest are let go;
- the subset for a set of characters is kept in memory (a few dozen documents' worth).

Without any font file the PDF cannot be written: `FontMissing` says which package to install.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import os
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings

DEFAULT_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
DEFAULT_FACE = "SC"
# Always in the subset: digits, Latin letters and the punctuation of a Chinese document.
_BASE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "，。、：；！？“”‘’（）《》【】—…·０１２３４５６７８９年月日号第证书编"
)


MAX_REGISTERED = 64
_registered: collections.OrderedDict[str, None] = collections.OrderedDict()
_lock = threading.Lock()


class FontMissing(RuntimeError):
    """No CJK font file to embed: install Debian's fonts-noto-cjk or set one."""


def font_path() -> str:
    candidates = [os.environ.get("GONGJIAN_PDF_CJK_FONT", "")]
    candidates += list(getattr(settings, "PDF_CJK_FONTS", DEFAULT_FONTS))
    for path in candidates:
        if path and os.path.exists(path):
            return path
    raise FontMissing(
        "没有可嵌入 PDF 的中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
        "或以 GONGJIAN_PDF_CJK_FONT 指定一个 .ttf/.otf/.ttc 字体文件。"
    )


def _face_number(path: str) -> int:
    if not path.lower().endswith((".ttc", ".otc")):
        return -1
    from fontTools.ttLib import TTCollection

    face = str(getattr(settings, "PDF_CJK_FACE", DEFAULT_FACE))
    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        name = str(font["name"].getDebugName(4) or "")
        if name.endswith(f" {face}"):
            return index
    return 0


def _to_truetype(font: Any) -> None:
    """Replace the PostScript (CFF) outlines of `font` with TrueType ones, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0


@functools.lru_cache(maxsize=32)
def _subset(path: str, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=_face_number(path))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    if "glyf" not in font:
        _to_truetype(font)
    # A PostScript name of its own for each subset (see the module's docstring).
    tag = hashlib.sha256(chars.encode()).hexdigest()[:8]
    names = font["name"]
    base = str(names.getDebugName(6) or "CJK")
    names.removeNames(nameID=6)
    names.setName(f"{base}-{tag}", 6, 3, 1, 0x409)
    names.setName(f"{base}-{tag}", 6, 1, 0, 0)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def cjk_font(texts: Iterable[str]) -> str:
    """Register (once) and name a reportlab font holding every character of `texts`, embedded
    as a subset of the CJK font when the PDF is saved."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as ReportlabFont

    chars = "".join(sorted(set(_BASE).union(*(set(t) for t in texts)) - {"\n", "\r", "\t"}))
    path = font_path()
    name = "CJK-" + hashlib.sha256(f"{path}\0{chars}".encode()).hexdigest()[:16]
    with _lock:
        if name in _registered:
            _registered.move_to_end(name)
            return name
        font = ReportlabFont(name, io.BytesIO(_subset(path, chars)))
        pdfmetrics.registerFont(font)
        _registered[name] = None
        # reportlab keeps every registered font for the life of the process; each document's
        # names make a new subset, so the oldest are let go (reportlab has no public call).
        while len(_registered) > MAX_REGISTERED:
            old, _none = _registered.popitem(last=False)
            pdfmetrics._fonts.pop(old, None)
    return name
