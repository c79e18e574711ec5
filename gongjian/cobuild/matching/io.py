"""CSV in and out for the matching engine, with errors that name the file, row and column.

Input files are UTF-8 (a BOM is accepted) with a header row:

* demands: ``id,title,description,category,area``
* resources: ``id,title,description,category,area,capacity``
* preferences: ``side,chooser_id,chosen_id,rank`` — ``side`` is ``demand`` or ``resource``
  (also ``需求`` / ``资源``), rank 1 is first.

``description``, ``category`` and ``area`` may be empty; other columns beyond these are
ignored. Rows are numbered as a spreadsheet shows them: the header is row 1.
Pinned and forbidden pairs: ``demand_id,resource_id``.
The output is ``demand_id,resource_id,score,reasons``, reasons joined with "；".
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .model import Demand, Preference, Proposal, Resource, Side

DEMAND_COLUMNS = ("id", "title", "description", "category", "area")
RESOURCE_COLUMNS = (*DEMAND_COLUMNS, "capacity")
PREFERENCE_COLUMNS = ("side", "chooser_id", "chosen_id", "rank")
PAIR_COLUMNS = ("demand_id", "resource_id")
OUTPUT_COLUMNS = ("demand_id", "resource_id", "score", "reasons")
REQUIRED = {
    "id",
    "title",
    "side",
    "chooser_id",
    "chosen_id",
    "rank",
    "capacity",
    "demand_id",
    "resource_id",
}
SIDES: dict[str, Side] = {
    "demand": "demand",
    "resource": "resource",
    "需求": "demand",
    "资源": "resource",
}
REASON_SEPARATOR = "；"

PathLike = str | os.PathLike[str]


class CsvError(ValueError):
    """A bad input file; the message names the file, and where known the row and column."""

    def __init__(
        self, file: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.row, self.column, self.detail = file, row, column, message
        where = [file]
        if row is not None:
            where.append(f"第{row}行")
        if column is not None:
            where.append(f"“{column}”列")
        super().__init__("，".join(where) + "：" + message)


@dataclass(frozen=True, slots=True)
class _Row:
    file: str
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        value = self.cells.get(column, "").strip()
        if column in REQUIRED and not value:
            raise CsvError(self.file, "不能为空", row=self.number, column=column)
        return value

    def positive_int(self, column: str) -> int:
        raw = self.get(column)
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1 or not raw.isdigit():
            raise CsvError(self.file, f"应为正整数，实际是“{raw}”", row=self.number, column=column)
        return value

    def error(self, column: str, message: str) -> CsvError:
        return CsvError(self.file, message, row=self.number, column=column)


def _rows(lines: Iterable[str], name: str, columns: Sequence[str]) -> Iterator[_Row]:
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None:
            raise CsvError(name, "文件是空的，缺少表头")
        header = [h.strip().lstrip("\ufeff") for h in header]
        for i, h in enumerate(header):
            if h and h in header[:i]:
                raise CsvError(name, "表头中重复出现", row=1, column=h)
        for column in columns:
            if column not in header:
                raise CsvError(name, "缺少这一列", row=1, column=column)
        number = 1
        for cells in reader:
            number += 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise CsvError(
                    name, f"这一行有{len(cells)}个单元格，多于表头的{len(header)}列", row=number
                )
            yield _Row(name, number, dict(zip(header, cells, strict=False)))
    except csv.Error as exc:
        raise CsvError(name, f"不是合法的CSV：{exc}", row=reader.line_num) from exc
    except UnicodeDecodeError as exc:
        raise CsvError(name, "不是UTF-8编码的文本（请另存为UTF-8 CSV）") from exc


def _unique(row: _Row, seen: dict[str, int]) -> str:
    value = row.get("id")
    if value in seen:
        raise row.error("id", f"编号“{value}”重复（第{seen[value]}行已出现）")
    seen[value] = row.number
    return value


def parse_demands(lines: Iterable[str], name: str) -> list[Demand]:
    seen: dict[str, int] = {}
    return [
        Demand(
            id=_unique(row, seen),
            title=row.get("title"),
            description=row.get("description"),
            category=row.get("category"),
            area=row.get("area"),
        )
        for row in _rows(lines, name, DEMAND_COLUMNS)
    ]


def parse_resources(lines: Iterable[str], name: str) -> list[Resource]:
    seen: dict[str, int] = {}
    return [
        Resource(
            id=_unique(row, seen),
            title=row.get("title"),
            description=row.get("description"),
            category=row.get("category"),
            area=row.get("area"),
            capacity=row.positive_int("capacity"),
        )
        for row in _rows(lines, name, RESOURCE_COLUMNS)
    ]


def parse_preferences(
    lines: Iterable[str],
    name: str,
    demand_ids: Iterable[str],
    resource_ids: Iterable[str],
) -> list[Preference]:
    known = {"demand": set(demand_ids), "resource": set(resource_ids)}
    other: dict[Side, Side] = {"demand": "resource", "resource": "demand"}
    label = {"demand": "需求", "resource": "资源"}
    seen: dict[tuple[str, str, str], int] = {}
    ranks: dict[tuple[str, str, int], int] = {}
    out: list[Preference] = []
    for row in _rows(lines, name, PREFERENCE_COLUMNS):
        raw_side = row.get("side")
        side = SIDES.get(raw_side.lower())
        if side is None:
            raise row.error("side", f"应为 demand 或 resource，实际是“{raw_side}”")
        chooser, chosen = row.get("chooser_id"), row.get("chosen_id")
        if chooser not in known[side]:
            raise row.error("chooser_id", f"没有编号为“{chooser}”的{label[side]}")
        if chosen not in known[other[side]]:
            raise row.error("chosen_id", f"没有编号为“{chosen}”的{label[other[side]]}")
        rank = row.positive_int("rank")
        key = (side, chooser, chosen)
        if key in seen:
            raise row.error("chosen_id", f"与第{seen[key]}行重复")
        seen[key] = row.number
        rank_key = (side, chooser, rank)
        if rank_key in ranks:
            raise row.error("rank", f"第{rank}志愿已在第{ranks[rank_key]}行填过")
        ranks[rank_key] = row.number
        out.append(Preference(side=side, chooser_id=chooser, chosen_id=chosen, rank=rank))
    return out


def parse_pairs(
    lines: Iterable[str],
    name: str,
    demand_ids: Iterable[str],
    resource_ids: Iterable[str],
) -> list[tuple[str, str]]:
    """Pinned or forbidden pairs: ``demand_id,resource_id``."""
    demands, resources = set(demand_ids), set(resource_ids)
    out: list[tuple[str, str]] = []
    for row in _rows(lines, name, PAIR_COLUMNS):
        d, r = row.get("demand_id"), row.get("resource_id")
        if d not in demands:
            raise row.error("demand_id", f"没有编号为“{d}”的需求")
        if r not in resources:
            raise row.error("resource_id", f"没有编号为“{r}”的资源")
        out.append((d, r))
    return out


def _open(path: PathLike) -> TextIO:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CsvError(os.fspath(path), f"无法打开：{exc.strerror}") from exc


def read_demands(path: PathLike) -> list[Demand]:
    with _open(path) as f:
        return parse_demands(f, os.fspath(path))


def read_resources(path: PathLike) -> list[Resource]:
    with _open(path) as f:
        return parse_resources(f, os.fspath(path))


def read_preferences(
    path: PathLike, demand_ids: Iterable[str], resource_ids: Iterable[str]
) -> list[Preference]:
    with _open(path) as f:
        return parse_preferences(f, os.fspath(path), demand_ids, resource_ids)


def read_pairs(
    path: PathLike, demand_ids: Iterable[str], resource_ids: Iterable[str]
) -> list[tuple[str, str]]:
    with _open(path) as f:
        return parse_pairs(f, os.fspath(path), demand_ids, resource_ids)


def format_proposals(proposals: Iterable[Proposal]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for p in proposals:
        writer.writerow(
            [p.demand_id, p.resource_id, f"{p.score:.4f}", REASON_SEPARATOR.join(p.reasons)]
        )
    return buffer.getvalue()


def write_proposals(proposals: Iterable[Proposal], path: PathLike) -> None:
    Path(path).write_text(format_proposals(proposals), encoding="utf-8")
