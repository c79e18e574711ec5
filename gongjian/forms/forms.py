"""The return's page form, built from the fields of the round's version: every value as text
(the service types and checks it, naming the field), and a reason beside each sourced field."""

from __future__ import annotations

from typing import Any

from django import forms

from gongjian.forms.models import Answer, Field


def return_form(
    fields: list[Field], answers: dict[int, Answer], live: dict[int, Any], data: Any = None
) -> forms.Form:
    declared: dict[str, forms.Field] = {}
    initial: dict[str, Any] = {}
    for f in fields:
        if f.ratio:
            continue
        if f.kind == Field.Kind.CHOICE:
            widget: forms.Widget = forms.Select(
                choices=[("", "—"), *[(c, c) for c in f.choice_list]]
            )
        elif f.kind == Field.Kind.YESNO:
            widget = forms.Select(choices=[("", "—"), ("1", "是"), ("0", "否")])
        elif f.kind == Field.Kind.DATE:
            widget = forms.DateInput(attrs={"type": "date"})
        elif f.kind == Field.Kind.TEXT:
            widget = forms.Textarea(attrs={"rows": 2})
        else:
            widget = forms.TextInput(attrs={"inputmode": "decimal"})
        declared[f.code] = forms.CharField(
            label=f.label, required=False, max_length=1000, widget=widget
        )
        a = answers.get(f.pk)
        if a is not None:
            if f.kind == Field.Kind.DATE:
                initial[f.code] = a.date.isoformat() if a.date else ""
            elif f.kind in (Field.Kind.TEXT, Field.Kind.CHOICE):
                initial[f.code] = a.text
            elif a.number is not None:
                initial[f.code] = f"{a.number.normalize():f}"
        elif f.pk in live:
            initial[f.code] = f"{live[f.pk][0].normalize():f}"
        if f.source:
            declared[f"reason_{f.code}"] = forms.CharField(
                label="修改原因", required=False, max_length=400
            )
            initial[f"reason_{f.code}"] = a.reason if a is not None else ""
    form_class = type("ReturnForm", (forms.Form,), declared)
    return form_class(data, initial=initial)  # type: ignore[no-any-return]


def split(cleaned: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    values = {k: v for k, v in cleaned.items() if not k.startswith("reason_")}
    reasons = {k[len("reason_") :]: v for k, v in cleaned.items() if k.startswith("reason_")}
    return values, reasons
