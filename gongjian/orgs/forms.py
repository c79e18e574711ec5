"""Forms of the member pages: they only parse; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.core.errors import ValidationFailed
from gongjian.orgs.models import Member


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

    def add_service_errors(self, exc: ValidationFailed) -> None:
        fields = exc.detail.get("fields", {})
        if not fields:
            self.add_error(None, exc.message)
        for name, messages in fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
