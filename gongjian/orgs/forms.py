"""Forms of the member, post and import pages: they only parse; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.orgs.models import Area, Member, PartyOrg, Role


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=40)
    phone = forms.CharField(label=_("手机号"), max_length=30, required=False)
    status = forms.ChoiceField(label=_("党员类别"), choices=Member.Status.choices)
    joined_on = forms.DateField(
        label=_("入党日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    party_org = forms.TypedChoiceField(label=_("所在党组织"), coerce=int)
    in_service = forms.BooleanField(label=_("在职党员"), required=False)
    is_deputy = forms.BooleanField(label=_("人大代表"), required=False)
    is_committee_member = forms.BooleanField(label=_("政协委员"), required=False)

    def __init__(
        self, *args: Any, org_choices: list[tuple[int, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party_org"].choices = org_choices  # type: ignore[attr-defined]
        if editing:
            # The ID number identifies the person; the party organisation changes by transfer.
            del self.fields["id_number"]
            del self.fields["party_org"]
            # The whole phone is never put on the page (only unmasking, audited, shows it):
            # the field starts empty, the masked number as its placeholder; empty keeps it.
            phone = self.fields["phone"]
            phone.label = _("新手机号")
            phone.help_text = _("留空则保持原号码")
            self.fields["clear_phone"] = forms.BooleanField(label=_("清除手机号"), required=False)

    def member_changes(self) -> dict[str, Any]:
        """The cleaned data as `member_update` takes it: on the edit page an empty phone
        keeps the number, unless "clear" is ticked."""
        data = dict(self.cleaned_data)
        clear = data.pop("clear_phone", None)
        if clear is not None and not data.get("phone"):
            if clear:
                data["phone"] = ""
            else:
                data.pop("phone", None)
        return data


def member_initial(member: Member) -> dict[str, Any]:
    """The edit form's starting values (no phone: see `MemberForm`)."""
    return {
        "name": member.name,
        "status": member.status,
        "joined_on": member.joined_on,
        "in_service": member.in_service,
        "is_deputy": member.is_deputy,
        "is_committee_member": member.is_committee_member,
    }


class PostForm(forms.Form):
    """Give an account a post: the account by username or phone, the place by code."""

    login = forms.CharField(label=_("用户名或手机号"), max_length=150)
    role = forms.ChoiceField(label=_("岗位"), choices=Role.choices)
    area_code = forms.CharField(label=_("区域编码"), max_length=32, required=False)
    unit_code = forms.CharField(label=_("单位编码"), max_length=32, required=False)


class ImportForm(forms.Form):
    """An upload for the import pipeline; which kinds the actor may use is its business."""

    kind = forms.CharField(label=_("导入类型"), max_length=32)
    file = forms.FileField(
        label=_("文件"),
        allow_empty_file=True,  # an empty file gets the pipeline's own message
        error_messages={"required": _("请选择要上传的文件")},
    )


# Areas, units and party organisations (the choices come from the caller's scope) ------------


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class AreaForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("编码"), max_length=32, help_text=_("导入和接口使用，建立后不能修改")
    )
    kind = forms.ChoiceField(label=_("层级"), choices=Area.Kind.choices)
    local_kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("（按层级：街道或社区）")), *Area.LocalKind.choices],
        required=False,
        help_text=_("第二级可为街道、镇、乡，第三级可为社区、村；区和网格不填"),
    )
    parent = forms.TypedChoiceField(
        label=_("上级区域"), coerce=_optional_int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, parent_choices: list[tuple[Any, str]], editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["parent"].choices = parent_choices  # type: ignore[attr-defined]
        if editing:
            for name in ("code", "kind", "parent"):
                del self.fields[name]


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    code = forms.CharField(label=_("单位编码"), max_length=32, help_text=_("建立后不能修改"))
    area = forms.TypedChoiceField(label=_("所在区域"), coerce=int)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    category = forms.CharField(label=_("单位类别"), max_length=50, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(
        self, *args: Any, area_choices: list[tuple[Any, str]], editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].choices = area_choices  # type: ignore[attr-defined]
        if editing:
            del self.fields["code"]
            del self.fields["area"]


class PartyOrgForm(forms.Form):
    name = forms.CharField(label=_("组织名称"), max_length=100)
    code = forms.CharField(label=_("组织编码"), max_length=32, help_text=_("导入党员时使用"))
    kind = forms.ChoiceField(label=_("组织类别"), choices=PartyOrg.Kind.choices)
    parent = forms.TypedChoiceField(
        label=_("上级党组织"), coerce=_optional_int, required=False, empty_value=None
    )
    unit = forms.TypedChoiceField(
        label=_("隶属单位"), coerce=_optional_int, required=False, empty_value=None
    )
    area = forms.TypedChoiceField(
        label=_("或隶属区域"), coerce=_optional_int, required=False, empty_value=None
    )
    secretary = forms.CharField(label=_("书记"), max_length=50, required=False)

    def __init__(
        self,
        *args: Any,
        parent_choices: list[tuple[Any, str]],
        unit_choices: list[tuple[Any, str]],
        area_choices: list[tuple[Any, str]],
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        fields: Any = self.fields
        fields["parent"].choices = parent_choices
        fields["unit"].choices = unit_choices
        fields["area"].choices = area_choices
        if editing:
            for name in ("code", "kind", "parent", "unit", "area"):
                del self.fields[name]


class MoveForm(forms.Form):
    """Where a record moves to: one choice (the parent area, the area or the parent
    organisation), named by the service's field."""

    def __init__(
        self, *args: Any, field: str, label: str, choices: list[tuple[Any, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields[field] = forms.TypedChoiceField(label=label, coerce=int, choices=choices)
        self.has_choices = bool(choices)
