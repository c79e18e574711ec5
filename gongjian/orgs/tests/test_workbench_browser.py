"""Each role's workbench in Chromium, on a phone and on a desktop.

Given the cast with some work under way, when each of the six roles logs in through the real
page, then their workbench shows what waits for them; on a phone the menu is folded behind 菜单
(44 px targets once opened, nothing wider than the screen), on a desktop it is a row.

With GONGJIAN_SCREENSHOTS set to a folder, each home is saved there
(`<role>-phone.png`, `<role>-desktop.png`): `docs/screenshots/` holds the current ones."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongjian.conftest import CHROMIUM, browser_login
from gongjian.orgs.tests.workbench_world import World, build_world
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# role → what their workbench must show
EXPECTED = {
    "district_admin": ("待办", "报到率"),
    "unit_admin": ("本单位未报到的在职党员", "本单位报到情况"),
    "community_secretary": ("待确认的党员报到", "发布活动"),
    "grid_leader": ("网格居住党员",),
    "team_captain": ("我的服务队：税务先锋服务队", "今年服务时长"),
    "member": ("我的报到", "晨辉社区敬老助餐", "今年服务时长"),
}


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: browser tests did not run"
        if os.environ.get("GONGJIAN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            yield chromium, live_server.url
        finally:
            chromium.close()


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def _open_home(browser: Any, base_url: str, viewport: str, username: str) -> Any:
    chromium = browser
    context = chromium.new_context(
        viewport=VIEWPORTS[viewport], locale="zh-CN", base_url=base_url, device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_login(page, username, PASSWORD)
    page.goto("/")
    page.wait_for_selector(".bench")
    return page


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_roles_workbench_on_a_phone_and_a_desktop(
    world: World, browser: Any, role: str
) -> None:
    chromium, base_url = browser
    user = world.people()[role]
    shots = os.environ.get("GONGJIAN_SCREENSHOTS")
    for viewport in VIEWPORTS:
        page = _open_home(chromium, base_url, viewport, user.username)
        text = page.locator("main").inner_text()
        for expected in EXPECTED[role]:
            assert expected in text, (role, viewport, expected)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{role}-{viewport}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], (role, viewport, width)
        nav = page.locator(".topbar .nav")
        if viewport == "phone":
            # The menu is folded; 菜单 opens it, and its links are 44 px tall
            assert not nav.is_visible()
            page.click(".menu-button")
            assert nav.is_visible()
            heights = page.eval_on_selector_all(
                ".topbar .nav a", "links => links.map(a => a.getBoundingClientRect().height)"
            )
            assert heights
            assert min(heights) >= 44, heights
            for box in page.eval_on_selector_all(
                ".bench-link", "links => links.map(a => a.getBoundingClientRect().height)"
            ):
                assert box >= 44
        else:
            assert nav.is_visible()
            assert not page.locator(".menu-button").is_visible()
        page.context.close()


def test_inputs_are_16px_on_a_phone(world: World, browser: Any) -> None:
    chromium, base_url = browser
    context = chromium.new_context(viewport=VIEWPORTS["phone"], base_url=base_url)
    page = context.new_page()
    page.goto("/accounts/login/")
    size = page.eval_on_selector("#id_login", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 16
    context.close()


def test_a_team_member_is_picked_by_name_on_a_phone(world: World, browser: Any) -> None:
    # Given 区税务局's administrator on the page of the unit's team, on a phone
    from gongjian.service.models import TeamMembership

    chromium, base_url = browser
    context = chromium.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN", base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_login(page, world.cast.unit_admin.username, PASSWORD)
    page.goto(f"/service/teams/{world.team.public_id}/")
    # When they type part of a name and pick the member the search offers
    page.fill("input[name=member_q]", "李晓")
    page.wait_for_selector(".picks input[name=member]")
    assert "区税务局" in page.locator(".picks").inner_text()
    page.check(".picks input[name=member]")
    page.click("text=加入队员")
    page.wait_for_selector(".messages")
    # Then the member is in the team
    assert "已加入李晓东" in page.locator(".messages").inner_text()
    assert TeamMembership.objects.filter(team=world.team, member=world.cast.member_record).exists()
    context.close()
