"""Reading uploaded files safely: size and zip entries checked before anything is opened,
the type told by content and not by name, XML parsed through defusedxml.

Every upload of every app goes through one of these checks:

- `check_spreadsheet` for an import (.xlsx or CSV);
- `check_image` for a photo (JPEG or PNG, decoded by Pillow, not just its first bytes);
- `check_document` for evidence (PDF, JPEG, PNG, Word .docx or Excel .xlsx).

Each refuses with a message naming the file: `FileTooLarge` (413) or `UnsupportedFile` (415).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongjian.core.errors import FileTooLarge, UnsupportedFile

XLSX = "xlsx"
CSV = "csv"
JPEG = "jpg"
PNG = "png"
PDF = "pdf"
DOCX = "docx"
PPTX = "pptx"

CONTENT_TYPES = {
    JPEG: "image/jpeg",
    PNG: "image/png",
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv",
}

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_IMAGE_MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_PIL_FORMATS = {"JPEG": JPEG, "PNG": PNG}
_MB = 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # XLSX or CSV
    data: bytes
    name: str


@dataclass(frozen=True)
class CheckedFile:
    """What a photo or a document is, told by its content."""

    kind: str  # JPEG, PNG, PDF, DOCX or XLSX: also the extension to store it under
    content_type: str


def read_upload(f: IO[bytes] | Any, *, name: str = "", max_bytes: int | None = None) -> bytes:
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    data = f.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(_("文件超过%(mb)dMB上限") % {"mb": limit // _MB})
    if not data:
        raise UnsupportedFile(_("文件是空的"))
    return data


def check_spreadsheet(data: bytes, *, name: str = "") -> CheckedUpload:
    """Accept an .xlsx workbook or a CSV text file, told apart by their bytes."""
    head = data[:8]
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UnsupportedFile(_("文件内容不是表格（看起来是可执行程序），已拒绝"))
    if head.startswith(_OLE_MAGIC):
        raise UnsupportedFile(_("不支持旧版.xls文件，请在Excel中另存为.xlsx后再上传"))
    if head.startswith(_ZIP_MAGIC):
        names = _zip_names(data, broken=_("文件已损坏，不是有效的.xlsx文件"))
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsupportedFile(_("文件不是有效的.xlsx工作簿"))
        return CheckedUpload(kind=XLSX, data=data, name=name)
    if b"\x00" in data[:4096]:
        raise UnsupportedFile(_("文件内容不是.xlsx或CSV表格"))
    return CheckedUpload(kind=CSV, data=data, name=name)


def check_image(data: bytes, *, name: str = "", max_bytes: int = 5 * _MB) -> CheckedFile:
    """A JPEG or PNG photo of at most `max_bytes`: Pillow must be able to read it as one (a
    file that only begins like an image is refused)."""
    from PIL import Image

    if len(data) > max_bytes:
        raise FileTooLarge(_("照片“%(n)s”超过%(mb)dMB") % {"n": name, "mb": max_bytes // _MB})
    refused = UnsupportedFile(_("“%(n)s”不是JPEG或PNG图片") % {"n": name})
    if not any(data.startswith(magic) for magic, _kind in _IMAGE_MAGIC):
        raise refused
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            image.verify()
    except Exception:
        raise refused from None
    if fmt not in _PIL_FORMATS:
        raise refused
    kind = _PIL_FORMATS[fmt]
    return CheckedFile(kind=kind, content_type=CONTENT_TYPES[kind])


def check_document(data: bytes, *, name: str = "", max_bytes: int = 10 * _MB) -> CheckedFile:
    """A PDF, a JPEG or PNG image, or a Word (.docx) or Excel (.xlsx) document (a zip whose
    content types say so) of at most `max_bytes`. Anything else is refused."""
    if len(data) > max_bytes:
        raise FileTooLarge(_("文件“%(n)s”超过%(mb)dMB上限") % {"n": name, "mb": max_bytes // _MB})
    if not data:
        raise UnsupportedFile(_("文件“%(n)s”是空的") % {"n": name})
    if data.startswith(b"%PDF-"):
        return CheckedFile(kind=PDF, content_type=CONTENT_TYPES[PDF])
    if any(data.startswith(magic) for magic, _kind in _IMAGE_MAGIC):
        return check_image(data, name=name, max_bytes=max_bytes)
    if data.startswith(_ZIP_MAGIC):
        return _check_office(data, name)
    raise UnsupportedFile(
        _("文件“%(n)s”不是PDF、JPEG、PNG、Word(.docx)或Excel(.xlsx)文件") % {"n": name}
    )


def _check_office(data: bytes, name: str) -> CheckedFile:
    names = _zip_names(data, name=name)
    if "[Content_Types].xml" not in names:
        raise UnsupportedFile(_("文件“%(n)s”不是Word或Excel文档") % {"n": name})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")[:200_000]
    if b"wordprocessingml.document.main+xml" in types and "word/document.xml" in names:
        return CheckedFile(kind=DOCX, content_type=CONTENT_TYPES[DOCX])
    if b"spreadsheetml.sheet.main+xml" in types and "xl/workbook.xml" in names:
        return CheckedFile(kind=XLSX, content_type=CONTENT_TYPES[XLSX])
    if b"presentationml.presentation.main+xml" in types and "ppt/presentation.xml" in names:
        return CheckedFile(kind=PPTX, content_type=CONTENT_TYPES[PPTX])
    raise UnsupportedFile(
        _("文件“%(n)s”不是Word(.docx)、Excel(.xlsx)或PowerPoint(.pptx)文档") % {"n": name}
    )


def _zip_names(data: bytes, *, name: str = "", broken: str = "") -> set[str]:
    """The entries of a zip, measured before any is read: how many, and how large unpacked
    (a zip bomb is refused)."""
    what = _("文件“%(n)s”") % {"n": name} if name else _("文件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsupportedFile(broken or _("%(f)s已损坏") % {"f": what}) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.UPLOAD_MAX_ZIP_ENTRIES:
            raise UnsupportedFile(_("%(f)s内部条目过多，已拒绝") % {"f": what})
        total = 0
        for info in entries:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > settings.UPLOAD_MAX_UNZIPPED_BYTES or (info.file_size > _MB and ratio > 200):
                raise UnsupportedFile(_("%(f)s解压后过大（疑似压缩炸弹），已拒绝") % {"f": what})
        return {info.filename for info in entries}
