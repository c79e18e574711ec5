"""Every person's workbench, and every link of their navigation and home page.

Given the cast (with the member also captain of a team, and a report waiting in 晨辉社区),
when each person opens the home page and follows every link of the navigation and of the page,
then no link ends on a 4xx or 5xx: the menu offers only what the post can do."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from gongjian.core import cn
from gongjian.core.workbench import WAITING, providers, workbench_for
from gongjian.reporting import services as reporting_services
from gongjian.service.models import Team
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db

PEOPLE = (
    "platform_admin",
    "district_admin",
    "street_admin",
    "community_secretary",
    "grid_leader",
    "unit_admin",
    "member",
    "outsider",
)
# Links that change state, or leave for a file, are not "walked" with GET.
# A page that opens only to say the post cannot use it is a dead end too.
REFUSED = "您的岗位不"
SKIP = re.compile(r"^/(accounts/logout|admin/|i18n/)|\.(pdf|png|xlsx|docx)$|/export/")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not SKIP.search(href.split("?")[0]):
                self.hrefs.append(href.split("#")[0])


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.hrefs))


@pytest.fixture
def world(cast: Cast) -> Cast:
    Team.objects.create(name="晨辉先锋队", captain=cast.member_record, area=cast.chenhui)
    reporting_services.member_report_submit(
        actor=cast.member, community=cast.chenhui.pk, grid=cast.chenhui_grid1.pk
    )
    return cast


@pytest.mark.parametrize("person", PEOPLE)
def test_every_link_of_the_navigation_and_home_page_opens(world: Cast, person: str) -> None:
    client = Client()
    client.force_login(world.people[person])
    home = client.get("/")
    assert home.status_code == 200
    links = links_of(home.content.decode())
    assert links, "the home page links somewhere"
    broken: dict[str, int | str] = {}
    for href in links:
        response = client.get(href)
        if response.status_code >= 400:
            broken[href] = response.status_code
        elif response.status_code == 200 and REFUSED in response.content.decode():
            broken[href] = "a refusal"
    assert broken == {}


def test_every_app_with_a_workbench_is_found() -> None:
    labels = {label for label, _fn in providers()}
    assert {
        "orgs",
        "reporting",
        "service",
        "study",
        "inspection",
        "evaluation",
        "cobuild",
        "consult",
    } <= labels


def test_every_framework_name_on_the_framework_list_opens(cast: Cast) -> None:
    from gongjian.evaluation.models import Framework

    # the seeded shared templates (五双五型 …) and a district's own
    Framework.objects.create(code="sf-own", name="示范区六型机关", area=cast.district)
    client = Client()
    client.force_login(cast.district_admin)
    page = client.get("/evaluation/frameworks/").content.decode()
    links = [h for h in links_of(page) if re.match(r"^/evaluation/frameworks/\d+/$", h)]
    assert len(links) >= 2
    for href in links:
        assert client.get(href).status_code == 200
    assert "wushuang-wuxing" not in page  # an internal code is not shown


def test_the_secretary_sees_the_report_waiting_and_its_count_links_to_it(world: Cast) -> None:
    bench = workbench_for(actor=world.community_secretary, today=timezone.localdate())
    waiting = {i.label: i for i in bench.sections.get(WAITING, [])}
    item = waiting["待确认的党员报到"]
    assert item.count == 1
    client = Client()
    client.force_login(world.community_secretary)
    page = client.get(item.url)
    assert page.status_code == 200
    assert "李晓东" in page.content.decode()


def test_the_member_sees_their_report_hours_and_team(world: Cast) -> None:
    client = Client()
    client.force_login(world.member)
    html = client.get("/").content.decode()
    assert "我的报到" in html
    assert "待确认" in html
    assert "今年服务时长" in html
    assert "晨辉先锋队" in html


def test_nothing_waiting_is_said_once(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.outsider)
    html = client.get("/").content.decode()
    assert "眼下没有等您处理的事项" in html


def test_dates_and_figures_in_chinese() -> None:
    today = dt.date(2026, 12, 1)
    assert cn.cn_date(dt.date(2026, 12, 1), today=today) == "12月1日"
    assert cn.cn_date(dt.date(2025, 3, 9), today=today) == "2025年3月9日"
    assert cn.cn_date(dt.date(2026, 12, 1), full=True, weekday=True, today=today) == (
        "2026年12月1日（周二）"
    )
    assert cn.wan(32014.5) == "3.2万"
    assert cn.wan(10000) == "1万"
    assert cn.wan(9999) == "9999"
    assert cn.wan(250_000_000) == "2.5亿"
    assert cn.wan(None) == "—"
