"""One update helper for the many `*_update` services: only what changed is validated, saved
and audited; nothing changed, nothing written. And one way to resolve an object through a
scoped queryset, from an id or from the object itself."""

from __future__ import annotations

import pytest

from gongjian.core.access import one
from gongjian.core.errors import NotFound, ValidationFailed
from gongjian.core.models import AuditLog
from gongjian.core.updates import model_update
from gongjian.orgs.models import Member, Unit
from gongjian.testing.cast import Cast


def test_only_the_changed_fields_are_saved_and_audited(cast: Cast) -> None:
    unit = cast.tax
    changes = model_update(
        instance=unit,
        data={"name": "区税务局（新）", "address": None, "category": unit.category},
        allowed=("name", "address", "category"),
        actor=cast.district_admin,
    )
    assert changes == {"name": ["区税务局", "区税务局（新）"]}
    unit.refresh_from_db()
    assert unit.name == "区税务局（新）"
    entry = AuditLog.objects.get(action="update", object_type="orgs.unit")
    assert entry.actor_id == cast.district_admin.pk
    assert entry.changes == {"name": ["区税务局", "区税务局（新）"]}


def test_nothing_changed_writes_nothing(cast: Cast) -> None:
    unit = cast.tax
    stamp = Unit.objects.get(pk=unit.pk).updated_at
    assert model_update(instance=unit, data={"name": unit.name}, allowed=("name",)) == {}
    assert Unit.objects.get(pk=unit.pk).updated_at == stamp
    assert not AuditLog.objects.filter(action="update").exists()


def test_fields_outside_allowed_are_ignored(cast: Cast) -> None:
    unit = cast.tax
    model_update(instance=unit, data={"code": "HACKED", "name": "新名"}, allowed=("name",))
    unit.refresh_from_db()
    assert (unit.code, unit.name) == ("U-TAX", "新名")


def test_none_leaves_a_field_unless_it_is_nullable(cast: Cast) -> None:
    member = cast.tax_colleague
    assert member.unit_id is not None
    model_update(instance=member, data={"unit": None}, allowed=("unit",))
    assert Member.objects.get(pk=member.pk).unit_id is not None
    model_update(instance=member, data={"unit": None}, allowed=("unit",), clearable=("unit",))
    assert Member.objects.get(pk=member.pk).unit_id is None


def test_the_model_s_own_field_rules_name_the_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as caught:
        model_update(instance=cast.tax, data={"short_name": "长" * 51}, allowed=("short_name",))
    assert "short_name" in caught.value.detail["fields"]
    assert Unit.objects.get(pk=cast.tax.pk).short_name != "长" * 51


def test_one_resolves_an_id_or_an_object_through_the_scoped_queryset(cast: Cast) -> None:
    mine = Unit.objects.filter(pk=cast.tax.pk)
    assert one(mine, "单位不存在", pk=cast.tax.pk) == cast.tax
    assert one(mine, "单位不存在", pk=str(cast.tax.pk)) == cast.tax
    assert one(mine, "单位不存在", pk=cast.tax) == cast.tax
    for other in (cast.justice, cast.justice.pk, "x1", "1\x00", "9" * 30):
        with pytest.raises(NotFound, match="单位不存在"):
            one(mine, "单位不存在", pk=other)
