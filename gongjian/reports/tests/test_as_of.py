"""A past period's figures are those of its end (ADR 0030): a transfer recorded today with an
earlier effective date, and a member who left the service this year, change this year's
figures from their day on and leave last year's dashboard and briefing as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongjian.orgs.services import member_transfer, member_update
from gongjian.reports import briefing_text, figures
from gongjian.reports.types import Figures, period_of
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _unit(c: Cast, unit: object, kind: str) -> Figures:
    today = timezone.localdate()
    node = figures.node_get_for(c.platform_admin, f"unit:{unit.pk}")  # type: ignore[attr-defined]
    return figures.figures_for(c.platform_admin, node, period_of(kind, today=today))


def _area(c: Cast, area: object, kind: str) -> Figures:
    today = timezone.localdate()
    node = figures.node_get_for(c.platform_admin, f"area:{area.pk}")  # type: ignore[attr-defined]
    return figures.figures_for(c.platform_admin, node, period_of(kind, today=today))


def test_last_years_figures_and_briefing_ignore_this_years_moves(cast: Cast) -> None:
    c = cast
    today = timezone.localdate()
    first = dt.date(today.year, 1, 1)
    before = {
        name: (_unit(c, u, "last_year").in_service, _unit(c, u, "this_year").in_service)
        for name, u in (("tax", c.tax), ("justice", c.justice))
    }
    assert before == {"tax": (2, 2), "justice": (1, 1)}
    # Recorded today: 王静 moved to 区司法局 from the year's first day; 赵敏 left the service.
    member_transfer(
        actor=c.platform_admin,
        member=c.tax_colleague.public_id,
        to_org=c.justice_branch.pk,
        effective_on=first,
    )
    member_update(
        actor=c.platform_admin,
        member=c.justice_member.public_id,
        in_service=False,
        unit=None,
        effective_on=first,
    )
    last_tax, last_justice = _unit(c, c.tax, "last_year"), _unit(c, c.justice, "last_year")
    now_tax, now_justice = _unit(c, c.tax, "this_year"), _unit(c, c.justice, "this_year")
    assert (last_tax.in_service, last_justice.in_service) == (2, 1)
    assert (now_tax.in_service, now_justice.in_service) == (1, 1)
    assert last_tax.members == 2  # the roll of 区税务局 on last year's last day
    assert now_tax.members == 1
    # The district: last year 3 in service, now 2; its ranking rows agree with each unit.
    last_district = _area(c, c.district, "last_year")
    assert last_district.in_service == 3
    assert {r.id: r.in_service for r in last_district.unit_ranking} == {
        c.tax.pk: 2,
        c.justice.pk: 1,
    }
    assert _area(c, c.district, "this_year").in_service == 2
    # The briefing says last year's roster, dated at its end.
    draft = briefing_text.compose(last_tax)
    text = draft.lead + "".join(p for s in draft.sections for p in s.paragraphs)
    assert f"截至{today.year - 1}年12月31日，本单位纳入平台管理的党组织" in text
    assert "其中在职党员2名" in text
    now_text = "".join(p for s in briefing_text.compose(now_tax).sections for p in s.paragraphs)
    assert "其中在职党员1名" in now_text


def test_a_community_counts_the_residents_who_lived_there_then(cast: Cast) -> None:
    c = cast
    today = timezone.localdate()
    # 李晓东 lives in 晨辉社区; the community's roster of last year and of today both count him
    # (he has no confirmed report: in service, not reported).
    assert _area(c, c.chenhui, "last_year").in_service == 1
    member = c.member_record
    member.home_community, member.home_grid = c.xingguang, None
    member.history_on = dt.date(today.year, 1, 1)
    member.save()
    assert _area(c, c.chenhui, "last_year").in_service == 1
    assert _area(c, c.chenhui, "this_year").in_service == 0
    assert _area(c, c.xingguang, "this_year").in_service == 3
    assert _area(c, c.xingguang, "last_year").in_service == 2


def test_community_and_grid_briefings_state_their_residents(cast: Cast) -> None:
    """晨辉社区 has one in-service resident (李晓东, of 区税务局, in its first grid): its briefing
    and its grid's say so, rather than that no one there has to report."""
    c = cast
    for area in (c.chenhui, c.chenhui_grid1):
        f = _area(c, area, "this_year")
        assert f.in_service == 1
        draft = briefing_text.compose(f)
        text = draft.lead + "".join(p for s in draft.sections for p in s.paragraphs)
        assert f"{area.name}1名在职党员中已有0名到居住社区报到" in text
        assert "暂无需报到的在职党员" not in text
