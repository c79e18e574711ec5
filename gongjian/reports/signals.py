"""The domain apps cannot call up into `reports` (imports point down the floors), so this app
listens: a saved or deleted attendance, activity or outcome marks its month's rollups dirty,
and the figures read the raw tables for that month until the next refresh. One conditional
UPDATE of one row, inside the writer's transaction; nothing when the month was never rolled
up. Writes through `QuerySet.update()` send no signal (the check-out sets hours that way): the
refresh re-reads the months just past every time it runs, which covers them.

Every write to a table the figures read also bumps the *data version*, a counter in Django's
cache under which `figures.figures_for` caches its answers: the bump makes every cached answer
unreachable at once. It is bumped at once and again on commit, so an answer computed from the
data before the commit is never filed under the version after it. Writes that send no signal
are seen when the cached answer expires (`figures.CACHE_SECONDS`).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import DateField, F
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from gongjian.reports.models import RollupMonth

VERSION_KEY = "reports:data-version"

# The tables the figures read, beside those of volunteer service (which also mark months dirty).
WATCHED = (
    "orgs.Area",
    "orgs.Unit",
    "orgs.PartyOrg",
    "orgs.Member",
    "reporting.MemberReport",
    "reporting.OrgReport",
    "service.ServiceCategory",
    "cobuild.Campaign",
    "cobuild.Resource",
    "cobuild.Demand",
    "cobuild.Match",
    "cobuild.Agreement",
    "cobuild.Project",
)


def data_version() -> int:
    """The current data version. It starts from the clock, so a version lost from the cache
    (evicted, restarted) never comes back as one that answers were filed under before."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return int(version)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there: any fresh value is a new version
        cache.add(VERSION_KEY, time.time_ns(), None)


def data_changed() -> None:
    _bump()
    transaction.on_commit(_bump)


def _data_changed(sender: Any, **kwargs: Any) -> None:
    data_changed()


def month_of(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date().replace(day=1)


def mark_dirty(*months: dt.date | None) -> None:
    wanted = {m for m in months if m is not None}
    if wanted:
        RollupMonth.objects.filter(month__in=wanted).update(dirty=True, version=F("version") + 1)


def _activity_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    data_changed()
    mark_dirty(month_of(instance.starts_at), getattr(instance, "_reports_old_month", None))


def _child_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """One UPDATE whatever happens: the activity's month is found inside it."""
    from gongjian.service.models import Activity

    data_changed()
    month = (
        Activity.objects.filter(pk=instance.activity_id)
        .annotate(
            m=TruncMonth(
                "starts_at", output_field=DateField(), tzinfo=timezone.get_current_timezone()
            )
        )
        .values("m")
    )
    RollupMonth.objects.filter(month__in=month).update(dirty=True, version=F("version") + 1)


def _remember_old_month(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first()
    instance._reports_old_month = month_of(old)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import pre_save

    for label in WATCHED:
        app_label, _dot, name = label.partition(".")
        if not apps.is_installed(f"gongjian.{app_label}"):
            continue
        model = apps.get_model(app_label, name)
        for signal in (post_save, post_delete):
            signal.connect(_data_changed, sender=model, dispatch_uid=f"reports_v_{label}_{signal}")
    if not apps.is_installed("gongjian.service"):
        return
    from gongjian.service.models import Activity, Attendance, Outcome

    pre_save.connect(_remember_old_month, sender=Activity, dispatch_uid="reports_activity_pre")
    for signal in (post_save, post_delete):
        signal.connect(_activity_changed, sender=Activity, dispatch_uid=f"reports_act_{signal}")
        for model in (Attendance, Outcome):
            signal.connect(
                _child_changed, sender=model, dispatch_uid=f"reports_{model.__name__}_{signal}"
            )
