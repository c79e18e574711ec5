"""The briefing as an office sends it: 红头 with 期号, 编发单位 and date, the body where the
template says, 版记, page numbers, document properties naming the office; read back with
python-docx. Its sentences fit each scope level and none is said twice."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from docx import Document

from gongjian.reports import briefing, briefing_template, briefing_text
from gongjian.reports.models import BriefingIssue
from gongjian.reports.services import rollups_refresh
from gongjian.reports.tests.world import World, build_world
from gongjian.reports.types import (
    CategoryFigure,
    Figures,
    MonthFigure,
    UnitRank,
    period_of,
)
from gongjian.testing.cast import Cast

OFFICE = "中共示范区委直属机关工作委员会"


@pytest.fixture
def world(cast: Cast) -> World:
    w = build_world(cast)
    rollups_refresh()
    return w


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _download(world: World, **params: str) -> Any:
    client = Client()
    client.force_login(world.cast.district_admin)
    response = client.get(reverse("reports:briefing_docx"), params)
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def _texts(doc: object) -> list[str]:
    return [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]


def test_the_red_header_issue_number_office_date_and_imprint(world: World) -> None:
    doc = _download(world)
    today = timezone.localdate()
    date = f"{today.year}年{today.month}月{today.day}日"
    paragraphs = doc.paragraphs
    # 红头: the name in red, 第1期, then the office and the date above a red rule
    assert paragraphs[0].text == "党建共建工作简报"
    assert str(paragraphs[0].runs[0].font.color.rgb) == briefing_template.RED
    assert paragraphs[1].text == "第1期"
    assert paragraphs[2].text == f"{OFFICE}\t{date}"
    rule = paragraphs[2]._p.find(f"{W_NS}pPr/{W_NS}pBdr/{W_NS}bottom")
    assert rule is not None
    assert rule.get(f"{W_NS}color") == briefing_template.RED
    texts = _texts(doc)
    # The body where {{正文}} was, between the header and the imprint
    title = texts.index("示范区党建共建工作简报")
    imprint = next(i for i, t in enumerate(texts) if t.startswith("报送："))
    assert 2 < title < imprint
    assert texts[imprint + 1].startswith("发送：")
    assert texts[imprint + 2] == f"{OFFICE}\t{date}印发"
    assert not any("{{" in t for t in texts)
    # Page numbers: a PAGE field in the footer
    footer = doc.sections[0].footer.paragraphs[0]
    codes = [e.text for e in footer._p.iter(f"{W_NS}instrText")]
    assert codes == [" PAGE "]
    assert footer.text.startswith("— ")
    assert footer.text.endswith(" —")
    # The file's properties: the office, today, not python-docx's
    props = doc.core_properties
    assert props.author == OFFICE
    assert props.last_modified_by == OFFICE
    assert props.title == "示范区党建共建工作简报"
    assert props.created is not None
    assert props.created.date() >= today - dt.timedelta(days=1)
    assert "python-docx" not in (props.comments or "")
    assert props.revision == 1
    # No paragraph twice
    body = [t for t in texts[title:imprint] if t.strip()]
    assert len(body) == len(set(body)), [t for t in body if body.count(t) > 1]
    # The next download is the next issue
    again = _download(world)
    assert again.paragraphs[1].text == "第2期"
    assert list(BriefingIssue.objects.values_list("number", flat=True)) == [2, 1]


def test_an_office_replaces_the_template(world: World, tmp_path: object) -> None:
    own = Document()
    own.add_paragraph("示范区机关党建简报 {{期号}}")
    own.add_paragraph("{{编发单位}}办公室编")
    own.add_paragraph("{{正文}}")
    own.add_paragraph("（内部资料 注意保存）")
    path = f"{tmp_path}/own.docx"
    own.save(path)
    with override_settings(BRIEFING_TEMPLATE=path, DOCUMENT_ISSUER="示范区委组织部"):
        doc = _download(world)
    texts = _texts(doc)
    assert texts[0] == "示范区机关党建简报 第1期"
    assert texts[1] == "示范区委组织部办公室编"
    assert texts[-1] == "（内部资料 注意保存）"
    assert "示范区党建共建工作简报" in texts
    assert doc.core_properties.author == "示范区委组织部"


def test_a_template_without_the_body_marker_is_refused(tmp_path: object) -> None:
    own = Document()
    own.add_paragraph("{{简报名称}}")
    path = f"{tmp_path}/bad.docx"
    own.save(path)
    f = _figures("district", "示范区")
    with pytest.raises(briefing.TemplateInvalid, match="正文"):
        briefing.write_docx(f, office=OFFICE, template=path)  # type: ignore[arg-type]


def _figures(kind: str, name: str, *, in_service: int = 40, activities: int = 6) -> Figures:
    today = dt.date(2026, 12, 1)
    return Figures(
        scope_key=f"x:{kind}",
        scope_name=name,
        scope_kind=kind,
        period=period_of("this_year", today=today),
        as_of=today,
        units=3,
        party_orgs=5,
        members=80,
        in_service=in_service,
        reported=in_service // 2,
        pending=3,
        reports_received=20,
        pairings=2,
        has_service=True,
        activities=activities,
        person_times=activities * 5,
        people=12 if activities else 0,
        hours=activities * 7.5,
        households=4,
        categories=[CategoryFigure("green", "生态绿", "#2e7d32", activities, activities * 5)],
        months=[MonthFigure("2026-05", activities, activities * 5, activities * 7.5)],
        has_cobuild=True,
        resources=4,
        resource_units=2,
        demands=3,
        demand_communities=1 if kind in ("community", "grid") else 2,
        matched=2,
        signed=1,
        projects_active=1,
        projects_finished=1,
        unit_ranking=[UnitRank(1, "A", "区税务局", 20, 10), UnitRank(2, "B", "区司法局", 20, 5)]
        if kind != "unit"
        else [UnitRank(1, "A", name, 40, 20)],
    )


LEVELS = [
    ("all", "全部"),
    ("district", "示范区"),
    ("street", "青禾街道"),
    ("community", "晨辉社区"),
    ("grid", "晨辉社区第一网格"),
    ("unit", "区税务局"),
]


def _sentences(draft: briefing_text.Draft) -> list[str]:
    texts = [draft.lead] + [p for s in draft.sections for p in s.paragraphs]
    return [s for t in texts for s in re.split(r"(?<=。)", t) if s.strip()]


@pytest.mark.parametrize(("kind", "name"), LEVELS)
@pytest.mark.parametrize("in_service", [40, 0])
def test_every_scope_level_reads_right_and_says_nothing_twice(
    kind: str, name: str, in_service: int
) -> None:
    f = _figures(kind, name, in_service=in_service)
    draft = briefing_text.compose(f)
    sentences = _sentences(draft)
    assert len(sentences) == len(set(sentences)), sentences
    text = "".join(sentences)
    # No subject left hanging before a semicolon (今年以来，晨辉社区；累计开展…)
    assert not re.search(r"，[^，；。]*(社区|网格|街道|区|局|全市)；", text), text
    if kind in ("community", "grid"):
        assert "各社区" not in text
        assert "个社区提出需求" not in text
        assert f"{name}提出需求3项" in text
    if kind == "unit":
        assert "本单位" in text
        assert "家单位认领资源" not in text
        assert "机关单位" not in text
    if kind in ("district", "street", "all"):
        assert "各社区累计确认党员报到20人" in text
    if in_service == 0:
        # A unit's lead counts the activities its members attended (docs/figures.md)
        did = "本单位党员参加志愿服务活动" if kind == "unit" else "累计开展志愿服务活动"
        assert draft.lead.startswith(f"今年以来，{briefing_text.where(f)}{did}6场次")


def test_a_period_without_activities_has_no_service_section() -> None:
    f = _figures("community", "晨辉社区", activities=0)
    draft = briefing_text.compose(f)
    assert "本期暂未开展志愿服务活动" in draft.lead
    assert not any("志愿服务" in s.heading for s in draft.sections)
    sentences = _sentences(draft)
    assert len(sentences) == len(set(sentences))


def test_other_apps_figures_are_sections_of_their_own_numbered_on() -> None:
    from decimal import Decimal

    from gongjian.core.figures import Figure

    # Given the consult and mobilise groups of figures, and a group of zeros
    f = _figures("district", "示范区")
    groups = [
        (
            "协商议事",
            [
                Figure("consult.consultations_held", "开展协商议政", 45, "次", "/c/?a=1"),
                Figure("consult.suggestions_made", "提出意见建议", 240, "条", "/s/?a=1"),
                Figure("consult.on_time_rate", "按期答复率", Decimal("92.456"), "%", "/s/?o=1"),
                Figure("consult.unrated", "待评价", 0, "条", "/s/?r=0"),
            ],
        ),
        ("下沉动员", [Figure("mobilise.hours", "值守时长", 12.5, "小时", "/m/")]),
        ("网格工作", [Figure("grid.visits", "入户走访", 0, "次", "/g/")]),
    ]
    draft = briefing_text.compose(f, groups)
    headings = [s.heading for s in draft.sections]
    # Then each group with something to say is a section after co-building, zeros said nowhere
    assert "五、协商议事" in headings
    assert "六、下沉动员" in headings
    assert not any("网格工作" in h for h in headings)
    consult = next(s for s in draft.sections if s.heading.endswith("协商议事"))
    assert consult.paragraphs == [
        "今年以来，全区开展协商议政45次，提出意见建议240条，按期答复率92.5%。"
    ]
    # and each figure said keeps the link to its list
    assert consult.links[1] == ("提出意见建议240条", "/s/?a=1")
    assert "待评价" not in "".join(consult.paragraphs)
    sentences = _sentences(draft)
    assert len(sentences) == len(set(sentences))


def test_sections_past_ten_are_numbered_in_chinese() -> None:
    from gongjian.core.cn import numeral

    assert [numeral(n) for n in (1, 9, 10, 11, 12, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十二", "二十", "二十一", "九十九"
    ]  # fmt: skip


def test_the_downloaded_briefing_says_the_consultation_figures(world: World) -> None:
    from gongjian.consult.tests.helpers import suggestion
    from gongjian.reports import selectors

    # Given a member's suggestion this year
    suggestion(world.cast)
    # When the district administrator downloads this year's briefing and opens its preview
    doc = _download(world)
    text = "".join(_texts(doc))
    client = Client()
    client.force_login(world.cast.district_admin)
    html = client.get(reverse("reports:briefing")).content.decode().replace("&amp;", "&")
    # Then both say the consultation figures as the figures functions count them, the
    # preview linking each to its list
    node, period = selectors.selection_for(world.cast.district_admin)
    consult = dict(selectors.app_figures(world.cast.district_admin, node, period))["协商议事"]
    made = next(x for x in consult if x.key == "consult.suggestions_made")
    assert made.value == 1
    assert "协商议事" in text
    assert "提出意见建议1条" in text
    assert f'<a href="{made.url}">提出意见建议1条</a>' in html


def test_a_district_with_villages_says_villages() -> None:
    # Given a district whose communities are villages and communities
    f = _figures("district", "示范区")
    f.community_word = "村（社区）"
    text = "".join(_sentences(briefing_text.compose(f)))
    # Then the briefing names them so, never "各社区"
    assert "各村（社区）累计确认党员报到20人" in text
    assert "2个村（社区）提出需求3项" in text
    assert "各社区" not in text


def test_the_communities_word_follows_their_local_kinds(cast: Cast) -> None:
    from gongjian.orgs.models import Area
    from gongjian.orgs.selectors import local_word
    from gongjian.reports import figures

    district = cast.district
    assert local_word(Area.Kind.COMMUNITY, under=district.path) == "社区"
    # When one community of the district is a village
    Area.objects.filter(pk=cast.chenhui.pk).update(local_kind=Area.LocalKind.VILLAGE)
    # Then the district's figures call its communities 村（社区）, a unit's stay 社区
    assert local_word(Area.Kind.COMMUNITY, under=district.path) == "村（社区）"
    node = figures.node_get_for(cast.district_admin, f"area:{district.pk}")
    year = period_of("this_year", today=timezone.localdate())
    f = figures.figures_for(cast.district_admin, node, year, cached=False)
    assert f.community_word == "村（社区）"
