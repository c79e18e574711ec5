"""What every app's API shares: the public id of an object, a detail
endpoint from its `*_get_for` selector, a service called with a payload's fields; and
spreadsheet imports over the API (the same pipeline as the import page: check every row, then
write all of them or none)."""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from gongjian.core import imports
from gongjian.core.files import read_upload
from gongjian.core.lists import caller_module


class PublicOut(Schema):
    """An object the API names by its public id (a UUID no one can guess), never its row id."""

    id: uuid.UUID

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]


def call(service: Callable[..., Any], request: HttpRequest, payload: Any = None, **ids: Any) -> Any:
    """`service` called as the caller, with the ids of the route and the payload's fields as
    its keywords (the payload's field names are the service's)."""
    fields = payload.model_dump() if payload is not None else {}
    return service(actor=request.user, **ids, **fields)


def detail(
    router: Router,
    path: str,
    response: Any,
    get: Callable[[Any, Any], Any],
    *,
    name: str,
    id_type: type = str,
) -> Callable[..., Any]:
    """A GET endpoint at `path` (one `{…_id}` in it) answering `get(caller, id)`: the object
    through the caller's scope, or 404. `name` is the endpoint's name (its URL name and, with
    the calling module, its OpenAPI operation id)."""
    (param,) = re.findall(r"\{(\w+)\}", path)

    def view(request: HttpRequest, **url: Any) -> Any:
        return get(request.user, url[param])

    view.__name__ = view.__qualname__ = name
    view.__module__ = caller_module()
    view.__annotations__ = {"request": HttpRequest, param: id_type, "return": Any}
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(param, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=id_type),
        ]
    )
    return router.get(path, response=response)(view)


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
