"""Figures into the formal Chinese of a district's work briefing. Pure: no Django, so it is
tested and reused alone. Every number in the text comes from a `Figures`; none is typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongjian.reports.types import Figures, UnitRank

NUMERALS = "一二三四五六七八九十"


def num(n: int | float) -> str:
    """Counts as digits; hours with one decimal only where they have one."""
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


def headline(f: Figures) -> str:
    """The lead sentence: the period's headline figures."""
    subject = where(f)
    if f.in_service:
        reporting = (
            f"{when(f)}，{subject}{num(f.in_service)}名在职党员中已有{num(f.reported)}名"
            f"到居住社区报到，报到率{pct(f.reporting_rate)}"
        )
    else:
        reporting = f"{when(f)}，{subject}"
    sentence = f"{reporting}；{_service_clause(f)}"
    if f.has_cobuild and (f.resources or f.demands):
        sentence += (
            f"；{num(f.resource_units)}家单位认领资源{num(f.resources)}项，"
            f"{num(f.demand_communities)}个社区提出需求{num(f.demands)}项"
        )
    return sentence + "。"


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    chart: str = ""  # months, categories, units: which chart goes under it


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


def compose(f: Figures) -> Draft:
    """The whole briefing: a title, the lead, a section per line of work, the units' table."""
    sections: list[Section] = []
    sections.append(
        Section(
            "组织体系和党员队伍",
            [
                f"截至{f.as_of.year}年{f.as_of.month}月{f.as_of.day}日，{where(f)}纳入平台管理的"
                f"机关单位{num(f.units)}个、党组织{num(f.party_orgs)}个、党员{num(f.members)}名，"
                f"其中在职党员{num(f.in_service)}名。"
            ],
        )
    )
    reporting = []
    if f.in_service:
        reporting.append(
            f"{when(f)}，{where(f)}{num(f.in_service)}名在职党员中已有{num(f.reported)}名到居住"
            f"社区报到，报到率{pct(f.reporting_rate)}；另有{num(f.pending)}名已提交报到、"
            f"待社区确认。"
        )
    else:
        reporting.append(f"{where(f)}暂无需报到的在职党员。")
    if f.scope_kind != "unit":
        reporting.append(
            f"各社区累计确认党员报到{num(f.reports_received)}人，"
            f"单位党组织与社区结对{num(f.pairings)}对。"
        )
    else:
        reporting.append(f"本单位党组织与社区结对{num(f.pairings)}对。")
    sections.append(Section("“双报到”工作", reporting, chart="units"))
    if f.has_service:
        service = [f"{when(f)}，{where(f)}{_service_clause(f)}。"]
        parts = [
            f"{c.name}类{num(c.activities)}场次、{num(c.person_times)}人次"
            for c in f.categories
            if c.activities or c.person_times
        ]
        if parts:
            service.append("按服务类别分，" + "，".join(parts) + "。")
        busiest = max(f.months, key=lambda m: m.person_times, default=None)
        if busiest is not None and busiest.person_times:
            year, month = busiest.month.split("-")
            service.append(
                f"从月度看，{int(year)}年{int(month)}月参与人次最多，"
                f"达{num(busiest.person_times)}人次。"
            )
        sections.append(Section("志愿服务", service, chart="months"))
    if f.has_cobuild:
        cobuild = [
            f"{where(f)}{num(f.resource_units)}家单位认领资源{num(f.resources)}项，"
            f"{num(f.demand_communities)}个社区提出需求{num(f.demands)}项。"
            f"{when(f)}，经组织搭桥、精准对接，确认配对{num(f.matched)}对，"
            f"签订共建协议{num(f.signed)}份，完成共建项目{num(f.projects_finished)}个，"
            f"另有{num(f.projects_active)}个项目正在实施。"
        ]
        sections.append(Section("直联共建", cobuild))
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
    return Draft(
        title=f"{f.scope_name}党建共建工作简报",
        subtitle=f"（{f.period.label}）",
        lead=headline(f),
        sections=[
            Section(f"{NUMERALS[i]}、{s.heading}", s.paragraphs, s.chart)
            for i, s in enumerate(sections)
        ],
        top_units=draft_top,
        bottom_units=draft_bottom,
    )
