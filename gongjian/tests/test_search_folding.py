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


def _orgs_area(c: Cast) -> Case:
    return Case(_spec(orgs_lists.AREAS, "district_admin"), c.chenhui, "name", _pk(c.chenhui))


def _orgs_unit(c: Cast) -> Case:
    return Case(_spec(orgs_lists.UNITS, "district_admin"), c.tax, "name", _pk(c.tax))


def _orgs_unit_short_name(c: Cast) -> Case:
    return Case(_spec(orgs_lists.UNITS, "district_admin"), c.tax, "short_name", _pk(c.tax))


def _orgs_party_org(c: Cast) -> Case:
    org = c.tax_branch
    return Case(_spec(orgs_lists.PARTY_ORGS, "district_admin"), org, "name", _pk(org))


def _orgs_member(c: Cast) -> Case:
    m = c.member_record
    return Case(_spec(orgs_lists.MEMBERS, "district_admin"), m, "name", _pk(m))


def _cobuild_campaign(c: Cast) -> Case:
    w = cobuild_matrix._world(c)
    return Case(
        _spec(cobuild_lists.CAMPAIGNS, "district_admin"), w.campaign, "name", _pk(w.campaign)
    )


def _cobuild_resource(c: Cast) -> Case:
    w = cobuild_matrix._world(c)
    spec = _spec(cobuild_lists.RESOURCES, "district_admin", campaign=w.campaign.pk)
    return Case(spec, w.tax_law, "title", _pk(w.tax_law))


def _cobuild_resource_by_unit(c: Cast) -> Case:
    w = cobuild_matrix._world(c)
    spec = _spec(cobuild_lists.RESOURCES, "district_admin", campaign=w.campaign.pk)
    return Case(spec, c.tax, "name", _pk(w.tax_law))


def _cobuild_demand(c: Cast) -> Case:
    w = cobuild_matrix._world(c)
    spec = _spec(cobuild_lists.DEMANDS, "district_admin", campaign=w.campaign.pk)
    return Case(spec, w.chenhui_law, "title", _pk(w.chenhui_law))


def _cobuild_proposal(c: Cast) -> Case:
    match = cobuild_matrix._proposal(c)
    spec = _spec(cobuild_lists.PROPOSALS, "district_admin", campaign=match.campaign_id)
    return Case(spec, match.demand, "title", _pk(match))


def _cobuild_agreement(c: Cast) -> Case:
    match = cobuild_matrix._confirmed(c)
    return Case(
        _spec(cobuild_lists.AGREEMENTS, "district_admin"), match.demand, "title", _pk(match)
    )


def _cobuild_project(c: Cast) -> Case:
    project = cobuild_matrix._project(c)
    return Case(_spec(cobuild_lists.PROJECTS, "district_admin"), project, "name", _pk(project))


def _consult_suggestion(c: Cast) -> Case:
    s = consult_matrix.submitted(c)
    return Case(_spec(consult_lists.SUGGESTIONS, "district_admin"), s, "title", _pk(s))


def _consult_consultation(c: Cast) -> Case:
    con = consult_matrix.consultation(c)
    return Case(_spec(consult_lists.CONSULTATIONS, "district_admin"), con, "topic", _pk(con))


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


def _consult_studio(c: Cast) -> Case:
    s = consult_matrix.studio(c)
    return Case(_spec(consult_lists.STUDIOS, "district_admin"), s, "name", _pk(s))


def _consult_unit_duties(c: Cast) -> Case:
    def rows(c: Cast, q: str) -> list[Any]:
        return list(consult_selectors.unit_duty_list(actor=c.district_admin, q=q))

    return Case(rows, c.tax, "name", _pk(c.tax))


def _evaluation_framework(c: Cast) -> Case:
    fw = evaluation_matrix._draft_framework(c)
    return Case(_spec(evaluation_lists.FRAMEWORKS, "district_admin"), fw, "name", _pk(fw))


def _evaluation_campaign(c: Cast) -> Case:
    camp = evaluation_matrix._campaign(c)
    return Case(_spec(evaluation_lists.CAMPAIGNS, "district_admin"), camp, "name", _pk(camp))


def _evaluation_assessment(c: Cast) -> Case:
    a = evaluation_matrix._tax(c)
    spec = _spec(evaluation_lists.ASSESSMENTS, "district_admin", campaign=a.campaign_id)
    return Case(spec, c.tax, "name", _pk(a))


def _evaluation_result(c: Cast) -> Case:
    camp = evaluation_matrix._published(c)
    spec = _spec(evaluation_lists.RESULTS, "district_admin", campaign=camp.pk)
    return Case(spec, c.tax, "name", _pk(c.tax, "unit_id"))


