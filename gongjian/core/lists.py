"""Lists declared once (ADR 0010): a selector, its filters and its columns.

The page, its pagination, its Excel export and the API list all come from one `ListSpec`:

    ACTIVITIES = ListSpec(
        name="service.activities",
        title=_("志愿服务活动"),
        rows=selectors.activity_list,                     # rows(actor=..., **filters, **url)
        filters=(Filter("q"), Filter("category", kind="int"), Filter("mine", kind="bool")),
        columns=(
            Column(_("标题"), "title"),
            Column(_("开始时间"), "starts_at", kind=DATETIME),
            Column(_("名额"), "quota", kind=NUMBER),
        ),
    )

    # views.py
    def activity_list(request):
        listing = ACTIVITIES.page(request)   # .page, .raw, .query, .rows, .spec
        return render(request, "service/activity_list.html", {"listing": listing, ...})

    activity_export = ACTIVITIES.export_view()   # in urls.py, no export view of its own

    # api.py: GET /activities, paginated, the same filters and scope as the page
    ACTIVITIES.endpoint(router, "/activities", ActivityOut, name="activity_list")

    # or, where the endpoint does more than list the rows:
    @router.get("/activities", response=list[ActivityOut])
    @paginated                                       # or @paginated(page_size=100)
    def activity_list(request, filters: Query[ACTIVITIES.Filters]):
        return ACTIVITIES.rows_for(request.user, filters.model_dump())

Filters are parsed from text the same way for the page and the API, so both allow and refuse
exactly the same things. A URL argument of the route (an activity's id) goes to `rows` as a
keyword; `rows` resolves it through the caller's scope and raises `NotFound` otherwise.
"""

from __future__ import annotations

import datetime as dt
import sys
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

import pydantic
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gongjian.core.errors import ValidationFailed
from gongjian.core.exports import xlsx_response
from gongjian.core.masking import mask_id_number, mask_phone
from gongjian.core.replica import reads_from_replica

# Column kinds: how a value is shown on a page and written to Excel.
TEXT = "text"
CODE = "code"  # digits that must stay text in Excel (ID numbers, phones, codes)
NUMBER = "number"
DECIMAL = "decimal"
PERCENT = "percent"  # a ratio 0..1, shown as 58.8%
DATE = "date"
DATETIME = "datetime"
MASKED_PHONE = "masked_phone"
MASKED_ID = "masked_id"
KINDS = (TEXT, CODE, NUMBER, DECIMAL, PERCENT, DATE, DATETIME, MASKED_PHONE, MASKED_ID)

# A label: text, or text translated when it is shown (`gettext_lazy`, for module-level lists).
Label = str | Promise
Choices = Sequence[tuple[str, Label]]

MAX_FILTER_LENGTH = 100
MAX_PAGE = 100_000
_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off"})


def _path_value(obj: Any, path: str) -> Any:
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
        if callable(value):
            value = value()
    return value


@dataclass(frozen=True)
class Column:
    """One column: its Chinese label, where its value comes from (an attribute path such as
    `"unit.name"`, `"get_status_display"`, or a function of the row) and its kind."""

    label: Label
    value: str | Callable[[Any], Any]
    kind: str = TEXT
    export: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    def raw(self, row: Any) -> Any:
        return self.value(row) if callable(self.value) else _path_value(row, self.value)

    def cell(self, row: Any) -> Any:
        """The value as it goes into a spreadsheet: typed, masked where personal."""
        value = self.raw(row)
        if value is None:
            return None
        if self.kind == MASKED_PHONE:
            return mask_phone(str(value))
        if self.kind == MASKED_ID:
            return mask_id_number(str(value))
        if self.kind == DATETIME and isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                return timezone.localtime(value).replace(tzinfo=None)
            return value
        if self.kind in (NUMBER, DECIMAL, PERCENT) and isinstance(value, Decimal):
            return float(value)
        if self.kind in (TEXT, CODE) and not isinstance(value, str):
            return str(value)
        return value


