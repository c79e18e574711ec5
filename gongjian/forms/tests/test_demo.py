"""The demo's two forms have a year of returns in every state, obey every rule, and their
roll-ups are the approved returns'."""

from __future__ import annotations

from collections import Counter

import pytest

from gongjian.forms import demo, selectors
from gongjian.forms.models import Answer, Approval, Form, Return
from gongjian.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_forms() -> None:
    # Given the orgs demo at 5% of the members, when the forms demo is built
    ctx = orgs_demo.build_orgs(seed=7, scale=0.05)
    demo.build(ctx)

    monthly = Form.objects.get(title=demo.MONTHLY)
    quarterly = Form.objects.get(title=demo.QUARTERLY)
    # a year of months (and this one), four quarters
    assert monthly.rounds.count() == 13
    # the design changed during the year: the last three months use version 2
    assert monthly.version == 2
    versions = list(monthly.rounds.order_by("start").values_list("version", flat=True))
    assert versions == [1] * 10 + [2] * 3
    assert "households" in {f.code for f in selectors.fields_of(monthly, 2)}
    assert "households" not in {f.code for f in selectors.fields_of(monthly, 1)}
    assert {f.label for f in selectors.fields_of(monthly, 1)} >= {"工作亮点"}
    assert {f.label for f in selectors.fields_of(monthly, 2)} >= {"工作亮点和问题"}
    assert quarterly.rounds.count() == 4
    # returns in every state, some late, some corrected with a reason, some street totals
    states = Counter(Return.objects.values_list("status", flat=True))
    assert set(states) == set(Return.Status.values)
    assert Return.objects.filter(on_time=False).exists()
    assert Return.objects.filter(status="returned").exclude(reason="").exists()
    assert Answer.objects.exclude(reason="").exists()
    assert Approval.objects.filter(round__form=monthly).exists()
    # an answer counts exactly when its return is approved
    assert not Answer.objects.filter(counted=True).exclude(ret__status="approved").exists()
    assert not Answer.objects.filter(counted=False, ret__status="approved").exists()
    # last month's chase list is not empty; the district's total is its approved returns'
    last = monthly.rounds.order_by("-start")[1]
    assert selectors.chase_list(actor=ctx.users["district"], round=last.pk).exists()
    closed = monthly.rounds.order_by("-start")[3]
    fields = selectors.fields_of(monthly, closed.version)
    in_service = next(f for f in fields if f.code == "in_service")
    tally, _ = selectors.rollup(rnd=closed, path=ctx.district.path, fields=fields)
    expected = sum(
        a.number or 0
        for a in Answer.objects.filter(field=in_service, ret__round=closed, ret__status="approved")
    )
    assert expected > 0
    assert tally.totals[in_service.pk] == expected
    assert tally.expected == closed.returns.count()
