"""The study app's page forms: they parse text into types; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.study.models import Audience, Kind, Plan, RulePeriod


class SessionForm(forms.Form):
    party_org = forms.IntegerField(label=_("组织单位"), widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    topic = forms.CharField(label=_("主题"), max_length=100)
    speaker = forms.CharField(label=_("主讲人"), max_length=50, required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    description = forms.CharField(
        label=_("内容"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.ChoiceField(label=_("参加范围"), choices=Audience.choices)
    members = forms.MultipleChoiceField(label=_("指定党员"), required=False, choices=())
    repeat = forms.ChoiceField(
        label=_("重复"), required=False, choices=[("", _("不重复")), *Plan.Frequency.choices]
    )
    occurrences = forms.IntegerField(label=_("次数"), min_value=1, max_value=53, initial=1)
    link_title = forms.CharField(label=_("材料标题"), max_length=100, required=False)
    link_url = forms.CharField(label=_("材料链接"), max_length=300, required=False)

    def __init__(self, *args: Any, members: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        if isinstance(field, forms.MultipleChoiceField):
            field.choices = list(members)


def session_times(data: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of a session from the form's day and times, in local time."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(data["day"], data["start"], tzinfo=tz),
        dt.datetime.combine(data["day"], data["end"], tzinfo=tz),
    )


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=Kind.choices)
    period = forms.ChoiceField(label=_("周期"), choices=RulePeriod.choices)
    minimum = forms.IntegerField(label=_("最少次数"), min_value=1, max_value=31)
    is_active = forms.BooleanField(label=_("启用"), required=False)
    district = forms.IntegerField(label=_("适用区"), required=False)
    note = forms.CharField(label=_("依据"), max_length=200, required=False)
