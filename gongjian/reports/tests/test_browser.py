"""A browser opens the dashboard and sees the charts drawn by ECharts (served from the app)."""

from __future__ import annotations

from typing import Any

import pytest

from gongjian.conftest import browser_login
from gongjian.reports.tests.world import build_world
from gongjian.testing.cast import PASSWORD, Cast


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts(browser_page: Any, cast: Cast) -> None:
    build_world(cast)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, "district", PASSWORD)
    page.goto("/reports/")
    for chart in ("#chart-months", "#chart-categories", "#chart-units-top"):
        canvas = page.wait_for_selector(f"{chart} canvas")
        box = canvas.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
    assert page.evaluate("typeof window.echarts") == "object"
    # Pixels were drawn: the month chart's canvas is not blank.
    drawn = page.evaluate(
        """() => { const c = document.querySelector('#chart-months canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
    )
    assert drawn > 1000
    # The meeting-room screen.
    page.click("#screen-link")
    page.wait_for_selector("body.screen #chart-months canvas")
