"""Every write of the service app: validated, scoped, atomic, audited; one module per flow.

- `categories` — the service categories the working committee configures;
- `teams` — service teams and their members;
- `activities` — publishing (one activity or a series) and cancelling;
- `signup` — signing up and cancelling, the hot path of a rush (ADR 0004);
- `attendance` — check-in and check-out by code, marking by hand, hours and points;
- `outcomes` — what an activity achieved, with photos;
- `holidays` — a year's 放假调休 from the State Council's notice, as ranges;
- `notices` — the reminders, cancellations and promotions sent to the one inbox.

The quota, one sign-up and one attendance per member are kept by the database (ADR 0004).
Each write resolves what it changes through the caller's scope itself, so the page and the
API pass ids (or the objects they already hold) and allow the same things.
"""

from __future__ import annotations

from gongjian.service.services.activities import (
    MAX_OCCURRENCES,
    activity_cancel,
    activity_publish,
)
from gongjian.service.services.attendance import (
    CHECKIN_OPENS_BEFORE,
    CHECKOUT_CLOSES_AFTER,
    POINTS_PER_HOUR,
    CheckinRefused,
    attendance_mark,
    attendance_scan,
    checkin_token,
    hours_between,
    points_for,
    read_scan,
    scan_read,
    served_hours,
)
from gongjian.service.services.categories import (
    SEED_CATEGORIES,
    categories_seed,
    category_save,
    may_configure,
)
from gongjian.service.services.certificates import certificate_issue
from gongjian.service.services.holidays import (
    DayRange,
    holidays_check,
    holidays_save,
    parse_range,
)
from gongjian.service.services.notices import notices_mark_read, reminders_send
from gongjian.service.services.outcomes import MAX_PHOTO_BYTES, MAX_PHOTOS, outcome_record
from gongjian.service.services.signup import SignupRefused, signup_cancel, signup_create
from gongjian.service.services.teams import team_create, team_member_add, team_member_remove

__all__ = [
    "CHECKIN_OPENS_BEFORE",
    "CHECKOUT_CLOSES_AFTER",
    "MAX_OCCURRENCES",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "POINTS_PER_HOUR",
    "SEED_CATEGORIES",
    "CheckinRefused",
    "DayRange",
    "SignupRefused",
    "activity_cancel",
    "activity_publish",
    "attendance_mark",
    "attendance_scan",
    "categories_seed",
    "category_save",
    "certificate_issue",
    "checkin_token",
    "holidays_check",
    "holidays_save",
    "hours_between",
    "may_configure",
    "notices_mark_read",
    "outcome_record",
    "parse_range",
    "points_for",
    "read_scan",
    "reminders_send",
    "scan_read",
    "served_hours",
    "signup_cancel",
    "signup_create",
    "team_create",
    "team_member_add",
    "team_member_remove",
]
