"""Every write of 直联共建: validated, scoped, atomic, audited — one module per flow.

The rules (docs/adr/0005-cobuild-flow.md): a campaign goes draft → open → matching → signing
→ closed; units and communities enter their own lists while it collects them (until the
lists are due), rank the other side's items once the lists are published (until the
preferences are due); the working committee runs the engine, pins or forbids pairs, re-runs
and confirms — never over a resource's capacity, never two confirmed matches for a demand;
both sides sign each confirmed match; the project then runs and the community rates it.

Each service takes the ids a page or the API was sent (or a row already read) and resolves
what it writes through the caller's scope, locked, in the query it writes with.
"""

from __future__ import annotations

from gongjian.cobuild.services.agreements import agreement_sign
from gongjian.cobuild.services.campaigns import (
    LIST_STATES,
    TRANSITIONS,
    campaign_advance,
    campaign_create,
    campaign_update,
)
from gongjian.cobuild.services.lists import (
    MAX_CAPACITY,
    demand_create,
    demand_delete,
    demand_update,
    resource_contact_unmask,
    resource_create,
    resource_delete,
    resource_update,
)
from gongjian.cobuild.services.matching import (
    match_decide,
    match_run,
    matches_confirm,
    pair_rule_create,
    pair_rule_delete,
)
from gongjian.cobuild.services.preferences import (
    MAX_PREFERENCES,
    demand_preferences_set,
    resource_preferences_set,
)
from gongjian.cobuild.services.projects import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    PROJECT_TRANSITIONS,
    check_photo,
    milestone_add,
    milestone_done,
    progress_add,
    project_rate,
    project_update,
)

__all__ = [
    "LIST_STATES",
    "MAX_CAPACITY",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "MAX_PREFERENCES",
    "PROJECT_TRANSITIONS",
    "TRANSITIONS",
    "agreement_sign",
    "campaign_advance",
    "campaign_create",
    "campaign_update",
    "check_photo",
    "demand_create",
    "demand_delete",
    "demand_preferences_set",
    "demand_update",
    "match_decide",
    "match_run",
    "matches_confirm",
    "milestone_add",
    "milestone_done",
    "pair_rule_create",
    "pair_rule_delete",
    "progress_add",
    "project_rate",
    "project_update",
    "resource_contact_unmask",
    "resource_create",
    "resource_delete",
    "resource_preferences_set",
    "resource_update",
]
