"""Every number of the dashboard links to the list of the records it counts, filtered to the
same scope and period, and that list's count is the number: for a generated district (the
test world, with a transfer on a past day and a member who left the service), each scope
level and several periods, the test follows each link the dashboard renders and counts the
list it lands on. The rates page's rows link to the same roster."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongjian.orgs.models import Unit
from gongjian.orgs.services import member_transfer, member_update
from gongjian.reports.services import rollups_refresh
from gongjian.reports.tests.world import World, build_world
from gongjian.testing.cast import Cast

NODES = ("district", "qinghe", "chenhui", "chenhui_grid1", "tax", "justice")
# What each number of the board is, by its label (the first that matches): the measure of the
# list its link lands on that must equal it. A roster's or an activity list's measure is its
# count; the attendance list (参与记录) counts person-times and gives, on its count line, the
# people among them, the activities and the hours; an activity list gives the households its
# activities' outcomes record.
MEASURES = (
    ("参与人次", "person_times"),
    ("参与党员", "people"),
    ("其中已确认", "hours_confirmed"),
    ("服务时长", "hours"),
    ("入户走访", "households"),
)
# Numbers that are not counts of records: they link to the list of the count they derive from
# (the rate to the reported members), and are checked there through that count.
NOT_COUNTS = ("报到率",)
# Numbers whose lists are not yet filtered to the scope and period (the organisation's
# registers, the co-building lists): not counted here (docs/figures.md says so).
NOT_YET = (
    "单位（个）",
    "党组织（个）",
    "党员（名）",
    "资源（",
    "需求（",
    "确认配对",
    "签约（",
    "实施中项目",
    "完成项目",
)
FIGURE = re.compile(r'<a class="figure" href="([^"]*)"><b[^>]*>([^<]*)</b>([^<]*)</a>')
# A service category's row: activities, person-times, hours, households.
CATEGORY_ROW = re.compile(
    r'<tr><td><span class="swatch"[^>]*></span>[^<]*</td>'
    + r'<td><a href="([^"]*)">([^<]*)</a></td>' * 4
    + "</tr>"
)
# A ranked unit's row: reported / in service, person-times.
UNIT_ROW = re.compile(
    r'<td><a href="([^"]*)">([^<]*)</a>/<a href="([^"]*)">([^<]*)</a></td>'
    r'<td><a href="([^"]*)">([^<]*)</a></td></tr>'
)
NUMBER_LINK = re.compile(r'<a [^>]*href="([^"]*)"[^>]*>(?:<b[^>]*>)?([0-9][0-9.,万]*)<')


@pytest.fixture
def world(cast: Cast) -> World:
    w = build_world(cast)
    today = timezone.localdate()
    # This year's history, recorded late: 王静 moved to 区司法局 in March; 赵敏 retired in May.
    member_transfer(
        actor=cast.platform_admin,
        member=cast.tax_colleague.public_id,
        to_org=cast.justice_branch.pk,
        effective_on=dt.date(today.year, 3, 1),
    )
    member_update(
        actor=cast.platform_admin,
        member=cast.justice_member.public_id,
        in_service=False,
        unit=None,
        effective_on=dt.date(today.year, 5, 1),
    )
    rollups_refresh()
    return w


def _periods() -> list[dict[str, str]]:
    year = timezone.localdate().year
    return [
        {"period": "this_year"},
        {"period": "last_year"},
        {"period": "custom", "start": f"{year}-02-01", "end": f"{year}-02-28"},
        {"period": "custom", "start": f"{year}-04-01", "end": f"{year}-06-30"},
    ]


def _count(client: Client, url: str) -> int:
    assert url.startswith("/"), url
    response = client.get(url)
    assert response.status_code == 200, url
    return int(response.context["page"].paginator.count)


def _measures(client: Client, url: str) -> dict[str, Decimal]:
    """What the list at `url` counts: its count, and the sums its count line gives."""
    url = html.unescape(url)
    assert url.startswith("/"), url
    response = client.get(url)
    assert response.status_code == 200, url
    ctx = response.context
    out = {"count": Decimal(ctx["page"].paginator.count)}
    if ctx.get("summary") is not None:
        out.update({k: Decimal(v) for k, v in ctx["summary"].items()})
    if ctx.get("households") is not None:
        out["households"] = Decimal(ctx["households"])
    return out


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def _same(shown: str, counted: Decimal) -> bool:
    # Hours are shown to one decimal; counts exactly.
    return (
        _number(shown) == counted.quantize(Decimal("0.1")).normalize() or _number(shown) == counted
    )


def _node_key(c: Cast, name: str) -> str:
    obj = getattr(c, name)
    return f"{'unit' if isinstance(obj, Unit) else 'area'}:{obj.pk}"


def _board(page: str) -> str:
    """The board's figures and tables (not the picker, nor the other apps' sections)."""
    start, end = page.index('id="headline"'), page.index('id="board-data"')
    return page[start:end]


def test_each_number_of_the_dashboard_is_the_count_of_its_list(world: World) -> None:
    """Every number the board renders links to a list; following it, the list's count (or
    the sum its count line gives) is the number — except the rate (a percentage) and the
    figures named in NOT_YET."""
    c = world.cast
    client = Client()
    client.force_login(c.platform_admin)
    seen: dict[str, set[Decimal]] = {}
    for name in NODES:
        for params in _periods():
            response = client.get(
                reverse("reports:dashboard"), {"node": _node_key(c, name), **params}
            )
            assert response.status_code == 200
            board = _board(response.content.decode())
            checked: set[tuple[str, str]] = set()

            def check(
                url: str,
                shown: str,
                measure: str,
                where: str,
                checked: set[tuple[str, str]] = checked,
                node: tuple[str, Any] = (name, params),
            ) -> None:
                got = _measures(client, url)
                assert measure in got, (node, where, url)
                assert _same(shown, got[measure]), (node, where, shown, got, url)
                checked.add((url, shown))
                seen.setdefault(where, set()).add(got[measure])

            for url, shown, label in FIGURE.findall(board):
                label = html.unescape(label)
                if any(label.startswith(x) for x in NOT_YET):
                    checked.add((url, shown))
                    continue
                if any(label.startswith(x) for x in NOT_COUNTS):
                    assert url, (name, label)
                    checked.add((url, shown))
                    continue
                measure = next((m for key, m in MEASURES if key in label), "count")
                check(url, shown, measure, label)
            for row in CATEGORY_ROW.findall(board):
                for (url, shown), measure in zip(
                    zip(row[::2], row[1::2], strict=True),
                    ("count", "person_times", "hours", "households"),
                    strict=True,
                ):
                    check(url, shown, measure, f"category.{measure}")
            for row in UNIT_ROW.findall(board):
                for (url, shown), measure in zip(
                    zip(row[::2], row[1::2], strict=True),
                    ("count", "count", "person_times"),
                    strict=True,
                ):
                    check(url, shown, measure, f"unit_row.{measure}")
            # No number links anywhere the checks above did not follow.
            numbers = set(NUMBER_LINK.findall(board))
            assert numbers <= checked, (name, params, numbers - checked)
            # And no number on the board without a link.
            bare = re.findall(r'(?<!">)<(?:b|td)(?: [^>]*)?>([0-9][0-9.,万%]*)</(?:b|td)>', board)
            assert not bare, (name, params, bare)
    # The numbers compared are not all zero: the comparisons above mean something.
    for label in ("已开展活动（场次）", "参与人次", "参与党员（人）", "category.person_times"):
        assert seen[label] - {Decimal(0)}, (label, seen.get(label))
    assert seen["unit_row.person_times"] - {Decimal(0)}, seen


def test_the_past_differs_from_the_present_and_each_list_says_so(world: World) -> None:
    """区税务局 had 王静 in February (transferred in March): February's roster lists her,
    this year's (as of today) does not; 区司法局's shows 赵敏 in February only."""
    c = world.cast
    client = Client()
    client.force_login(c.platform_admin)
    year = timezone.localdate().year

    def roster(unit: Any, day: dt.date) -> set[str]:
        url = reverse("reporting:roster")
        response = client.get(url, {"unit": unit.pk, "date": day.isoformat()})
        return {m.name for m in response.context["page"].object_list}

    feb, today = dt.date(year, 2, 28), timezone.localdate()
    assert "王静" in roster(c.tax, feb)
    assert "王静" not in roster(c.tax, today)
    assert "王静" in roster(c.justice, today)
    assert "赵敏" in roster(c.justice, feb)
    assert "赵敏" not in roster(c.justice, today)


def test_the_rates_page_rows_link_to_the_roster_with_the_same_counts(world: World) -> None:
    c = world.cast
    client = Client()
    client.force_login(c.platform_admin)
    year = timezone.localdate().year
    for day in (dt.date(year, 2, 28), timezone.localdate()):
        response = client.get(
            reverse("reporting:rates"), {"level": "unit", "date": day.isoformat()}
        )
        assert response.status_code == 200
        page = response.content.decode()
        for row in response.context["page"].object_list:
            for state, n in (("", row.total), ("confirmed", row.done), ("pending", row.pending)):
                url = reverse("reporting:roster") + f"?unit={row.id}&date={day.isoformat()}"
                url += f"&state={state}" if state else ""
                assert url.replace("&", "&amp;") in page, url
                assert _count(client, url) == n, (row.name, day, state)


@pytest.mark.parametrize("by", ["category", "community", "month"])
def test_the_statistics_card_is_the_sum_of_its_rows(world: World, by: str) -> None:
    """The service statistics page: its card's activities, person-times and hours are the
    sums of its rows (each activity in one row), and its person-times are the dashboard's for
    the whole platform's year."""
    c = world.cast
    client = Client()
    client.force_login(c.platform_admin)
    year = timezone.localdate().year
    response = client.get(reverse("service:stats"), {"by": by, "year": str(year)})
    assert response.status_code == 200
    card, rows = response.context["figures"], response.context["rows"]
    assert card["activities"] == sum(r["activities"] for r in rows) > 0
    assert card["person_times"] == sum(r["person_times"] for r in rows) > 0
    assert card["hours"] == sum(r["hours"] for r in rows)
    board = client.get(reverse("reports:dashboard"), {"node": "all", "period": "this_year"})
    assert card["person_times"] == board.context["f"].person_times


