"""Search folds traditional characters to simplified, full-width to half-width and case, so
黨員 finds 党员 and ＡＢＣ finds abc. Both sides are folded: the query here, the stored text in
a folded column written with the text.

Every list with a search box searches that column (one mechanism for all apps):

    class Unit(Searchable, TimeStampedModel):
        SEARCH_FIELDS = ("name", "short_name")     # folded into `search_folded` on save

    qs.filter(search_q(q, "", "unit", raw=("code",)))   # the row's own folded text, its
                                                        # unit's, and `code` as typed

`search_folded` is written by `save()` and when a row is built for `bulk_create` (in
`__init__`); a data migration fills it for rows written before (`backfill`). `Member` keeps
its own `name_folded` column: name it in the path (`"member__name_folded"`)."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import zhconv
from django.db import models
from django.db.models import Q

SEPARATOR = "\n"  # between the fields of one row: a query never holds it


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    return str(zhconv.convert(unicodedata.normalize("NFKC", text), "zh-hans")).casefold()


def folded_text(values: Iterable[Any]) -> str:
    """The folded search text of a row's searched values (empty ones left out)."""
    return SEPARATOR.join(fold(str(v)) for v in values if v not in (None, ""))


class Searchable(models.Model):
    """A model searched by a list's search box: `SEARCH_FIELDS` folded into one column."""

    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ()

    # db_default: a row loaded by SQL (a bulk load, a benchmark) is valid, found once backfilled
    search_folded = models.TextField(editable=False, blank=True, default="", db_default="")

    class Meta:
        abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built for bulk_create (or read before the backfill): fold now. Deferred fields are
        # not in __dict__, and are not loaded here.
        values = self.__dict__
        if "search_folded" in values and not values["search_folded"]:
            names = self.SEARCH_FIELDS
            if all(n in values for n in names) and any(values[n] for n in names):
                self.search_folded = self.folded()

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) & set(self.SEARCH_FIELDS):
            self.search_folded = self.folded()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search_folded"}
        super().save(*args, **kwargs)

    def folded(self) -> str:
        return folded_text(getattr(self, n) for n in self.SEARCH_FIELDS)


def _folded_path(path: str) -> str:
    """The folded column under a relation path ("" for the row itself); a path naming a
    folded column already (`member__name_folded`) is kept."""
    if path.endswith("name_folded"):
        return path
    return f"{path}__search_folded" if path else "search_folded"


def search_q(q: str, *paths: str, raw: Sequence[str] = (), exact: Sequence[str] = ()) -> Q:
    """What a search box matches: the folded query inside the folded text of the row (`""`)
    and of the related rows named by `paths` (`"unit"`, `"demand__community"`); `raw`
    fields as typed (`icontains`: a phrase the folding would turn otherwise), `exact` ones
    equal (a code)."""
    folded = fold(q)
    out = Q()
    for path in paths:
        out |= Q(**{f"{_folded_path(path)}__contains": folded})
    for name in raw:
        out |= Q(**{f"{name}__icontains": q})
    for name in exact:
        out |= Q(**{name: q})
    return out


def backfill(apps: Any, app_label: str, model_name: str, fields: Sequence[str]) -> None:
    """A data migration's step: `search_folded` of every row written before the column."""
    model = apps.get_model(app_label, model_name)
    batch = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
        row.search_folded = folded_text(getattr(row, n) for n in fields)
        batch.append(row)
        if len(batch) >= 2000:
            model.objects.bulk_update(batch, ["search_folded"])
            batch = []
    if batch:
        model.objects.bulk_update(batch, ["search_folded"])


def text_matches(q: str, *texts: str) -> bool:
    """The same match for rows computed in Python (a rates table): the folded query inside
    any folded text, or the query as typed."""
    folded = fold(q)
    return any(q in t or folded in fold(t) for t in texts if t)
