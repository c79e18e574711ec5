"""Every write of 模范机关创建: validated, scoped, atomic, audited — one module per flow.

Each service takes the ids a page or the API was sent (or a row already read) and resolves
what it writes through the caller's scope, locked, in the query it writes with.
"""

from __future__ import annotations

from gongjian.core.bulk import update_rows
from gongjian.evaluation.services.assessments import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_PER_INDICATOR,
    REASON_MAX,
    TEXT_MAX,
    assessment_save,
    assessment_submit,
    check_evidence,
    evidence_add,
    evidence_delete,
)
from gongjian.evaluation.services.awards import award_create
from gongjian.evaluation.services.brands import RECOGNISE, brand_apply, brand_review
from gongjian.evaluation.services.campaigns import (
    Ranked,
    campaign_compute,
    campaign_create,
    campaign_lock,
    campaign_publish,
    campaign_rank,
)
from gongjian.evaluation.services.cases import (
    TOP_CASES,
    case_shortlist,
    case_submit,
    case_vote,
    cases_name_top,
)
from gongjian.evaluation.services.frameworks import (
    framework_copy,
    framework_create,
    framework_problems,
    framework_publish,
    indicator_delete,
    indicator_save,
    parse_thresholds,
)
from gongjian.evaluation.services.review import (
    APPROVE,
    RETURN,
    assessment_review,
    objection_answer,
    objection_submit,
)

__all__ = [
    "APPROVE",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_PER_INDICATOR",
    "REASON_MAX",
    "RECOGNISE",
    "RETURN",
    "TEXT_MAX",
    "TOP_CASES",
    "Ranked",
    "assessment_review",
    "assessment_save",
    "assessment_submit",
    "award_create",
    "brand_apply",
    "brand_review",
    "campaign_compute",
    "campaign_create",
    "campaign_lock",
    "campaign_publish",
    "campaign_rank",
    "case_shortlist",
    "case_submit",
    "case_vote",
    "cases_name_top",
    "check_evidence",
    "evidence_add",
    "evidence_delete",
    "framework_copy",
    "framework_create",
    "framework_problems",
    "framework_publish",
    "indicator_delete",
    "indicator_save",
    "objection_answer",
    "objection_submit",
    "parse_thresholds",
    "update_rows",
]
