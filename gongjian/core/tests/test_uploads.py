"""Uploads are read safely: what is not a spreadsheet is refused by its bytes, not its name;
archives are measured before they are opened; CSV in GBK or UTF-8 (with a BOM) reads the same.
Every refusal is a clear 4xx on the import page, and nothing is imported. Photos and evidence
go through one check each (`check_image`, `check_document`), by content too."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongjian.core.errors import FileTooLarge, UnsupportedFile
from gongjian.core.exports import write_xlsx
from gongjian.core.files import (
    CSV,
    XLSX,
    check_document,
    check_image,
    check_spreadsheet,
    read_upload,
)
from gongjian.core.models import ImportBatch
from gongjian.core.tabular import read_table
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast
from gongjian.testing.files import docx_bytes, image_bytes, pdf_bytes

XLSX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
}


def _zip(entries: dict[str, bytes], *, big: tuple[str, int] | None = None) -> bytes:
    """A workbook-shaped zip; `big` adds one entry of that many zero bytes, deflated as it
    is written, so a bomb of hundreds of megabytes costs little memory to build."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if big is not None:
            name, size = big
            chunk = bytes(1024 * 1024)
            with archive.open(name, "w", force_zip64=True) as f:
                for _ in range(size // len(chunk)):
                    f.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """300 MB of zeros that pack into well under a megabyte, named like a workbook."""
    return _zip(XLSX_PARTS, big=("xl/worksheets/sheet1.xml", 300 * 1024 * 1024))


def _upload(client: Client, data: bytes, name: str = "members.xlsx") -> Any:
    return client.post(
        reverse("orgs:import_start"),
        {"kind": "members", "file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def admin_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.district_admin)
    return client


def _assert_refused(response: Any, status: int, message: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert not ImportBatch.objects.exists()


# Zip bombs and archive limits ------------------------------------------------------------------


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_inflated(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 2 * 1024 * 1024  # it is small on the wire …
    with pytest.raises(UnsupportedFile, match="压缩炸弹"):
        check_spreadsheet(zip_bomb, name="members.xlsx")


def test_the_import_page_refuses_a_zip_bomb_with_a_clear_4xx(
    admin_client: Client, cast: Cast, zip_bomb: bytes
) -> None:
    members = Member.objects.count()
    _assert_refused(_upload(admin_client, zip_bomb), 415, "压缩炸弹")
    assert Member.objects.count() == members


def test_the_total_inflated_size_is_limited_even_without_a_suspicious_ratio(
    settings: Any,
) -> None:
    # Given a limit of 1 MB, and a workbook whose parts inflate to 2 MB but hardly compress
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    parts = dict(XLSX_PARTS, **{"xl/media/image1.bin": os.urandom(2 * 1024 * 1024)})
    with pytest.raises(UnsupportedFile, match="解压后过大"):
        check_spreadsheet(_zip(parts))
    # And the same file passes under the default limit.
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
    assert check_spreadsheet(_zip(parts)).kind == XLSX


def test_too_many_entries_in_the_archive_are_refused(admin_client: Client, settings: Any) -> None:
    entries = dict(XLSX_PARTS)
    entries.update({f"xl/worksheets/sheet{i}.xml": b"<x/>" for i in range(2001)})
    data = _zip(entries)
    with pytest.raises(UnsupportedFile, match="条目过多"):
        check_spreadsheet(data)
    _assert_refused(_upload(admin_client, data), 415, "条目过多")


def test_a_zip_that_is_not_a_workbook_is_refused(admin_client: Client) -> None:
    data = _zip({"readme.txt": b"hello"})
    _assert_refused(_upload(admin_client, data), 415, "不是有效的.xlsx工作簿")


# Files that are not spreadsheets ----------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows program
        b"\x7fELF\x02\x01\x01\x00" + bytes(8),  # a Linux program
        b"#!/bin/sh\nrm -rf /\n",  # a script
    ],
    ids=["windows-exe", "linux-elf", "script"],
)
def test_a_renamed_program_is_refused(admin_client: Client, head: bytes) -> None:
    data = head + bytes(4096)
    with pytest.raises(UnsupportedFile, match="可执行程序"):
        check_spreadsheet(data, name="members.xlsx")
    _assert_refused(_upload(admin_client, data), 415, "可执行程序")


def test_a_legacy_xls_gets_a_message_that_says_what_to_do(admin_client: Client) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    _assert_refused(_upload(admin_client, ole, name="members.xls"), 415, "另存为.xlsx")


def test_binary_junk_is_not_taken_for_csv(admin_client: Client) -> None:
    _assert_refused(
        _upload(admin_client, b"\x00\x01\x02" * 100, name="a.csv"), 415, "不是.xlsx或CSV"
    )


def test_a_corrupt_workbook_is_refused(admin_client: Client) -> None:
    good = write_xlsx(["姓名"], [["张三"]])
    _assert_refused(_upload(admin_client, good[: len(good) // 2]), 415, "已损坏")


# Size -------------------------------------------------------------------------------------------


def test_an_oversize_file_is_refused_with_413(admin_client: Client, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    data = b"\xe5\xa7\x93\xe5\x90\x8d\n" + b"a" * (1024 * 1024 + 10)
    with pytest.raises(FileTooLarge, match="1MB"):
        read_upload(io.BytesIO(data))
    _assert_refused(_upload(admin_client, data, name="members.csv"), 413, "文件超过1MB上限")


def test_an_empty_file_is_refused(admin_client: Client) -> None:
    _assert_refused(_upload(admin_client, b"", name="members.csv"), 415, "文件是空的")


# CSV encodings ----------------------------------------------------------------------------------

CSV_TEXT = "姓名,身份证号,所在党组织编码\r\n欧阳娜,110199198805120034,TAX-1\r\n諸葛亮,,TAX-1\r\n"


@pytest.mark.parametrize(
    "encoded",
    [CSV_TEXT.encode("gbk"), CSV_TEXT.encode("utf-8-sig"), CSV_TEXT.encode("utf-8")],
    ids=["gbk", "utf-8-bom", "utf-8"],
)
def test_csv_in_gbk_or_utf8_reads_the_same(encoded: bytes) -> None:
    upload = check_spreadsheet(encoded, name="members.csv")
    assert upload.kind == CSV
    table = read_table(upload)
    assert table.header == ["姓名", "身份证号", "所在党组织编码"]  # no BOM on the first header
    assert table.rows == [
        (2, {"姓名": "欧阳娜", "身份证号": "110199198805120034", "所在党组织编码": "TAX-1"}),
        (3, {"姓名": "諸葛亮", "身份证号": "", "所在党组织编码": "TAX-1"}),
    ]


def test_a_gbk_csv_is_not_mistaken_for_utf8() -> None:
    encoded = CSV_TEXT.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")  # the case the reader must handle
    assert "欧阳娜" in read_table(check_spreadsheet(encoded)).rows[0][1].values()


# Photos and documents: one check each, by content ------------------------------------------------


@pytest.mark.parametrize(("fmt", "kind"), [("JPEG", "jpg"), ("PNG", "png")])
def test_a_real_photo_is_told_by_its_content(fmt: str, kind: str) -> None:
    checked = check_image(image_bytes(fmt), name="活动.jpg")  # the name does not matter
    assert (checked.kind, checked.content_type) == (
        kind,
        f"image/{'jpeg' if kind == 'jpg' else 'png'}",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"0" * 100,  # begins like a JPEG and is not one
        b"MZ\x90\x00 a program",
        b"<?php echo 1; ?>",
        image_bytes("GIF"),  # a real image of another format
    ],
    ids=["fake-jpeg", "program", "script", "gif"],
)
def test_what_is_not_a_jpeg_or_png_photo_is_refused_naming_the_file(data: bytes) -> None:
    with pytest.raises(UnsupportedFile, match=r"“探访\.jpg”不是JPEG或PNG图片"):
        check_image(data, name="探访.jpg")


def test_a_photo_over_the_limit_is_refused_with_its_name() -> None:
    with pytest.raises(FileTooLarge, match=r"照片“大\.jpg”超过1MB"):
        check_image(image_bytes() + bytes(1024 * 1024), name="大.jpg", max_bytes=1024 * 1024)


def test_documents_are_told_by_their_content() -> None:
    assert check_document(pdf_bytes(), name="记录.docx").kind == "pdf"
    assert check_document(docx_bytes(), name="方案.pdf").kind == "docx"
    assert check_document(write_xlsx(["姓名"], [["张三"]]), name="台账").kind == "xlsx"
    assert check_document(image_bytes("PNG"), name="照片").content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "是空的"),
        (b"MZ\x90\x00 a program", "不是PDF、JPEG、PNG"),
        (_zip({"readme.txt": b"hello"}), "不是Word或Excel文档"),
        (b"PK\x03\x04not really a zip", "已损坏"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "不是JPEG或PNG图片"),
    ],
    ids=["empty", "program", "other-zip", "broken-zip", "fake-png"],
)
def test_what_is_not_a_document_is_refused_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFile, match=message) as caught:
        check_document(data, name="材料.pdf")
    assert "材料.pdf" in caught.value.message


def test_a_document_bomb_is_refused_before_it_is_inflated(zip_bomb: bytes) -> None:
    with pytest.raises(UnsupportedFile, match="压缩炸弹"):
        check_document(zip_bomb, name="台账.xlsx")
