"""Every number of the dashboard links to the list of the records it counts, filtered to the
same scope and period, and that list's count is the number: for a generated district (the
test world, with a transfer on a past day and a member who left the service), each scope
level and several periods, the test follows each link the dashboard renders and counts the
list it lands on. The rates page's rows link to the same roster."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.orgs.models import Unit
from gongjian.orgs.services import member_transfer, member_update
from gongjian.reports.services import rollups_refresh
from gongjian.reports.tests.world import World, build_world
from gongjian.testing.cast import Cast

NODES = ("district", "qinghe", "chenhui", "chenhui_grid1", "tax", "justice")
# The board's numbers whose list counts records: (the figure on `f`, the link's name).
COUNTED = (
    ("in_service", "in_service"),
    ("reported", "reported"),
    ("pending", "pending"),
    ("activities", "activities"),
    ("activities_planned", "planned"),
)
AREA_ONLY = (("reports_received", "reports_received"), ("reports_waiting", "reports_waiting"))
UNIT_ONLY = (("activities_organised", "organised"),)


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


def _node_key(c: Cast, name: str) -> str:
    obj = getattr(c, name)
    return f"{'unit' if isinstance(obj, Unit) else 'area'}:{obj.pk}"


def test_each_number_of_the_dashboard_is_the_count_of_its_list(world: World) -> None:
    c = world.cast
    client = Client()
    client.force_login(c.platform_admin)
    seen: dict[str, set[int]] = {}
    for name in NODES:
        for params in _periods():
            response = client.get(
                reverse("reports:dashboard"), {"node": _node_key(c, name), **params}
            )
            assert response.status_code == 200
            f, links = response.context["f"], response.context["links"]
            pairs: tuple[tuple[str, str], ...] = COUNTED + (
                UNIT_ONLY if f.scope_kind == "unit" else AREA_ONLY
            )
            for attr, link in pairs:
                value = getattr(f, attr)
                assert links[link].replace("&", "&amp;") in response.content.decode(), (name, link)
                assert _count(client, links[link]) == value, (name, params, attr)
                seen.setdefault(attr, set()).add(value)
    # The district's numbers are not all zero: the comparisons above mean something.
    assert all(seen[a] - {0} for a in ("in_service", "reported", "activities")), seen


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
