"""Households, assignments and visits for the tests of the grid app."""

from __future__ import annotations

from typing import Any

from gongjian.core.imports import import_run
from gongjian.core.models import ImportBatch
from gongjian.grid import services
from gongjian.grid.models import Household, Visit
from gongjian.testing.cast import Cast

HEADER = (
    "网格编码,楼栋,单元,房号,地址,户主姓名,户主电话,户主身份证号,人口数,独居老人,困难家庭,空巢\n"
)


def csv_rows(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def import_households(c: Cast, data: bytes) -> ImportBatch:
    return import_run(
        actor=c.community_secretary, kind="households", data=data, filename="住户.csv"
    )


def households(c: Cast) -> list[Household]:
    """Four households of 晨辉社区第一网格 (one 独居老人) and two of its second grid."""
    g1, g2 = c.chenhui_grid1.code, c.chenhui_grid2.code
    batch = import_households(
        c,
        csv_rows(
            f"{g1},1,1,101,,张大爷,13800138001,,1,是,否,否",
            f"{g1},1,1,102,,李阿姨,13800138002,,2,否,是,否",
            f"{g1},1,2,201,,王先生,,,3,否,否,否",
            f"{g1},2,1,101,,赵女士,,,4,否,否,是",
            f"{g2},,,,东湖村三组12号,钱大伯,13800138005,,2,否,否,否",
            f"{g2},,,,东湖村三组13号,孙大妈,,,1,是,否,否",
        ),
    )
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    return list(Household.objects.order_by("id"))


def visit(c: Cast, household: Household, **kwargs: Any) -> Visit:
    args: dict[str, Any] = {
        "actor": c.grid_leader,
        "household_id": household.public_id,
        "met": "户主本人",
        "notes": "了解生活情况",
    }
    args.update(kwargs)
    return services.visit_log(**args)
