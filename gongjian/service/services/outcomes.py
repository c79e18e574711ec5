"""An activity's outcome: households visited, people served, leaflets, a summary and photos."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict
from gongjian.core.files import check_image
from gongjian.core.validation import clean_int, clean_text, invalid
from gongjian.service import selectors
from gongjian.service.models import Activity, Outcome, OutcomePhoto

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_COUNT = 10_000_000


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    activity: Activity | uuid.UUID | str,
    households_visited: int = 0,
    people_served: int = 0,
    leaflets: int = 0,
    summary: str = "",
    photos: Sequence[tuple[str, bytes]] = (),
) -> Outcome:
    found = selectors.activity_get_for(actor, activity, write=True)
    if found.status == Activity.Status.CANCELLED:
        raise Conflict(_("活动已取消，不能登记成效"), code="cancelled")
    if found.starts_at > timezone.now():
        raise invalid("summary", _("活动开始后才能登记成效"))
    numbers = {
        field: clean_int(field, value, label, minimum=0, maximum=MAX_COUNT)
        for field, value, label in (
            ("households_visited", households_visited, _("入户数")),
            ("people_served", people_served, _("服务群众人数")),
            ("leaflets", leaflets, _("发放资料份数")),
        )
    }
    summary = clean_text("summary", summary, _("活动小结"), 5000, required=False, multiline=True)
    checked = [
        (name, data, check_image(data, name=name, max_bytes=MAX_PHOTO_BYTES).kind)
        for name, data in photos
    ]
    outcome = Outcome.objects.select_for_update().filter(activity=found).first()
    before = snapshot(outcome) if outcome else {}
    if outcome is None:
        outcome = Outcome(activity=found)
    for field, value in numbers.items():
        setattr(outcome, field, value)
    outcome.summary = summary
    outcome.recorded_by = actor
    outcome.save()
    if checked and outcome.photos.count() + len(checked) > MAX_PHOTOS:
        raise invalid("photos", _("每次活动最多%(n)d张照片") % {"n": MAX_PHOTOS})
    for _name, data, ext in checked:
        photo = OutcomePhoto(outcome=outcome)
        photo.image.save(f"photo.{ext}", ContentFile(data), save=True)
    changes = diff(before, snapshot(outcome))
    if checked:
        changes["photos_added"] = len(checked)
    audit_record(action="update" if before else "create", obj=outcome, changes=changes)
    return outcome
