"""Forms parse the pages' input into typed values; the rules stay in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.cobuild.models import Priority, Project

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lists_due = forms.DateField(label=_("清单截止"), required=False, widget=DATE)
    preferences_due = forms.DateField(label=_("双向选择截止"), required=False, widget=DATE)
    signing_due = forms.DateField(label=_("签约截止"), required=False, widget=DATE)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("资源名称"), max_length=100)
    description = forms.CharField(
        label=_("资源内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.CharField(label=_("类别"), max_length=32, required=False)
    capacity = forms.IntegerField(label=_("可服务社区数"), min_value=1, max_value=100)
    area = forms.IntegerField(label=_("服务区域"), required=False)
    contact = forms.CharField(
        label=_("联系人及电话"),
        max_length=100,
        required=False,
        help_text=_("手机号加密保存、只显示部分号码；修改时保留显示的号码即保留原号码"),
    )


class DemandForm(forms.Form):
    title = forms.CharField(label=_("需求名称"), max_length=100)
    description = forms.CharField(
        label=_("需求内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.CharField(label=_("类别"), max_length=32, required=False)
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices, initial="medium")
    needed_by = forms.DateField(label=_("期望完成时间"), required=False, widget=DATE)


class ProjectForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Project.Status.choices, required=False)
    starts_on = forms.DateField(label=_("开始日期"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=DATE)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=100)
    due_on = forms.DateField(label=_("计划完成日期"), required=False, widget=DATE)


def first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return str(_("输入有误"))
