"""`gongjian match` end to end on tiny files. It needs Django's settings but no database."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DEMANDS = """id,title,description,category,area
D1,老伴住院了，我一个人照顾不过来,天天守着实在撑不住,,示范区/青禾街道/晨辉社区
D2,孩子放学没人管,双职工下班晚，作业没人辅导,,示范区/东湖街道/望江社区
D3,小区垃圾分类推不动,大家还是混着扔,生态绿,示范区/东湖街道/望江社区
"""
RESOURCES = """id,title,description,category,area,capacity
R1,居家照护喘息服务,为失能老人家庭提供短期替代照护，护理员上门,阳光银,示范区,1
R2,四点半课堂,教师党员为放学后无人看管的孩子辅导作业,暖心红,示范区/青禾街道,2
R3,垃圾分类督导,在投放点指导居民分类投放厨余垃圾,生态绿,示范区/东湖街道,1
R4,托管班,放学后孩子托管、辅导作业,暖心红,示范区/东湖街道,1
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_out(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_match_writes_one_row_per_proposed_pair(tmp_path: Path) -> None:
    d = write(tmp_path, "d.csv", "\ufeff" + DEMANDS)
    r = write(tmp_path, "r.csv", RESOURCES)
    out = tmp_path / "m.csv"
    call_command("match", demands=str(d), resources=str(r), out=str(out))
    rows = read_out(out)
    assert [(x["demand_id"], x["resource_id"]) for x in rows] == [
        ("D1", "R1"),
        ("D2", "R4"),  # R2 serves 青禾街道 only
        ("D3", "R3"),
    ]
    assert all(float(x["score"]) > 0 and x["reasons"] for x in rows)
    # the category is off by default (docs/adr/0002-matching-engine.md), so it is not a reason
    assert "同属类别：生态绿" not in rows[2]["reasons"].split("；")


def test_match_with_preferences_pins_and_forbidden_pairs(tmp_path: Path) -> None:
    d = write(tmp_path, "d.csv", DEMANDS)
    r = write(tmp_path, "r.csv", RESOURCES)
    p = write(
        tmp_path,
        "p.csv",
        "side,chooser_id,chosen_id,rank\ndemand,D3,R3,1\nresource,R3,D3,1\n",
    )
    pin = write(tmp_path, "pin.csv", "demand_id,resource_id\nD2,R3\n")
    ban = write(tmp_path, "ban.csv", "demand_id,resource_id\nD1,R1\n")
    out = tmp_path / "m.csv"
    call_command(
        "match",
        demands=str(d),
        resources=str(r),
        preferences=str(p),
        pinned=str(pin),
        forbidden=str(ban),
        out=str(out),
    )
    pairs = {x["demand_id"]: x for x in read_out(out)}
    assert pairs["D2"]["resource_id"] == "R3"
    assert pairs["D2"]["reasons"].startswith("管理员指定")
    assert "D1" not in pairs  # its only candidate is forbidden
    # R3 is full with the pin, though D3 ranked it
    assert pairs.get("D3", {}).get("resource_id") != "R3"


def test_bad_file_is_a_command_error_naming_file_row_and_column(tmp_path: Path) -> None:
    d = write(tmp_path, "d.csv", DEMANDS)
    r = write(tmp_path, "bad.csv", RESOURCES.replace(",1\n", ",0\n", 1))
    with pytest.raises(CommandError) as info:
        call_command("match", demands=str(d), resources=str(r), out=str(tmp_path / "m.csv"))
    message = str(info.value)
    assert "bad.csv" in message
    assert "第2行" in message
    assert "capacity" in message
    assert not (tmp_path / "m.csv").exists()


def test_the_console_command_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    d = write(tmp_path, "d.csv", DEMANDS.replace("D2,", "D1,"))
    r = write(tmp_path, "r.csv", RESOURCES)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gongjian",
            "match",
            "--demands",
            str(d),
            "--resources",
            str(r),
            "--out",
            str(tmp_path / "m.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "d.csv" in done.stderr
    assert "第3行" in done.stderr
    assert "id" in done.stderr
