"""Helpers the pages of every app share: pagination, exports, error rendering."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from gongjian.core.audit import audit_record
from gongjian.core.tabular import write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def paginate(
    request: HttpRequest, qs: QuerySet[Any] | Sequence[Any], per_page: int = 50
) -> Page[Any]:
    paginator = Paginator(qs, per_page, allow_empty_first_page=True)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def file_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    quoted = urllib.parse.quote(filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
    return response


def xlsx_export(
    *,
    what: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filters: dict[str, Any] | None = None,
    unmasked: bool = False,
) -> HttpResponse:
    """An .xlsx of a list, recorded in the audit log (what, with which filters)."""
    materialised = list(rows)
    data = write_xlsx(headers, materialised, title=what)
    audit_record(
        action="export",
        object_type=what,
        changes={"rows": len(materialised), "filters": filters or {}, "unmasked": unmasked},
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return file_response(data, filename=f"{what}-{stamp}.xlsx", content_type=XLSX_TYPE)