def _evaluation_brand(c: Cast) -> Case:
    b = evaluation_matrix._brand(c)
    return Case(_spec(evaluation_lists.BRANDS, "district_admin"), b, "name", _pk(b))


def _evaluation_case(c: Cast) -> Case:
    case = evaluation_matrix._case(c)
    return Case(_spec(evaluation_lists.CASES, "district_admin"), case, "title", _pk(case))


def _evaluation_award(c: Cast) -> Case:
    camp = evaluation_matrix._published(c)
    award = evaluation_services.award_create(actor=c.district_admin, campaign=camp, unit=c.tax)
    return Case(_spec(evaluation_lists.AWARDS, "district_admin"), award, "title", _pk(award))


def _forms_form(c: Cast) -> Case:
    f = forms_matrix.form(c)
    return Case(_spec(forms_lists.FORMS, "district_admin"), f, "title", _pk(f))


def _forms_return(c: Cast) -> Case:
    r = forms_matrix.ret(c)
    return Case(_spec(forms_lists.RETURNS, "district_admin"), r.round.form, "title", _pk(r))


def _forms_return_by_area(c: Cast) -> Case:
    r = forms_matrix.ret(c)
    return Case(_spec(forms_lists.RETURNS, "district_admin"), c.chenhui, "name", _pk(r))


def _grid_household(c: Cast) -> Case:
    h = grid_matrix.household(c)
    return Case(_spec(grid_lists.HOUSEHOLDS, "district_admin"), h, "head_name", _pk(h))


def _grid_assignment(c: Cast) -> Case:
    a = grid_matrix.assignment(c)
    return Case(_spec(grid_lists.ASSIGNMENTS, "district_admin"), a.grid, "name", _pk(a))


def _grid_visit(c: Cast) -> Case:
    v = grid_matrix.visit(c)
    return Case(_spec(grid_lists.VISITS, "district_admin"), v, "notes", _pk(v))


def _grid_visit_by_household(c: Cast) -> Case:
    v = grid_matrix.visit(c)
    return Case(_spec(grid_lists.VISITS, "district_admin"), v.household, "head_name", _pk(v))


def _grid_issue(c: Cast) -> Case:
    i = grid_matrix.issue(c)
    return Case(_spec(grid_lists.ISSUES, "district_admin"), i, "description", _pk(i))


def _inspection_inspection(c: Cast) -> Case:
    i = inspection_helpers.inspection(c)
    return Case(_spec(inspection_lists.INSPECTIONS, "district_admin"), i, "subject", _pk(i))


def _inspection_place(c: Cast) -> Case:
    place = inspection_helpers.inspection(c).places.first()
    assert place is not None
    return Case(_spec(inspection_lists.PLACES, "district_admin"), place, "name", _pk(place))


def _inspection_finding(c: Cast) -> Case:
    f = inspection_helpers.finding(c)
    return Case(_spec(inspection_lists.FINDINGS, "district_admin"), f, "description", _pk(f))


def _inspection_finding_by_area(c: Cast) -> Case:
    f = inspection_helpers.finding(c)
    return Case(_spec(inspection_lists.FINDINGS, "district_admin"), c.chenhui, "name", _pk(f))


def _inspection_task(c: Cast) -> Case:
    _camp, tasks = inspection_helpers.campaign(c)
    t = tasks[0]
    return Case(_spec(inspection_lists.TASKS, "district_admin"), t, "title", _pk(t))


def _inspection_campaign(c: Cast) -> Case:
    camp, _tasks = inspection_helpers.campaign(c)
    return Case(_spec(inspection_lists.CAMPAIGNS, "district_admin"), camp, "title", _pk(camp))


def _mobilise_mobilisation(c: Cast) -> Case:
    m = mobilise_matrix.mobilisation(c)
    return Case(_spec(mobilise_lists.MOBILISATIONS, "district_admin"), m, "title", _pk(m))


def _mobilise_place(c: Cast) -> Case:
    m = mobilise_matrix.mobilisation(c)
    place = Place.objects.get(mobilisation=m, name="矩阵村")
    spec = _spec(mobilise_lists.PLACES, "district_admin", mobilisation=m.public_id)
    return Case(spec, place, "name", _pk(place))


def _mobilise_dispatch(c: Cast) -> Case:
    m = mobilise_matrix.mobilisation(c)
    d = Dispatch.objects.get(member=c.member_record)
    spec = _spec(mobilise_lists.DISPATCHES, "district_admin", mobilisation=m.public_id)
    return Case(spec, d.place, "name", _pk(d))


def _mobilise_group(c: Cast) -> Case:
    m = mobilise_matrix.mobilisation(c)
    g = mobilise_services.group_form(
        actor=c.district_admin, mobilisation_id=m.public_id, kind="vanguard_team", name="先锋队"
    )
    spec = _spec(mobilise_lists.GROUPS, "district_admin", mobilisation=m.public_id)
    return Case(spec, g, "name", _pk(g))


