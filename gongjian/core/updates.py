"""One way to change some fields of a row: validate what changed, save only it, audit it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import ValidationFailed


def model_update(
    *,
    instance: models.Model,
    data: Mapping[str, Any],
    allowed: Collection[str],
    action: str = "update",
    clearable: Collection[str] = (),
    actor: Any = None,
) -> dict[str, Any]:
    """Set the `allowed` fields given in `data` (others are ignored; a value of None leaves a
    field as it is, except for the `clearable` fields, which None empties), run the model's
    own field validation on the changed fields, save them and write one audit entry (by
    `actor`, else the request's user). Returns the changes (empty when nothing changed: no
    write then)."""
    names = [
        name for name in data if name in allowed and (data[name] is not None or name in clearable)
    ]
    before = snapshot(instance)
    for name in names:
        setattr(instance, name, data[name])
    changes = diff(before, snapshot(instance))
    if not changes:
        return {}
    concrete = {f.name: f for f in instance._meta.concrete_fields}
    changed = [n for n in names if n in concrete]
    try:
        instance.clean_fields(exclude=[f for f in concrete if f not in changed])
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise ValidationFailed(first, fields=fields) from None
    update_fields = [concrete[n].name for n in changed]
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    audit_record(action=action, obj=instance, changes=changes, actor=actor)
    return changes
