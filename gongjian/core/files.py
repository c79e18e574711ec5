"""Reading uploaded files safely: size and zip entries checked before anything is opened,
the type told by content and not by name, XML parsed through defusedxml."""

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

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # XLSX or CSV
    data: bytes
    name: str


def read_upload(f: IO[bytes] | Any, *, name: str = "", max_bytes: int | None = None) -> bytes:
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    data = f.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(_("文件超过%(mb)dMB上限") % {"mb": limit // (1024 * 1024)})
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
    if head.startswith(b"PK\x03\x04"):
        _check_zip(data)
        return CheckedUpload(kind=XLSX, data=data, name=name)
    if b"\x00" in data[:4096]:
        raise UnsupportedFile(_("文件内容不是.xlsx或CSV表格"))
    return CheckedUpload(kind=CSV, data=data, name=name)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsupportedFile(_("文件已损坏，不是有效的.xlsx文件")) from None
    with archive:
        _check_entries(archive, _("文件"))
        names = {info.filename for info in archive.infolist()}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsupportedFile(_("文件不是有效的.xlsx工作簿"))


def _check_entries(archive: zipfile.ZipFile, what: str) -> None:
    """A zip's entries, before any is read: not too many, not too large unzipped."""
    entries = archive.infolist()
    if len(entries) > settings.UPLOAD_MAX_ZIP_ENTRIES:
        raise UnsupportedFile(_("%(w)s内部条目过多，已拒绝") % {"w": what})
    total = 0
    for info in entries:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > settings.UPLOAD_MAX_UNZIPPED_BYTES or (
            info.file_size > 1024 * 1024 and ratio > 200
        ):
            raise UnsupportedFile(_("%(w)s解压后过大（疑似压缩炸弹），已拒绝") % {"w": what})


# Images and documents (photos of an activity, evidence of an assessment) -------------------

JPEG, PNG, PDF, DOCX = "jpg", "png", "pdf", "docx"  # each its file extension
IMAGE_TYPES = {JPEG: ("jpg", "image/jpeg"), PNG: ("png", "image/png")}
_IMAGE_MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_PIL_FORMATS = {"JPEG": JPEG, "PNG": PNG}


def _refuse_size(data: bytes, name: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise FileTooLarge(
            _("文件“%(n)s”超过%(mb)dMB上限") % {"n": name, "mb": max_bytes // (1024 * 1024)}
        )
    if not data:
        raise UnsupportedFile(_("文件“%(n)s”是空的") % {"n": name})


def check_image(data: bytes, *, name: str, max_bytes: int) -> tuple[str, str]:
    """A JPEG or PNG photo, told by its content (decoded by Pillow where it is installed, else
    by its first bytes): its file extension and content type. Anything else is refused."""
    _refuse_size(data, name, max_bytes)
    refused = UnsupportedFile(_("“%(n)s”不是JPEG或PNG图片") % {"n": name})
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is installed where photos matter
        kind = next((k for magic, k in _IMAGE_MAGIC if data.startswith(magic)), None)
        if kind is None:
            raise refused from None
        return IMAGE_TYPES[kind]
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            image.verify()
    except Exception:
        raise refused from None
    if fmt not in _PIL_FORMATS:
        raise refused
    return IMAGE_TYPES[_PIL_FORMATS[fmt]]


def check_document(data: bytes, *, name: str, max_bytes: int) -> str:
    """A PDF, a JPEG or PNG image, or a Word or Excel document (an Office zip whose content
    types say so), told by its bytes: `pdf`, `jpg`, `png`, `docx` or `xlsx`. The zip is
    checked before it is opened (entries, unzipped size). Anything else is refused."""
    _refuse_size(data, name, max_bytes)
    if data.startswith(b"%PDF-"):
        return PDF
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data, name)
    raise UnsupportedFile(
        _("文件“%(n)s”不是PDF、JPEG、PNG、Word(.docx)或Excel(.xlsx)文件") % {"n": name}
    )


def _office_kind(data: bytes, name: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsupportedFile(_("文件“%(n)s”已损坏") % {"n": name}) from None
    with archive:
        _check_entries(archive, _("文件“%(n)s”") % {"n": name})
        names = {i.filename for i in archive.infolist()}
        if "[Content_Types].xml" not in names:
            raise UnsupportedFile(_("文件“%(n)s”不是Word或Excel文档") % {"n": name})
        types = archive.read("[Content_Types].xml")[:200_000]
    if b"wordprocessingml.document.main+xml" in types and "word/document.xml" in names:
        return DOCX
    if b"spreadsheetml.sheet.main+xml" in types and "xl/workbook.xml" in names:
        return XLSX
    raise UnsupportedFile(_("文件“%(n)s”不是Word(.docx)或Excel(.xlsx)文档") % {"n": name})
