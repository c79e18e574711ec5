"""Small real files for upload tests: images that Pillow reads, a PDF, a Word document."""

from __future__ import annotations

import io
import zipfile


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (4, 4)) -> bytes:
    """A tiny real image (`JPEG` or `PNG`)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    """The least a Word document needs: its content types and its main part."""
    out = io.BytesIO()
    types = (
        b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", b"<w:document/>")
    return out.getvalue()