def _service_activity(c: Cast) -> Case:
    a = service_matrix.activity(c)
    return Case(_spec(service_lists.ACTIVITIES, "district_admin"), a, "title", _pk(a))


def _service_team(c: Cast) -> Case:
    team = service_matrix.team(c)

    def rows(c: Cast, q: str) -> list[Any]:
        return list(service_selectors.team_list(actor=c.district_admin, q=q))

    return Case(rows, team, "name", _pk(team))


def _study_session(c: Cast) -> Case:
    s = study_matrix.session(c)
    return Case(_spec(study_lists.SESSIONS, "district_admin"), s, "topic", _pk(s))


def _study_attendance(c: Cast) -> Case:
    a = study_matrix.attendance(c)
    return Case(_spec(study_lists.ATTENDANCES, "district_admin"), a.session, "topic", _pk(a))


def _study_compliance(c: Cast) -> Case:
    org = c.tax_branch
    spec = _spec(study_lists.COMPLIANCE, "district_admin", {"year": "2026"})
    return Case(spec, org, "name", _pk(org, "org_id"))


def _reporting_member_report(c: Cast) -> Case:
    from gongjian.reporting.tests.scope_matrix import _pending

    r = _pending(c)
    return Case(_spec(reporting_lists.REPORTS, "district_admin"), c.chenhui, "name", _pk(r))


def _reporting_pairing(c: Cast) -> Case:
    from gongjian.reporting.tests.scope_matrix import _pairing

    p = _pairing(c)
    return Case(_spec(reporting_lists.PAIRINGS, "district_admin"), p.party_org, "name", _pk(p))


def _reporting_rates(c: Cast) -> Case:
    spec = _spec(reporting_lists.RATES["unit"], "district_admin", {"level": "unit"})
    return Case(spec, c.tax, "name", _pk(c.tax, "id"))


def _orgs_account_rates(c: Cast) -> Case:
    def rows(c: Cast, q: str) -> list[Any]:
        return list(orgs_selectors.account_rates(actor=c.district_admin, q=q))

    return Case(rows, c.tax, "name", lambda r: r.name == Unit.objects.get(pk=c.tax.pk).name)


CASES: dict[str, Callable[[Cast], Case]] = {
    "orgs.areas": _orgs_area,
    "orgs.units": _orgs_unit,
    "orgs.units (short name)": _orgs_unit_short_name,
    "orgs.party_orgs": _orgs_party_org,
    "orgs.members": _orgs_member,
    "orgs.account_rates": _orgs_account_rates,
    "cobuild.campaigns": _cobuild_campaign,
    "cobuild.resources": _cobuild_resource,
    "cobuild.resources (unit)": _cobuild_resource_by_unit,
    "cobuild.demands": _cobuild_demand,
    "cobuild.proposals": _cobuild_proposal,
    "cobuild.agreements": _cobuild_agreement,
    "cobuild.projects": _cobuild_project,
    "consult.suggestions": _consult_suggestion,
    "consult.consultations": _consult_consultation,
    "consult.attendances": _consult_attendance,
    "consult.studios": _consult_studio,
    "consult.unit_duties": _consult_unit_duties,
    "evaluation.frameworks": _evaluation_framework,
    "evaluation.campaigns": _evaluation_campaign,
    "evaluation.assessments": _evaluation_assessment,
    "evaluation.results": _evaluation_result,
    "evaluation.brands": _evaluation_brand,
    "evaluation.cases": _evaluation_case,
    "evaluation.awards": _evaluation_award,
    "forms.forms": _forms_form,
    "forms.returns": _forms_return,
    "forms.returns (area)": _forms_return_by_area,
    "grid.households": _grid_household,
    "grid.assignments": _grid_assignment,
    "grid.visits": _grid_visit,
    "grid.visits (household)": _grid_visit_by_household,
    "grid.issues": _grid_issue,
    "inspection.inspections": _inspection_inspection,
    "inspection.places": _inspection_place,
    "inspection.findings": _inspection_finding,
    "inspection.findings (area)": _inspection_finding_by_area,
    "inspection.tasks": _inspection_task,
    "inspection.campaigns": _inspection_campaign,
    "mobilise.mobilisations": _mobilise_mobilisation,
    "mobilise.places": _mobilise_place,
    "mobilise.dispatches": _mobilise_dispatch,
    "mobilise.groups": _mobilise_group,
    "service.activities": _service_activity,
    "service.teams": _service_team,
    "study.sessions": _study_session,
    "study.attendances": _study_attendance,
    "study.compliance": _study_compliance,
    "reporting.member_reports": _reporting_member_report,
    "reporting.pairings": _reporting_pairing,
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
