"""CSV in and out: every bad file is answered with its name, row and column. No database."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongjian.cobuild.matching import Proposal
from gongjian.cobuild.matching.io import (
    CsvError,
    format_proposals,
    parse_demands,
    parse_pairs,
    parse_preferences,
    parse_resources,
    read_demands,
)

DEMANDS = "id,title,description,category,area\nD1,老人吃饭难,,阳光银,示范区/青禾街道\n"
RESOURCES = "id,title,description,category,area,capacity\nR1,助餐,,阳光银,示范区,2\n"


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def error_of(call: object, *args: object) -> CsvError:
    with pytest.raises(CsvError) as info:
        call(*args)  # type: ignore[operator]
    return info.value


def test_good_files_parse_and_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(("\ufeff" + DEMANDS).encode("utf-8"))
    (demand,) = read_demands(path)
    assert (demand.id, demand.title, demand.category, demand.area) == (
        "D1",
        "老人吃饭难",
        "阳光银",
        "示范区/青禾街道",
    )
    (res,) = parse_resources(lines(RESOURCES), "r.csv")
    assert res.capacity == 2


def test_missing_column_names_file_row_and_column() -> None:
    err = error_of(parse_demands, lines("id,title,description,category\nD1,a,,\n"), "d.csv")
    assert (err.file, err.row, err.column) == ("d.csv", 1, "area")
    assert "d.csv" in str(err)
    assert "第1行" in str(err)
    assert "area" in str(err)


def test_empty_id_names_the_row() -> None:
    text = DEMANDS + ",没有编号的需求,,,\n"
    err = error_of(parse_demands, lines(text), "d.csv")
    assert (err.row, err.column) == (3, "id")


def test_duplicate_id_names_both_rows() -> None:
    text = DEMANDS + "D1,又一个,,,\n"
    err = error_of(parse_demands, lines(text), "d.csv")
    assert (err.row, err.column) == (3, "id")
    assert "第2行" in err.detail


@pytest.mark.parametrize("capacity", ["0", "-1", "2.5", "两", ""])
def test_capacity_must_be_a_positive_integer(capacity: str) -> None:
    text = RESOURCES + f"R2,法律咨询,,,,{capacity}\n"
    err = error_of(parse_resources, lines(text), "r.csv")
    assert (err.file, err.row, err.column) == ("r.csv", 3, "capacity")


PREFS = "side,chooser_id,chosen_id,rank\n"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("both,D1,R1,1", "side"),
        ("demand,D9,R1,1", "chooser_id"),
        ("demand,D1,R9,1", "chosen_id"),
        ("resource,R1,D9,1", "chosen_id"),
        ("resource,D1,R1,1", "chooser_id"),
        ("demand,D1,R1,0", "rank"),
        ("demand,D1,R1,first", "rank"),
    ],
)
def test_bad_preference_rows_name_row_and_column(row: str, column: str) -> None:
    err = error_of(parse_preferences, lines(PREFS + row + "\n"), "p.csv", ["D1"], ["R1"])
    assert (err.file, err.row, err.column) == ("p.csv", 2, column)


def test_preferences_parse_with_chinese_side_names_and_reject_repeats() -> None:
    text = PREFS + "需求,D1,R1,1\nresource,R1,D1,1\n"
    prefs = parse_preferences(lines(text), "p.csv", ["D1"], ["R1"])
    assert [(p.side, p.chooser_id, p.chosen_id, p.rank) for p in prefs] == [
        ("demand", "D1", "R1", 1),
        ("resource", "R1", "D1", 1),
    ]
    err = error_of(parse_preferences, lines(text + "demand,D1,R1,2\n"), "p.csv", ["D1"], ["R1"])
    assert (err.row, err.column) == (4, "chosen_id")
    err = error_of(
        parse_preferences,
        lines(PREFS + "demand,D1,R1,1\ndemand,D1,R2,1\n"),
        "p.csv",
        ["D1"],
        ["R1", "R2"],
    )
    assert (err.row, err.column) == (3, "rank")


def test_pairs_name_unknown_ids() -> None:
    text = "demand_id,resource_id\nD1,R1\nD1,R7\n"
    err = error_of(parse_pairs, lines(text), "pin.csv", ["D1"], ["R1"])
    assert (err.file, err.row, err.column) == ("pin.csv", 3, "resource_id")


def test_too_many_cells_and_empty_files_are_errors() -> None:
    err = error_of(parse_demands, lines(DEMANDS + "D2,a,b,c,d,e\n"), "d.csv")
    assert err.row == 3
    err = error_of(parse_demands, [], "d.csv")
    assert err.file == "d.csv"


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(DEMANDS.encode("gbk"))
    err = error_of(read_demands, path)
    assert "gbk.csv" in str(err)
    assert "UTF-8" in str(err)


def test_output_joins_reasons_with_the_chinese_semicolon() -> None:
    text = format_proposals([Proposal("D1", "R1", 0.5, ["共同关键词：助餐", "同属类别：阳光银"])])
    assert text == (
        "demand_id,resource_id,score,reasons\nD1,R1,0.5000,共同关键词：助餐；同属类别：阳光银\n"
    )
