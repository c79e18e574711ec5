"""Forms parse input only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.orgs import scope
from gongjian.orgs.models import Area, Unit
from gongjian.service import selectors
from gongjian.service.models import QUOTA_MAX, QUOTA_MIN, Audience, Series, ServiceCategory, Team
from gongjian.service.services.activities import MAX_OCCURRENCES

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    category = forms.ModelChoiceField(label=_("服务类别"), queryset=ServiceCategory.objects.none())
    area = forms.ModelChoiceField(label=_("地点（社区或网格）"), queryset=Area.objects.none())
    address = forms.CharField(label=_("详细地址"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DT_WIDGET)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DT_WIDGET)
    quota = forms.IntegerField(label=_("名额"), min_value=QUOTA_MIN, max_value=QUOTA_MAX)
    signup_opens_at = forms.DateTimeField(
        label=_("报名开始"), widget=DT_WIDGET, required=False, help_text=_("不填为立即开始")
    )
    signup_closes_at = forms.DateTimeField(
        label=_("报名截止"), widget=DT_WIDGET, required=False, help_text=_("不填为活动开始时")
    )
    audience = forms.ChoiceField(label=_("报名范围"), choices=Audience.choices)
    unit = forms.ModelChoiceField(label=_("组织单位"), queryset=Unit.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("服务队"), queryset=Team.objects.none(), required=False)
    description = forms.CharField(label=_("活动内容"), widget=forms.Textarea, required=False)
    repeat = forms.ChoiceField(
        label=_("重复"),
        choices=[("", _("不重复")), *Series.Frequency.choices],
        required=False,
        help_text=_("每周：遇法定节假日顺延一周不办；每月：遇节假日或周末顺延至下一个工作日"),
    )
    occurrences = forms.IntegerField(
        label=_("重复次数"), min_value=1, max_value=MAX_OCCURRENCES, required=False, initial=1
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["category"].queryset = selectors.category_list()
        fields["area"].queryset = selectors.activity_places(actor)
        fields["unit"].queryset = Unit.objects.filter(scope.unit_q(actor, write=True))
        fields["team"].queryset = Team.objects.filter(selectors.team_q(actor, write=True))


class TeamForm(forms.Form):
    name = forms.CharField(label=_("队名"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=Team.Kind.choices)
    captain = forms.UUIDField(label=_("队长"), error_messages={"required": _("请选择队长")})
    category = forms.ModelChoiceField(
        label=_("服务类别"), queryset=ServiceCategory.objects.all(), required=False
    )
    area = forms.ModelChoiceField(label=_("所属区域"), queryset=Area.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Unit.objects.none(), required=False)
    description = forms.CharField(label=_("简介"), max_length=300, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].queryset = Area.objects.filter(scope.area_q(actor, write=True)).exclude(
            kind=Area.Kind.GRID
        )
        fields["unit"].queryset = Unit.objects.filter(scope.unit_q(actor, write=True))


class OutcomeForm(forms.Form):
    households_visited = forms.IntegerField(label=_("入户数"), min_value=0, initial=0)
    people_served = forms.IntegerField(label=_("服务群众人数"), min_value=0, initial=0)
    leaflets = forms.IntegerField(label=_("发放资料份数"), min_value=0, initial=0)
    summary = forms.CharField(label=_("活动小结"), widget=forms.Textarea, required=False)


class CategoryForm(forms.Form):
    code = forms.SlugField(label=_("编码"), max_length=32, required=False)
    name = forms.CharField(label=_("名称"), max_length=30)
    colour = forms.CharField(
        label=_("颜色"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
