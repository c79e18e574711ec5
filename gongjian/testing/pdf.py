"""Reading a PDF back in tests (pypdf): the fonts it uses, whether each is embedded, its text."""

from __future__ import annotations

import io
from typing import Any


def fonts(data: bytes) -> dict[str, bool]:
    """Every font the pages use, by its base name (a subset carries a six-letter prefix:
    ABCDEF+NotoSerifCJKsc-Regular), and whether its file is embedded in the PDF."""
    from pypdf import PdfReader

    found: dict[str, bool] = {}

    def visit(font: Any) -> None:
        font = font.get_object()
        name = str(font.get("/BaseFont", ""))
        descriptor = font.get("/FontDescriptor")
        for child in font.get("/DescendantFonts", []) or []:
            visit(child)
        if descriptor is not None:
            descriptor = descriptor.get_object()
            found[name] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
        elif name not in found and "/DescendantFonts" not in font:
            found[name] = False

    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for font in (resources.get_object().get("/Font") or {}).values():
            visit(font)
    return found


def text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def cjk_embedded(data: bytes) -> bool:
    """A CJK font (Noto CJK) is used and embedded, and no font is left unembedded."""
    found = fonts(data)
    return any("CJK" in name and ok for name, ok in found.items()) and all(found.values())