@dataclass(frozen=True)
class Filter:
    """One filter of a list, read from the query string (`?q=…&status=…`).

    kind: `text` (stripped, at most 100 characters), `choice` (one of `choices`, else the
    default), `bool` (`1`/`true`), `yesno` (`1`/`true` or `0`/`false`; empty: None, either),
    `int`, `date` (YYYY-MM-DD), `year` (2000–2100). A value
    that does not parse is refused with a message naming the filter, on the page and the API
    alike, except `choice`, whose unknown values fall back to the default.
    `to`: the keyword of the selector, when it differs from `name`.
    """

    name: str
    label: Label = ""
    kind: str = "text"
    choices: Choices | Callable[[], Choices] = ()
    default: str = ""
    to: str = ""

    def options(self) -> Choices:
        return self.choices() if callable(self.choices) else self.choices

    def _refuse(self, message: str) -> ValidationFailed:
        label = self.label or self.name
        text = _("%(f)s：%(m)s") % {"f": label, "m": message}
        return ValidationFailed(text, fields={self.name: [message]})

    def parse(self, raw: str) -> Any:
        if "\x00" in raw:
            raise self._refuse(_("不能包含空字符"))
        raw = raw.strip()[:MAX_FILTER_LENGTH]
        if self.kind == "text":
            return raw
        if self.kind == "choice":
            keys = {k for k, _label in self.options()}
            return raw if raw in keys else self.default
        if self.kind == "bool":
            return raw.lower() in _YES
        if not raw:
            return None
        if self.kind == "yesno":
            if raw.lower() not in _YES | _NO:
                raise self._refuse(_("应为是或否"))
            return raw.lower() in _YES
        if self.kind == "int":
            if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 12:
                raise self._refuse(_("应为整数"))
            return int(raw)
        if self.kind == "year":
            if not raw.isascii() or not raw.isdigit() or not 2000 <= int(raw) <= 2100:
                raise self._refuse(_("应为2000至2100之间的年份"))
            return int(raw)
        if self.kind == "date":
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise self._refuse(_("日期格式应为YYYY-MM-DD")) from None
        if self.kind == "decimal":
            try:
                return Decimal(raw)
            except InvalidOperation:
                raise self._refuse(_("应为数字")) from None
        raise ValueError(f"unknown filter kind {self.kind!r}")


# Labels of module-level lists, translated when shown (lazily); typed as the text they become:
# `from gongjian.core.lists import lazy as _`.
lazy = typing.cast(Callable[[str], str], gettext_lazy)


def choice(name: str, label: Label, choices: Any, *, default: str = "") -> Filter:
    """A filter of one of `choices`: a model's `….choices` or any pairs (value, label)."""
    options = choices if callable(choices) else list(choices)
    return Filter(name, label, kind="choice", choices=options, default=default)


def days(start: Label = "", end: Label = "") -> tuple[Filter, Filter]:
    """The `start` and `end` date filters of a list (the selector's `start`/`end`), labelled
    开始日期/结束日期 unless the list names what they date."""
    return (
        Filter("start", start or lazy("开始日期"), kind="date"),
        Filter("end", end or lazy("结束日期"), kind="date"),
    )


# A list narrowed to an area and a unit (ids), each resolved through the caller's scope.
AREA_UNIT = (Filter("area", lazy("区域"), kind="int"), Filter("unit", lazy("单位"), kind="int"))


@dataclass
class Listing:
    """One page of a list, as a template renders it."""

    spec: ListSpec
    page: Page[Any]
    raw: dict[str, str]
    filters: dict[str, Any]
    query: str  # the query string without the page, for the pagination links and the export

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.spec.columns

    @property
    def choices(self) -> dict[str, Choices]:
        """The options of each `choice` filter, for its select (`listing.choices.status`)."""
        return {f.name: f.options() for f in self.spec.filters if f.kind == "choice"}

    def table(self) -> list[list[Any]]:
        return [[c.cell(r) for c in self.spec.columns] for r in self.page.object_list]


class Pagination(PageNumberPagination):
    """The API's page numbers: pages past 100,000 refused (422); a `page_size` above the
    largest page (100, `NINJA_MAX_PER_PAGE_SIZE`) is served as the largest page."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1_000_000)


F = typing.TypeVar("F", bound=Callable[..., Any])


def caller_module(depth: int = 2) -> str:
    """The module that called the function calling this one: an endpoint made by a helper
    keeps its app's module, so its OpenAPI operation id is the one it would have had."""
    return str(sys._getframe(depth).f_globals.get("__name__", __name__))


@typing.overload
def paginated(view: F) -> F: ...
@typing.overload
def paginated(*, page_size: int = 50) -> Callable[[F], F]: ...
def paginated(view: F | None = None, *, page_size: int = 50) -> F | Callable[[F], F]:
    """An API list paginated by `Pagination` (`@paginated` or `@paginated(page_size=…)`), with
    the endpoint's annotations resolved first in its own module. (django-ninja resolves the
    string annotations of `from __future__ import annotations` in the module of its
    decorator, where `Query[SPEC.Filters]` names nothing.)"""

    def decorate(func: F) -> F:
        func.__annotations__ = typing.get_type_hints(func, include_extras=True)
        return paginate(Pagination, page_size=page_size)(func)  # type: ignore[no-any-return]

    return decorate(view) if view is not None else decorate


