"""Spreadsheet imports over the API: the same pipeline as the import page (check every row,
then write all of them or none)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from gongjian.core import imports
from gongjian.core.files import read_upload

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    token: str
    kind: str
    filename: str
    status: str
    row_count: int
    written: int
    errors: list[RowErrorOut]


@router.post(
    "/imports/{kind}",
    response={201: ImportOut, 400: ImportOut},
    summary="导入表格（任何一行有错则全部不导入，并返回每处错误的行和列）",
)
def import_run(request: HttpRequest, kind: str, file: File[UploadedFile]) -> Any:
    data = read_upload(file, name=file.name or "")
    batch = imports.import_run(
        actor=request.user, kind=kind, data=data, filename=file.name or "upload"
    )
    return Status(400 if batch.errors else 201, batch)


@router.post(
    "/imports/{token}/discard",
    response=ImportOut,
    summary="放弃一个已检查、尚未导入的批次（之后不能再导入）",
)
def import_discard(request: HttpRequest, token: str) -> Any:
    return imports.import_discard(actor=request.user, token=token)


@router.get("/imports/{kind}/template", summary="下载导入模板（.xlsx）")
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    return imports.template_response(kind)
