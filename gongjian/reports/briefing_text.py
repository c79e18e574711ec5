"""Figures into the formal Chinese of a district's work briefing. Pure: no Django, so it is
tested and reused alone. Every number in the text comes from a `Figures`; none is typed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from gongjian.core.cn import numeral
from gongjian.reports.types import Figures, UnitRank


class AppFigure(Protocol):
    """One figure of another app (`gongjian.core.figures.Figure`): its label, value and unit."""

    @property
    def label(self) -> str: ...
    @property
    def value(self) -> int | Decimal | float: ...
    @property
    def unit(self) -> str: ...
    @property
    def url(self) -> str: ...


AppGroups = Sequence[tuple[str, Sequence[AppFigure]]]


def num(n: int | float | Decimal) -> str:
    """Counts as digits; hours with one decimal only where they have one."""
    if isinstance(n, Decimal):
        n = int(n) if n == n.to_integral_value() else float(n)
    if isinstance(n, float):
        return f"{n:.1f}".rstrip("0").rstrip(".") if n != int(n) else str(int(n))
    return str(n)


def pct(rate: float | None) -> str:
    if rate is None:
        return "—"
    value = rate * 100
    return "100%" if value >= 100 else f"{value:.1f}%"


def when(f: Figures) -> str:
    """The period as a briefing opens it: 今年以来, 本月, 2026年5月, 2025年 …"""
    p = f.period
    if p.kind == "this_year":
        return "今年以来"
    if p.kind == "this_month":
        return "本月以来"
    if p.kind in ("last_month", "last_year"):
        return p.label
    return f"{p.label}期间"


def where(f: Figures) -> str:
    """The scope as the subject of a sentence: 全区, 青禾街道, 区税务局."""
    if f.scope_kind == "district":
        return "全区"
    if f.scope_kind == "all":
        return "全市"
    return f.scope_name


def _service_clause(f: Figures) -> str:
    if not f.has_service or not f.activities:
        text = "本期暂未开展志愿服务活动"
    elif f.scope_kind == "unit":
        text = (
            f"本单位党员参加志愿服务活动{num(f.activities)}场次、{num(f.person_times)}人次"
            f"（{num(f.people)}人），服务时长{num(f.hours)}小时（其中已确认"
            f"{num(f.hours_confirmed)}小时）；本单位组织开展活动"
            f"{num(f.activities_organised)}场次"
        )
    else:
        text = (
            f"累计开展志愿服务活动{num(f.activities)}场次，参与党员{num(f.person_times)}人次"
            f"（{num(f.people)}人），服务时长{num(f.hours)}小时（其中已确认"
            f"{num(f.hours_confirmed)}小时）"
        )
    if f.has_service and f.activities and f.households:
        text += f"，入户走访{num(f.households)}户"
    if f.has_service and f.activities_planned:
        text += f"；另有{num(f.activities_planned)}场次已发布、尚未开展"
    return text


def _local(f: Figures) -> bool:
    """A community or a grid: one place, not "各社区"."""
    return f.scope_kind in ("community", "grid")


def _cobuild_clause(f: Figures) -> str:
    """The resources and demands, as each scope level says them."""
    if f.scope_kind == "unit":
        return f"本单位认领资源{num(f.resources)}项"
    if _local(f):
        return f"{where(f)}提出需求{num(f.demands)}项，辖区单位认领资源{num(f.resources)}项"
    return (
        f"{num(f.resource_units)}家单位认领资源{num(f.resources)}项，"
        f"{num(f.demand_communities)}个{f.community_word}提出需求{num(f.demands)}项"
    )


def headline(f: Figures) -> str:
    """The lead sentence: the period's headline figures, each said once here and not again in
    the sections below it."""
    subject = where(f)
    if f.in_service:
        sentence = (
            f"{when(f)}，{subject}{num(f.in_service)}名在职党员中已有{num(f.reported)}名"
            f"到居住社区报到，报到率{pct(f.reporting_rate)}；{_service_clause(f)}"
        )
    else:
        sentence = f"{when(f)}，{subject}{_service_clause(f)}"
    if f.has_cobuild and (f.resources or f.demands):
        sentence += f"；{_cobuild_clause(f)}"
    return sentence + "。"


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    chart: str = ""  # months, categories, units: which chart goes under it
    links: list[tuple[str, str]] = field(default_factory=list)  # (figure said, its list)


@dataclass
class Draft:
    title: str
    subtitle: str
    lead: str
    sections: list[Section] = field(default_factory=list)
    top_units: list[list[str]] = field(default_factory=list)
    bottom_units: list[list[str]] = field(default_factory=list)
    unit_header: list[str] = field(
        default_factory=lambda: ["名次", "单位", "在职党员", "已报到", "报到率", "服务人次"]
    )


def _unit_rows(f: Figures, rows: list[UnitRank], start: int, step: int) -> list[list[str]]:
    return [
        [
            str(start + step * i),
            u.name,
            num(u.in_service),
            num(u.reported),
            pct(u.rate),
            num(u.person_times),
        ]
        for i, u in enumerate(rows)
    ]


def _organisation(f: Figures) -> str:
    as_of = f"截至{f.as_of.year}年{f.as_of.month}月{f.as_of.day}日"
    if f.scope_kind == "unit":
        return (
            f"{as_of}，本单位纳入平台管理的党组织{num(f.party_orgs)}个、党员{num(f.members)}名，"
            f"其中在职党员{num(f.in_service)}名。"
        )
    place = f"{where(f)}辖区" if _local(f) else where(f)
    return (
        f"{as_of}，{place}纳入平台管理的机关单位{num(f.units)}个、党组织{num(f.party_orgs)}个、"
        f"党员{num(f.members)}名，其中在职党员{num(f.in_service)}名。"
    )


def _reporting(f: Figures) -> list[str]:
    """The 双报到 section: what the lead has not said (pending reports, confirmations,
    pairings), in the words of the scope's level."""
    out = []
    if f.in_service:
        out.append(
            f"在已报到的{num(f.reported)}名党员之外，另有{num(f.pending)}名已提交报到、待社区确认。"
        )
    else:
        out.append(f"{where(f)}暂无需报到的在职党员。")
    if f.scope_kind == "unit":
        out.append(f"本单位党组织与社区结对{num(f.pairings)}对。")
    elif _local(f):
        out.append(
            f"{where(f)}累计确认党员报到{num(f.reports_received)}人，"
            f"与单位党组织结对{num(f.pairings)}对。"
        )
    else:
        out.append(
            f"各{f.community_word}累计确认党员报到{num(f.reports_received)}人，"
            f"单位党组织与{f.community_word}结对{num(f.pairings)}对。"
        )
    return out


