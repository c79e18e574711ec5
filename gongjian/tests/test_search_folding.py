"""Every list with a search box folds both sides (core.search): a record stored as 陳靜儀 is
found by 陈静仪 and the other way round, full-width letters by half-width ones — through the
list's own declaration, as the page, the export and the API read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models

from gongjian.cobuild import lists as cobuild_lists
from gongjian.cobuild.tests import scope_matrix as cobuild_matrix
from gongjian.consult import lists as consult_lists
from gongjian.consult import selectors as consult_selectors
from gongjian.consult.tests import scope_matrix as consult_matrix
from gongjian.core.lists import ListSpec
from gongjian.core.search import fold
from gongjian.evaluation import lists as evaluation_lists
from gongjian.evaluation import services as evaluation_services
from gongjian.evaluation.tests import scope_matrix as evaluation_matrix
from gongjian.forms import lists as forms_lists
from gongjian.forms.tests import scope_matrix as forms_matrix
from gongjian.grid import lists as grid_lists
from gongjian.grid.tests import scope_matrix as grid_matrix
from gongjian.inspection import lists as inspection_lists
from gongjian.inspection.tests import helpers as inspection_helpers
from gongjian.mobilise import lists as mobilise_lists
from gongjian.mobilise import services as mobilise_services
from gongjian.mobilise.models import Dispatch, Place
from gongjian.mobilise.tests import scope_matrix as mobilise_matrix
from gongjian.orgs import lists as orgs_lists
from gongjian.orgs import selectors as orgs_selectors
from gongjian.orgs.models import Unit
from gongjian.reporting import lists as reporting_lists
from gongjian.service import lists as service_lists
from gongjian.service import selectors as service_selectors
from gongjian.service.tests import scope_matrix as service_matrix
from gongjian.study import lists as study_lists
from gongjian.study.tests import scope_matrix as study_matrix
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db

TRADITIONAL = "陳靜儀紀念館"
SIMPLIFIED = "陈静仪纪念馆"
WIDE = "ＡＢＣ"  # full-width, found by "abc"


@dataclass
class Case:
    """A list, the record whose text is renamed (`obj.field`), and how to tell its rows."""

    rows: Callable[[Cast, str], list[Any]]  # the list's rows for a query
    obj: models.Model
    field: str
    is_target: Callable[[Any], bool]


def _spec(spec: ListSpec, actor: str, data: dict[str, str] | None = None, **url: Any) -> Any:
    def rows(c: Cast, q: str) -> list[Any]:
        return list(spec.rows_for(getattr(c, actor), {**(data or {}), "q": q}, **url))

    return rows


def _pk(obj: models.Model, attr: str = "pk") -> Callable[[Any], bool]:
    def same(row: Any) -> bool:
        value = row
        for part in attr.split("."):
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        return bool(value == obj.pk)

    return same


def _made(
    spec: ListSpec,
    make: Callable[[Cast], Any],
    field: str,
    *,
    shown: Callable[[Cast, Any], models.Model] | None = None,
    url: Callable[[Any], dict[str, Any]] | None = None,
) -> Callable[[Cast], Case]:
    """The list `spec` as the district admin reads it (with the URL arguments `url(row)`),
    and the row `make` makes; the text renamed is `field` of that row, or of `shown(c, row)`
    (the row's unit, its community …)."""

    def case(c: Cast) -> Case:
        made = make(c)
        rows = _spec(spec, "district_admin", **(url(made) if url else {}))
        return Case(rows, shown(c, made) if shown else made, field, _pk(made))

    return case


def _in_campaign(row: Any) -> dict[str, Any]:
    return {"campaign": row.campaign_id}


def _in_mobilisation(row: Any) -> dict[str, Any]:
    return {"mobilisation": row.mobilisation.public_id}


def _consult_attendance(c: Cast) -> Case:
    from django.utils import timezone

    from gongjian.consult.models import Attendance

    con = consult_matrix.consultation(c)
    Attendance.objects.create(
        consultation=con, member=c.member_record, checked_in_at=timezone.now()
    )
    return Case(
        _spec(consult_lists.ATTENDANCES, "district_admin"),
        c.member_record,
        "name",
        lambda r: r.member_id == c.member_record.pk,
    )


def _consult_unit_duties(c: Cast) -> Case:
    def rows(c: Cast, q: str) -> list[Any]:
        return list(consult_selectors.unit_duty_list(actor=c.district_admin, q=q))

    return Case(rows, c.tax, "name", _pk(c.tax))


def _evaluation_result(c: Cast) -> Case:
    camp = evaluation_matrix._published(c)
    spec = _spec(evaluation_lists.RESULTS, "district_admin", campaign=camp.pk)
    return Case(spec, c.tax, "name", _pk(c.tax, "unit_id"))


def _award(c: Cast) -> Any:
    camp = evaluation_matrix._published(c)
    return evaluation_services.award_create(actor=c.district_admin, campaign=camp, unit=c.tax)


def _inspection_place(c: Cast) -> Any:
    place = inspection_helpers.inspection(c).places.first()
    assert place is not None
    return place


def _mobilise_place(c: Cast) -> Any:
    return Place.objects.get(mobilisation=mobilise_matrix.mobilisation(c), name="矩阵村")


def _mobilise_dispatch(c: Cast) -> Any:
    mobilise_matrix.mobilisation(c)
    return Dispatch.objects.get(member=c.member_record)


def _mobilise_group(c: Cast) -> Any:
    m = mobilise_matrix.mobilisation(c)
    return mobilise_services.group_form(
        actor=c.district_admin, mobilisation_id=m.public_id, kind="vanguard_team", name="先锋队"
    )


def _service_team(c: Cast) -> Case:
    team = service_matrix.team(c)

    def rows(c: Cast, q: str) -> list[Any]:
        return list(service_selectors.team_list(actor=c.district_admin, q=q))

    return Case(rows, team, "name", _pk(team))


def _study_compliance(c: Cast) -> Case:
    org = c.tax_branch
    spec = _spec(study_lists.COMPLIANCE, "district_admin", {"year": "2026"})
    return Case(spec, org, "name", _pk(org, "org_id"))


def _member_report(c: Cast) -> Any:
    from gongjian.reporting.tests.scope_matrix import _pending

    return _pending(c)


def _reporting_pairing(c: Cast) -> Any:
    from gongjian.reporting.tests.scope_matrix import _pairing

    return _pairing(c)


def _reporting_rates(c: Cast) -> Case:
    spec = _spec(reporting_lists.RATES["unit"], "district_admin", {"level": "unit"})
    return Case(spec, c.tax, "name", _pk(c.tax, "id"))


def _orgs_account_rates(c: Cast) -> Case:
    def rows(c: Cast, q: str) -> list[Any]:
        return list(orgs_selectors.account_rates(actor=c.district_admin, q=q))

    return Case(rows, c.tax, "name", lambda r: r.name == Unit.objects.get(pk=c.tax.pk).name)


def _tax_unit(c: Cast, _row: Any) -> models.Model:
    return c.tax


def _chenhui_area(c: Cast, _row: Any) -> models.Model:
    return c.chenhui


CASES: dict[str, Callable[[Cast], Case]] = {
    "orgs.areas": _made(orgs_lists.AREAS, lambda c: c.chenhui, "name"),
    "orgs.units": _made(orgs_lists.UNITS, lambda c: c.tax, "name"),
    "orgs.units (short name)": _made(orgs_lists.UNITS, lambda c: c.tax, "short_name"),
    "orgs.party_orgs": _made(orgs_lists.PARTY_ORGS, lambda c: c.tax_branch, "name"),
    "orgs.members": _made(orgs_lists.MEMBERS, lambda c: c.member_record, "name"),
    "orgs.account_rates": _orgs_account_rates,
    "cobuild.campaigns": _made(
        cobuild_lists.CAMPAIGNS, lambda c: cobuild_matrix._world(c).campaign, "name"
    ),
    "cobuild.resources": _made(
        cobuild_lists.RESOURCES,
        lambda c: cobuild_matrix._world(c).tax_law,
        "title",
        url=_in_campaign,
    ),
    "cobuild.resources (unit)": _made(
        cobuild_lists.RESOURCES,
        lambda c: cobuild_matrix._world(c).tax_law,
        "name",
        shown=_tax_unit,
        url=_in_campaign,
    ),
    "cobuild.demands": _made(
        cobuild_lists.DEMANDS,
        lambda c: cobuild_matrix._world(c).chenhui_law,
        "title",
        url=_in_campaign,
    ),
    "cobuild.proposals": _made(
        cobuild_lists.PROPOSALS,
        cobuild_matrix._proposal,
        "title",
        shown=lambda c, m: m.demand,
        url=_in_campaign,
    ),
    "cobuild.agreements": _made(
        cobuild_lists.AGREEMENTS, cobuild_matrix._confirmed, "title", shown=lambda c, m: m.demand
    ),
    "cobuild.projects": _made(cobuild_lists.PROJECTS, cobuild_matrix._project, "name"),
    "consult.suggestions": _made(consult_lists.SUGGESTIONS, consult_matrix.submitted, "title"),
    "consult.consultations": _made(
        consult_lists.CONSULTATIONS, consult_matrix.consultation, "topic"
    ),
    "consult.attendances": _consult_attendance,
    "consult.studios": _made(consult_lists.STUDIOS, consult_matrix.studio, "name"),
    "consult.unit_duties": _consult_unit_duties,
    "evaluation.frameworks": _made(
        evaluation_lists.FRAMEWORKS, evaluation_matrix._draft_framework, "name"
    ),
    "evaluation.campaigns": _made(evaluation_lists.CAMPAIGNS, evaluation_matrix._campaign, "name"),
    "evaluation.assessments": _made(
        evaluation_lists.ASSESSMENTS,
        evaluation_matrix._tax,
        "name",
        shown=_tax_unit,
        url=_in_campaign,
    ),
    "evaluation.results": _evaluation_result,
    "evaluation.brands": _made(evaluation_lists.BRANDS, evaluation_matrix._brand, "name"),
    "evaluation.cases": _made(evaluation_lists.CASES, evaluation_matrix._case, "title"),
    "evaluation.awards": _made(evaluation_lists.AWARDS, _award, "title"),
    "forms.forms": _made(forms_lists.FORMS, forms_matrix.form, "title"),
    "forms.returns": _made(
        forms_lists.RETURNS, forms_matrix.ret, "title", shown=lambda c, r: r.round.form
    ),
    "forms.returns (area)": _made(
        forms_lists.RETURNS, forms_matrix.ret, "name", shown=_chenhui_area
    ),
    "grid.households": _made(grid_lists.HOUSEHOLDS, grid_matrix.household, "head_name"),
    "grid.assignments": _made(
        grid_lists.ASSIGNMENTS, grid_matrix.assignment, "name", shown=lambda c, a: a.grid
    ),
    "grid.visits": _made(grid_lists.VISITS, grid_matrix.visit, "notes"),
    "grid.visits (household)": _made(
        grid_lists.VISITS, grid_matrix.visit, "head_name", shown=lambda c, v: v.household
    ),
    "grid.issues": _made(grid_lists.ISSUES, grid_matrix.issue, "description"),
    "inspection.inspections": _made(
        inspection_lists.INSPECTIONS, inspection_helpers.inspection, "subject"
    ),
    "inspection.places": _made(inspection_lists.PLACES, _inspection_place, "name"),
    "inspection.findings": _made(
        inspection_lists.FINDINGS, inspection_helpers.finding, "description"
    ),
    "inspection.findings (area)": _made(
        inspection_lists.FINDINGS, inspection_helpers.finding, "name", shown=_chenhui_area
    ),
    "inspection.tasks": _made(
        inspection_lists.TASKS, lambda c: inspection_helpers.campaign(c)[1][0], "title"
    ),
    "inspection.campaigns": _made(
        inspection_lists.CAMPAIGNS, lambda c: inspection_helpers.campaign(c)[0], "title"
    ),
    "mobilise.mobilisations": _made(
        mobilise_lists.MOBILISATIONS, mobilise_matrix.mobilisation, "title"
    ),
    "mobilise.places": _made(mobilise_lists.PLACES, _mobilise_place, "name", url=_in_mobilisation),
    "mobilise.dispatches": _made(
        mobilise_lists.DISPATCHES,
        _mobilise_dispatch,
        "name",
        shown=lambda c, d: d.place,
        url=_in_mobilisation,
    ),
    "mobilise.groups": _made(mobilise_lists.GROUPS, _mobilise_group, "name", url=_in_mobilisation),
    "service.activities": _made(service_lists.ACTIVITIES, service_matrix.activity, "title"),
    "service.teams": _service_team,
    "study.sessions": _made(study_lists.SESSIONS, study_matrix.session, "topic"),
    "study.attendances": _made(
        study_lists.ATTENDANCES, study_matrix.attendance, "topic", shown=lambda c, a: a.session
    ),
    "study.compliance": _study_compliance,
    "reporting.member_reports": _made(
        reporting_lists.REPORTS, _member_report, "name", shown=_chenhui_area
    ),
    "reporting.pairings": _made(
        reporting_lists.PAIRINGS, _reporting_pairing, "name", shown=lambda c, p: p.party_org
    ),
    "reporting.rates": _reporting_rates,
}


def _store(obj: models.Model, field_name: str, value: str) -> None:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    setattr(fresh, field_name, value)
    fresh.save()


def _found(case: Case, c: Cast, q: str) -> bool:
    return any(case.is_target(r) for r in case.rows(c, q))


@pytest.mark.parametrize("name", list(CASES))
def test_each_search_box_folds_both_sides(cast: Cast, name: str) -> None:
    case = CASES[name](cast)
    # Stored traditional: found by the simplified query (and not by another text)
    _store(case.obj, case.field, TRADITIONAL)
    assert _found(case, cast, SIMPLIFIED), name
    assert _found(case, cast, TRADITIONAL), name
    assert not _found(case, cast, "无此名称"), name
    # Stored simplified: found by the traditional query
    _store(case.obj, case.field, SIMPLIFIED)
    assert _found(case, cast, "靜儀"), name
    # Stored full-width: found half-width, in either case
    _store(case.obj, case.field, f"{WIDE}{SIMPLIFIED}")
    assert _found(case, cast, "abc"), name


def test_rows_built_for_bulk_create_are_folded_and_the_backfill_folds_old_rows(
    cast: Cast,
) -> None:
    from django.apps import apps

    from gongjian.core.search import backfill

    made = Unit.objects.bulk_create(
        [Unit(code="U-TRAD", name="陳氏宗祠管理處", area=cast.district)]
    )
    assert Unit.objects.get(pk=made[0].pk).search_folded == fold("陳氏宗祠管理處")
    # A row written before the column (empty): the migration's step folds it
    Unit.objects.filter(pk=made[0].pk).update(search_folded="")
    backfill(apps, "orgs", "Unit", ("name", "short_name"))
    assert Unit.objects.get(pk=made[0].pk).search_folded == "陈氏宗祠管理处"
    rows = orgs_lists.UNITS.rows_for(cast.district_admin, {"q": "陈氏宗祠"})
    assert [u.code for u in rows] == ["U-TRAD"]
