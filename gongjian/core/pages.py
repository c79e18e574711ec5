"""Helpers the pages of every app share: pagination of a plain list.

Lists with filters and exports are declared in `core.lists`; errors become pages in `core.web`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

__all__ = ["paginate", "query_without_page"]


def paginate(
    request: HttpRequest, qs: QuerySet[Any] | Sequence[Any], per_page: int = 50
) -> Page[Any]:
    paginator = Paginator(qs, per_page, allow_empty_first_page=True)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
