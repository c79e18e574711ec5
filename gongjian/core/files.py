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
        entries = archive.infolist()
        if len(entries) > settings.UPLOAD_MAX_ZIP_ENTRIES:
            raise UnsupportedFile(_("文件内部条目过多，已拒绝"))
        total = 0
        for info in entries:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > settings.UPLOAD_MAX_UNZIPPED_BYTES or (
                info.file_size > 1024 * 1024 and ratio > 200
            ):
                raise UnsupportedFile(_("文件解压后过大（疑似压缩炸弹），已拒绝"))
        names = {info.filename for info in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsupportedFile(_("文件不是有效的.xlsx工作簿"))