def _service(f: Figures) -> list[str]:
    """The service section: the breakdown by category and month (the totals are the lead's)."""
    out = []
    parts = [
        f"{c.name}类{num(c.activities)}场次、{num(c.person_times)}人次"
        for c in f.categories
        if c.activities or c.person_times
    ]
    if parts:
        out.append("按服务类别分，" + "，".join(parts) + "。")
    busiest = max(f.months, key=lambda m: m.person_times, default=None)
    if busiest is not None and busiest.person_times:
        year, month = busiest.month.split("-")
        out.append(
            f"从月度看，{int(year)}年{int(month)}月参与人次最多，"
            f"达{num(busiest.person_times)}人次。"
        )
    if f.activities and f.people:
        out.append(
            f"参与党员人均服务{num(round(f.hours / f.people, 1))}小时、"
            f"{num(round(f.person_times / f.people, 1))}次。"
        )
    return out


def _app_clause(figure: AppFigure) -> str:
    """ "开展协商议政45次", "按期答复率92.5%": the label, the number, its unit."""
    value = figure.value
    if figure.unit == "%":
        return f"{figure.label}{num(round(float(value), 1))}%"
    return f"{figure.label}{num(value)}{figure.unit}"


def app_sections(f: Figures, groups: AppGroups) -> list[Section]:
    """A section for each other app's group of figures that has something to say: one
    sentence of its figures for the period and the scope; a group of zeros is left out."""
    out = []
    for heading, items in groups:
        said = [(_app_clause(x), x.url) for x in items if x.value]
        if said:
            text = f"{when(f)}，{where(f)}" + "，".join(clause for clause, _ in said) + "。"
            out.append(Section(heading, [text], links=said))
    return out


def compose(f: Figures, groups: AppGroups = ()) -> Draft:
    """The whole briefing: a title, the lead, a section per line of work (the other apps'
    `groups` of figures after the ones composed here), the units' table. No sentence is said
    twice: the lead has the headline figures, the sections the rest."""
    sections: list[Section] = [Section("组织体系和党员队伍", [_organisation(f)])]
    sections.append(Section("“双报到”工作", _reporting(f), chart="units"))
    if f.has_service and f.activities:
        sections.append(Section("志愿服务", _service(f), chart="months"))
    if f.has_cobuild:
        cobuild = []
        if not (f.resources or f.demands):
            cobuild.append(f"{when(f)}，{where(f)}暂无资源认领和需求提出。")
        cobuild.append(
            f"经组织搭桥、精准对接，{when(f)}确认配对{num(f.matched)}对，"
            f"签订共建协议{num(f.signed)}份，完成共建项目{num(f.projects_finished)}个，"
            f"另有{num(f.projects_active)}个项目正在实施。"
        )
        sections.append(Section("直联共建", cobuild))
    sections.extend(app_sections(f, groups))
    if len(f.unit_ranking) > 1:
        top, bottom = f.top_units(5), f.bottom_units(5)
        ranking = [
            f"按在职党员报到率排序，{('、'.join(u.name for u in top[:3]))}位居前列"
            f"（报到率分别为{'、'.join(pct(u.rate) for u in top[:3])}）。"
        ]
        if bottom:
            ranking.append(
                f"{'、'.join(u.name for u in bottom[:3])}等单位报到率偏低"
                f"（{'、'.join(pct(u.rate) for u in bottom[:3])}），需加大督促力度。"
            )
        sections.append(Section("单位排名", ranking))
        draft_top = _unit_rows(f, top, 1, 1)
        n = len(f.unit_ranking)
        draft_bottom = _unit_rows(f, bottom, n, -1)
    else:
        draft_top, draft_bottom = [], []
    sections = [s for s in sections if s.paragraphs or s.chart]
    return Draft(
        title=f"{f.scope_name}党建共建工作简报",
        subtitle=f"（{f.period.label}）",
        lead=headline(f),
        sections=[
            Section(f"{numeral(i + 1)}、{s.heading}", s.paragraphs, s.chart, s.links)
            for i, s in enumerate(sections)
        ],
        top_units=draft_top,
        bottom_units=draft_bottom,
    )
