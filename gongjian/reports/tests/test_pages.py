"""The dashboard, the API and the briefing say the same figures; the .docx opens and reads
like a district report."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.reports import briefing_text, figures
from gongjian.reports.services import rollups_refresh
from gongjian.reports.tests.world import World, build_world
from gongjian.reports.types import Figures, period_of
from gongjian.testing.cast import Cast


@pytest.fixture
def world(cast: Cast) -> World:
    w = build_world(cast)
    rollups_refresh()
    return w


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _expected(c: Cast, key: str) -> Figures:
    node = figures.node_get_for(c.district_admin, key)
    return figures.figures_for(
        c.district_admin, node, period_of("this_year", today=timezone.localdate())
    )


def test_dashboard_api_and_briefing_agree(world: World) -> None:
    c = world.cast
    key = f"area:{c.district.pk}"
    f = _expected(c, key)
    client = _client(c.district_admin)
    # The page shows the headline and every figure links to a list.
    html = client.get(reverse("reports:dashboard"), {"node": key}).content.decode()
    assert briefing_text.headline(f) in html
    assert f"<b>{f.person_times}</b>参与人次" in re.sub(r"\s+", "", html)
    assert 'id="chart-months"' in html
    assert 'href=""' not in html.split('id="headline"')[1].split("直联共建")[0]
    # The API.
    data = client.get("/api/v1/reports/figures", {"node": key}).json()
    for name in (
        "units",
        "members",
        "in_service",
        "reported",
        "activities",
        "person_times",
        "people",
        "households",
        "resources",
        "demands",
        "matched",
        "signed",
    ):
        assert data[name] == getattr(f, name), name
    assert data["hours"] == f.hours
    # The briefing preview and the document.
    preview = client.get(reverse("reports:briefing"), {"node": key}).content.decode()
    assert briefing_text.headline(f) in preview
    response = client.get(reverse("reports:briefing_docx"), {"node": key})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert briefing_text.headline(f) in text
    assert f"{f.in_service}名在职党员中已有{f.reported}名" in text
    assert f"累计开展志愿服务活动{f.activities}场次，参与党员{f.person_times}人次" in text
    assert len(doc.inline_shapes) >= 2  # the month and category charts
    assert len(doc.tables) >= 1


def test_the_headline_reads_like_the_district_reports(world: World) -> None:
    c = world.cast
    f = _expected(c, f"area:{c.district.pk}")
    text = briefing_text.headline(f)
    # Today is past the July confirmation: two of the three have reported.
    assert text.startswith("今年以来，全区3名在职党员中已有2名到居住社区报到，报到率66.7%；")
    assert f"累计开展志愿服务活动{f.activities}场次" in text
    assert "2家单位认领资源3项，2个社区提出需求3项" in text


def test_a_unit_admin_gets_the_unit_briefing_only(world: World) -> None:
    c = world.cast
    client = _client(c.unit_admin)
    data = client.get("/api/v1/reports/figures").json()
    assert data["scope_key"] == f"unit:{c.tax.pk}"
    assert [u["name"] for u in data["unit_ranking"]] == ["区税务局"]
    nodes = client.get("/api/v1/reports/nodes").json()
    assert [n["key"] for n in nodes] == [f"unit:{c.tax.pk}"]
    refused = client.get("/api/v1/reports/figures", {"node": f"area:{c.district.pk}"})
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"


def test_the_screen_mode_has_no_navigation(world: World) -> None:
    c = world.cast
    html = _client(c.district_admin).get(reverse("reports:dashboard"), {"screen": "1"})
    body = html.content.decode()
    assert 'class="screen"' in body
    assert 'class="nav"' not in body
    assert "echarts.min.js" in body


def test_the_picker_offers_only_nodes_in_scope(world: World) -> None:
    c = world.cast
    html = _client(c.street_admin).get(reverse("reports:dashboard")).content.decode()
    assert "青禾街道" in html
    assert "晨辉社区" in html
    assert "星光社区" not in html
    assert "区司法局" not in html


def test_the_dashboard_shows_every_other_apps_figures_with_their_links(cast: Cast) -> None:
    from gongjian.consult.tests.helpers import suggestion
    from gongjian.core.figures import providers
    from gongjian.reports import selectors

    # Given a member's suggestion this year
    suggestion(cast)
    # When the district administrator opens the dashboard
    response = _client(cast.district_admin).get(reverse("reports:dashboard"))
    html = response.content.decode()
    # Then each app the board does not compose has its section, and consult's figures say 1
    period = period_of("this_year", today=timezone.localdate())
    groups = dict(response.context["app_figures"])
    labels = {label for label, _fn in providers()} - selectors.COMPOSED_HERE
    assert {"consult", "study", "inspection", "grid", "mobilise", "forms"} <= labels
    made = next(
        f for items in groups.values() for f in items if f.key == "consult.suggestions_made"
    )
    assert made.value == 1
    assert f'href="{made.url}"' in html.replace("&amp;", "&")
    for group in groups:
        assert f"<h2>{group}</h2>" in html
    # and the meeting-room screen shows the same figures, with the same links
    screen = _client(cast.district_admin).get(reverse("reports:dashboard"), {"screen": "1"})
    assert "reports/screen.html" in [t.name for t in screen.templates]
    screen_html = screen.content.decode().replace("&amp;", "&")
    assert f'href="{made.url}"' in screen_html
    for group in groups:
        assert f"<h2>{group}</h2>" in screen_html
    # and a unit's dashboard asks the apps for that unit only
    unit_groups = selectors.app_figures(
        cast.district_admin,
        figures.node_get_for(cast.district_admin, f"unit:{cast.tax.pk}"),
        period,
    )
    assert unit_groups
