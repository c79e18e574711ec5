"""Each domain app owns its figures (`<app>/figures.py`, the `core.figures` contract): for every
node and period, the figures 双报到, volunteer service and co-building give of themselves equal
the dashboard's, which `reports` composes from the same functions; each is labelled in
Chinese and links to a list of this site."""

from __future__ import annotations

import re

import pytest

from gongjian.core.figures import all_figures, providers
from gongjian.orgs.models import Unit
from gongjian.reports import figures
from gongjian.reports.tests.world import TODAY, World, build_world
from gongjian.reports.types import period_of
from gongjian.testing.cast import Cast

CJK = re.compile(r"[\u4e00-\u9fff]")
NODES = ("district", "qinghe", "chenhui", "chenhui_grid1", "tax", "justice")


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def _node(c: Cast, name: str) -> figures.Node:
    obj = getattr(c, name)
    kind = "unit" if isinstance(obj, Unit) else "area"
    return figures.node_get_for(c.platform_admin, f"{kind}:{obj.pk}")


def test_the_three_apps_offer_their_figures() -> None:
    assert {"reporting", "service", "cobuild"} <= {label for label, _fn in providers()}


@pytest.mark.parametrize("period_kind", ["this_year", "last_month", "last_year"])
def test_each_apps_figures_equal_the_dashboards(world: World, period_kind: str) -> None:
    c = world.cast
    period = period_of(period_kind, today=TODAY)
    for name in NODES:
        # Given the dashboard's figures of a node, counted from the raw tables
        node = _node(c, name)
        f = figures.figures_for(c.platform_admin, node, period, today=TODAY, rollups=False)

        # When each app is asked for its own figures of the same scope and period
        got = all_figures(actor=c.platform_admin, scope=figures.scope_of(node), period=period)
        values = {key: figure.value for key, figure in got.items()}

        # Then they say the same
        expected = {
            "reporting.in_service": f.in_service,
            "reporting.reported": f.reported,
            "reporting.pending": f.pending,
            "reporting.pairings": f.pairings,
            "service.activities": f.activities,
            "service.person_times": f.person_times,
            "service.people": f.people,
            "service.households": f.households,
            "cobuild.resources": f.resources,
            "cobuild.resource_units": f.resource_units,
            "cobuild.demands": f.demands,
            "cobuild.demand_communities": f.demand_communities,
            "cobuild.matched": f.matched,
            "cobuild.signed": f.signed,
            "cobuild.projects_finished": f.projects_finished,
            "cobuild.projects_active": f.projects_active,
        }
        if not node.is_unit:
            expected["reporting.reports_received"] = f.reports_received
        assert {k: values[k] for k in expected} == expected, (name, period_kind)
        assert float(values["service.hours"]) == f.hours, (name, period_kind)
        rate = values["reporting.rate"]
        assert float(rate) == pytest.approx(round((f.reporting_rate or 0) * 100, 1))
        # And each is said in Chinese, with a link into this site where there is a list
        for figure in got.values():
            assert CJK.search(figure.label), figure.key
            assert figure.url == "" or figure.url.startswith("/"), figure.key