@pytest.mark.parametrize("by", ["category", "unit", "community", "team", "month"])
def test_each_number_of_the_statistics_page_is_the_count_of_its_list(world: World, by: str) -> None:
    """The service statistics page: its card and each of its rows link to the attendance
    list (参与记录) of their records, whose count line gives the same person-times,
    activities and hours; for a unit's post the card is its members' (as the dashboard's)."""
    c = world.cast
    year = timezone.localdate().year
    for actor in (c.platform_admin, c.community_secretary, c.unit_admin):
        client = Client()
        client.force_login(actor)
        response = client.get(reverse("service:stats"), {"by": by, "year": str(year)})
        assert response.status_code == 200
        page = response.content.decode()
        card, rows = response.context["figures"], response.context["rows"]
        assert card["url"].replace("&", "&amp;") in page
        got = _measures(client, card["url"])
        for key in ("activities", "person_times", "people", "hours"):
            assert got[key] == card[key], (by, key, got, card)
        for row in rows:
            assert row["url"].replace("&", "&amp;") in page, row
            got = _measures(client, row["url"])
            assert got["count"] == row["person_times"], (by, row, got)
            assert got["activities"] == row["activities"], (by, row, got)
            assert got["hours"] == row["hours"], (by, row, got)
        assert not re.findall(r"<td>([0-9][0-9.]*)</td>", page), by
        if actor is c.platform_admin:
            assert rows
            assert card["person_times"] > 0


def test_a_units_statistics_and_their_export_count_the_dashboards_person_times(
    world: World,
) -> None:
    """区税务局's administrator: the statistics page and its Excel count the unit's members'
    attendances, wherever they served, as the unit's dashboard does — not the attendances of
    other people at the activities the unit organised (a resident at 六月助老)."""
    c = world.cast
    client = Client()
    client.force_login(c.unit_admin)
    year = timezone.localdate().year
    board = client.get(reverse("reports:dashboard"), {"node": f"unit:{c.tax.pk}"})
    person_times = board.context["f"].person_times
    assert person_times > 0
    outsiders = world.activities["jun_xg"].attendances.exclude(member__unit=c.tax)
    assert outsiders.exists()  # the unit organised an activity others attended
    for by in ("category", "month", "community"):
        params = {"by": by, "year": str(year)}
        page = client.get(reverse("service:stats"), params)
        assert page.context["figures"]["person_times"] == person_times, by
        export = client.get(reverse("service:stats_export"), params)
        assert export.status_code == 200
        rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].values)
        column = list(rows[0]).index("人次")
        assert sum(Decimal(str(r[column] or 0)) for r in rows[1:]) == person_times, by
