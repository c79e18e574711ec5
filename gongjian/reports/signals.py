"""The domain apps cannot call up into `reports` (imports point down the floors), so this app
listens to the models each of them names in its `figures.WATCHED` (by label, through the app
registry: no domain model is imported here): a saved or deleted attendance, activity or
outcome marks its month's rollups dirty,
and the figures read the raw tables for that month until the next refresh. One conditional
UPDATE of one row, inside the writer's transaction; nothing when the month was never rolled
up. Writes through `QuerySet.update()` send no signal (the check-out sets hours that way): the
refresh re-reads the months just past every time it runs, which covers them.

Every write to a table the figures read also bumps the *data version* under which
`figures.figures_for` caches its answers: the bump makes every cached answer unreachable at
once, in every process. The version lives where every process reads it: the database
(`models.DataVersion`), or the cache when that is shared between processes (Redis). It is
bumped once per transaction, by `transaction.on_commit`, so no process can read the new data
under the old version for longer than the commit takes; until then the writer's own
transaction, which already sees its writes, reads its figures uncached (`write_pending`). No
expiry is relied on: writes through `QuerySet.update()` call `data_changed()` (or send
`core.figures.written`) themselves.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from gongjian.core.figures import written
from gongjian.reporting import figures as reporting_figures
from gongjian.reports.models import DataVersion, RollupMonth
from gongjian.service import figures as service_figures

VERSION_KEY = "reports:data-version"

# The tables the figures read, beside those of volunteer service's activities (which also mark
# months dirty): the org trees, and what each domain app's figures name.
ORGS = ("orgs.Area", "orgs.Unit", "orgs.PartyOrg", "orgs.Member", "orgs.MemberSpell")


def watched() -> tuple[str, ...]:
    out = [*ORGS, *reporting_figures.WATCHED, *service_figures.WATCHED]
    if apps.is_installed("gongjian.cobuild"):
        from gongjian.cobuild import figures as cobuild_figures

        out.extend(cobuild_figures.WATCHED)
    return tuple(out)


def version_in_cache() -> bool:
    """Whether the data version is kept in the cache: only when every process shares it
    (not a per-process memory cache, nor the dummy one)."""
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return not backend.endswith(("LocMemCache", "DummyCache"))


def data_version() -> int:
    """The current data version, as every process reads it."""
    if version_in_cache():
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, time.time_ns(), None)
            version = cache.get(VERSION_KEY, 0)
        return int(version)
    found = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    if found is None:
        row, _created = DataVersion.objects.get_or_create(
            pk=1, defaults={"version": time.time_ns()}
        )
        found = row.version
    return int(found)


def _bump() -> None:
    if version_in_cache():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not there: any fresh value is a new version
            cache.add(VERSION_KEY, time.time_ns(), None)
        return
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": time.time_ns()})


def write_pending(using: str | None = None) -> bool:
    """Whether the current transaction has written something a figure reads and not yet
    committed: its answers must not be cached (or read from the cache) under any version."""
    conn = transaction.get_connection(using)
    if not conn.in_atomic_block:
        return False
    return any(entry[1] is _bump for entry in conn.run_on_commit)


def data_changed() -> None:
    """A figure may have changed: bump the version when the transaction commits (at once
    outside one), once per transaction."""
    if not write_pending():
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
    data_changed()
    month = service_figures.activity_month(instance.activity_id)
    RollupMonth.objects.filter(month__in=month).update(dirty=True, version=F("version") + 1)


def _remember_old_month(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first()
    instance._reports_old_month = month_of(old)


def _remember_member(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    instance._reports_old_unit = (
        sender.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
    )


def _member_changed(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A member moved to another unit: the unit rollups of every month they served in count
    them under the unit they belong to now, so those months are recounted."""
    old = getattr(instance, "_reports_old_unit", instance.unit_id)
    if created or old == instance.unit_id:
        return
    months = service_figures.member_months(instance.pk)
    RollupMonth.objects.filter(month__in=months).update(dirty=True, version=F("version") + 1)


def _remember_path(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    instance._reports_old_path = (
        sender.objects.filter(pk=instance.pk).values_list("path", flat=True).first()
    )


def _area_changed(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """An area moved in the tree: the rollups file places under their paths, so every month is
    recounted (rare: a redistricting)."""
    old = getattr(instance, "_reports_old_path", instance.path)
    if not created and old != instance.path:
        RollupMonth.objects.update(dirty=True, version=F("version") + 1)


def _model(label: str) -> Any:
    app_label, _dot, name = label.partition(".")
    if not apps.is_installed(f"gongjian.{app_label}"):
        return None
    return apps.get_model(app_label, name)


def connect() -> None:
    for label in watched():
        model = _model(label)
        if model is None:
            continue
        for signal in (post_save, post_delete, written):
            signal.connect(_data_changed, sender=model, dispatch_uid=f"reports_v_{label}_{signal}")
    activity = _model(service_figures.ACTIVITY)
    if activity is None:
        return
    member, area = _model("orgs.Member"), _model("orgs.Area")
    pre_save.connect(_remember_member, sender=member, dispatch_uid="reports_member_pre")
    post_save.connect(_member_changed, sender=member, dispatch_uid="reports_member_post")
    pre_save.connect(_remember_path, sender=area, dispatch_uid="reports_area_pre")
    post_save.connect(_area_changed, sender=area, dispatch_uid="reports_area_post")
    pre_save.connect(_remember_old_month, sender=activity, dispatch_uid="reports_activity_pre")
    for signal in (post_save, post_delete, written):
        signal.connect(_activity_changed, sender=activity, dispatch_uid=f"reports_act_{signal}")
        for label in service_figures.ACTIVITY_MODELS:
            child = _model(label)
            signal.connect(_child_changed, sender=child, dispatch_uid=f"reports_{label}_{signal}")
