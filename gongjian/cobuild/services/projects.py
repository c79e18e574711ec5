"""A co-building project: its dates and stage, milestones, progress with photos, and the
community's rating when it is finished."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild import selectors
from gongjian.cobuild.models import Milestone, ProgressPhoto, ProgressUpdate, Project, Rating
from gongjian.core.access import user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, PermissionDenied
from gongjian.core.files import check_image
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_int, clean_text, invalid

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Project.Status.PLANNED: (Project.Status.ACTIVE, Project.Status.SUSPENDED),
    Project.Status.ACTIVE: (Project.Status.SUSPENDED, Project.Status.FINISHED),
    Project.Status.SUSPENDED: (Project.Status.ACTIVE,),
    Project.Status.FINISHED: (),
}


def _locked(actor: Any, project: Project | str | uuid.UUID) -> Project:
    return selectors.project_get_for(actor, project, write=True, lock=True)


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: Project | str | uuid.UUID,
    status: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Project:
    locked = _locked(actor, project)
    data: dict[str, Any] = {"starts_on": starts_on, "ends_on": ends_on}
    if status and status != locked.status:
        if status not in PROJECT_TRANSITIONS.get(locked.status, ()):
            labels = dict(Project.Status.choices)
            raise Conflict(
                _("项目当前为“%(s)s”，不能转为“%(t)s”")
                % {"s": locked.get_status_display(), "t": labels.get(status, status)},
                code="project_state",
            )
        data["status"] = status
        if status == Project.Status.FINISHED:
            open_milestones = list(
                locked.milestones.filter(done_at__isnull=True).values_list("title", flat=True)
            )
            if open_milestones:
                raise Conflict(
                    _("还有%(n)d个节点未完成（%(t)s），请先完成后再结项")
                    % {"n": len(open_milestones), "t": "、".join(open_milestones[:3])},
                    code="milestones_open",
                )
            data["finished_at"] = timezone.now()
        if status == Project.Status.ACTIVE and locked.starts_on is None and starts_on is None:
            data["starts_on"] = timezone.localdate()
    start = data["starts_on"] or locked.starts_on
    end = data["ends_on"] or locked.ends_on
    if start and end and end < start:
        raise invalid("ends_on", _("结束日期不能早于开始日期"))
    model_update(instance=locked, data=data, allowed=frozenset(data))
    return locked


@transaction.atomic
def milestone_add(
    *, actor: Any, project: Project | str | uuid.UUID, title: str, due_on: dt.date | None = None
) -> Milestone:
    locked = _locked(actor, project)
    if locked.status == Project.Status.FINISHED:
        raise Conflict(_("项目已完成，不能再添加节点"), code="project_state")
    milestone = Milestone.objects.create(
        project=locked, title=clean_text("title", title, _("节点"), 100), due_on=due_on
    )
    audit_record(action="create", obj=milestone, changes=diff({}, snapshot(milestone)))
    return milestone


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone | int | str) -> Milestone:
    locked = selectors.milestone_get_for(actor, milestone, write=True, lock=True)
    if locked.done_at is not None:
        raise Conflict(_("该节点已完成"), code="milestone_done")
    model_update(instance=locked, data={"done_at": timezone.now()}, allowed={"done_at"})
    return locked


def check_photo(data: bytes, name: str) -> tuple[str, str]:
    """The photo's extension and content type, told by its content; anything but a JPEG or
    PNG within the size limit is refused."""
    checked = check_image(data, name=name, max_bytes=MAX_PHOTO_BYTES)
    return checked.kind, checked.content_type


@transaction.atomic
def progress_add(
    *,
    actor: Any,
    project: Project | str | uuid.UUID,
    text: str,
    photos: Sequence[tuple[str, bytes]] = (),
) -> ProgressUpdate:
    locked = _locked(actor, project)
    text = clean_text("text", text, _("进展情况"), 5000, multiline=True)
    if len(photos) > MAX_PHOTOS:
        raise invalid("photos", _("每条进展最多%(n)d张照片") % {"n": MAX_PHOTOS})
    checked = [(data, *check_photo(data, name)) for name, data in photos]
    update = ProgressUpdate.objects.create(project=locked, text=text, author=user_of(actor))
    for data, ext, content_type in checked:
        photo = ProgressPhoto(update=update, content_type=content_type)
        photo.image.save(f"photo.{ext}", ContentFile(data), save=True)
    changes = diff({}, snapshot(update))
    changes["photos"] = len(checked)
    audit_record(action="create", obj=update, changes=changes)
    return update


@transaction.atomic
def project_rate(
    *, actor: Any, project: Project | str | uuid.UUID, stars: Any, comment: str = ""
) -> Rating:
    """The community rates a finished project, once."""
    locked = _locked(actor, project)
    community = locked.agreement.match.demand.community
    if not selectors.may_sign_community_side(actor, community):
        raise PermissionDenied(_("只有%(c)s可以评价该项目") % {"c": community.name})
    if locked.status != Project.Status.FINISHED:
        raise Conflict(_("项目完成后才能评价"), code="project_state")
    rating = Rating(
        project=locked,
        stars=clean_int("stars", stars, _("评分"), minimum=1, maximum=5),
        comment=clean_text("comment", comment, _("评价"), 500, required=False, multiline=True),
        rated_by=user_of(actor),
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise Conflict(_("该项目已评价过"), code="rated") from None
    audit_record(action="create", obj=rating, changes=diff({}, snapshot(rating)))
    return rating