@dataclass(frozen=True)
class ListSpec:
    """A list: its name (for the audit log), its title (the export's file and sheet), the
    selector that gives its rows, its filters and its columns."""

    name: str
    title: Label
    rows: Callable[..., QuerySet[Any] | Sequence[Any]]
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    per_page: int = 50
    # Derived filters: a function of the parsed filters giving the selector's keywords.
    adapt: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # Parsing -------------------------------------------------------------------------------

    def raw(self, data: Mapping[str, Any]) -> dict[str, str]:
        out = {}
        for f in self.filters:
            value = data.get(f.name, "")
            out[f.name] = "" if value is None else str(value)
        return out

    def parse(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The selector's keywords from a query string (or the API's filter schema)."""
        parsed = {(f.to or f.name): f.parse(self.raw(data)[f.name]) for f in self.filters}
        return self.adapt(parsed) if self.adapt else parsed

    def rows_for(self, actor: Any, data: Mapping[str, Any], **url: Any) -> Any:
        return self.rows(actor=actor, **self.parse(data), **url)

    @cached_property
    def Filters(self) -> type[Schema]:
        """The filters as a ninja schema for the API's query string (all text, parsed as on
        the page)."""
        fields: dict[str, Any] = {
            f.name: (str, Field(f.default, max_length=MAX_FILTER_LENGTH, description=str(f.label)))
            for f in self.filters
        }
        model_name = "".join(p.title() for p in self.name.replace(".", "_").split("_"))
        return pydantic.create_model(f"{model_name}Filters", __base__=Schema, **fields)

    def endpoint(
        self,
        router: Router,
        path: str,
        response: Any,
        *,
        name: str,
        page_size: int = 50,
        then: Callable[[Any], Any] | None = None,
    ) -> Callable[..., Any]:
        """The API list at `path` (GET, paginated by `Pagination`): the rows of the page, for
        the same filters and scope. `then` adds to the rows' query what the API's schema
        reads (`lambda rows: rows.prefetch_related("photos")`). `name` is the endpoint's name
        (its URL name and, with the calling module, its OpenAPI operation id)."""

        def view(request: HttpRequest, filters: Any) -> Any:
            rows = self.rows_for(request.user, filters.model_dump())
            return then(rows) if then else rows

        view.__name__ = view.__qualname__ = name
        view.__module__ = caller_module()
        view.__annotations__ = {
            "request": HttpRequest,
            "filters": Query[self.Filters],  # type: ignore[misc,name-defined]
            "return": Any,
        }
        listed = paginate(Pagination, page_size=page_size)(view)
        return router.get(path, response=list[response])(listed)  # type: ignore[no-any-return]

    # Pages ---------------------------------------------------------------------------------

    def page(self, request: HttpRequest, *, per_page: int | None = None, **url: Any) -> Listing:
        raw = self.raw(request.GET)
        filters = self.parse(request.GET)
        rows = self.rows(actor=request.user, **filters, **url)
        paginator = Paginator(rows, per_page or self.per_page, allow_empty_first_page=True)
        params = request.GET.copy()
        params.pop("page", None)
        return Listing(
            spec=self,
            page=paginator.get_page(request.GET.get("page")),
            raw=raw,
            filters=filters,
            query=params.urlencode(),
        )

    # Exports -------------------------------------------------------------------------------

    def export(self, request: HttpRequest, **url: Any) -> HttpResponse:
        return reads_from_replica(self._export)(request, **url)

    def _export(self, request: HttpRequest, **url: Any) -> HttpResponse:
        rows = self.rows_for(request.user, request.GET, **url)
        columns = [c for c in self.columns if c.export]
        iterable: Iterable[Any] = (
            rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows
        )
        return xlsx_response(
            what=str(self.title),
            name=self.name,
            headers=[str(c.label) for c in columns],
            kinds=[c.kind for c in columns],
            rows=([c.cell(r) for c in columns] for r in iterable),
            filters={**self.raw(request.GET), **{k: str(v) for k, v in url.items()}},
        )

    def export_view(self) -> Callable[..., HttpResponse]:
        """The export as a view for urls.py: the same filters and scope as the page."""

        @login_required
        def view(request: HttpRequest, **url: Any) -> HttpResponse:
            return self.export(request, **url)

        view.__name__ = f"{self.name.replace('.', '_')}_export"
        return view
