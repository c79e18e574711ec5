from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(label=_("当前密码"), widget=forms.PasswordInput, max_length=128)

    field_order = ("old_password", "new_password1", "new_password2")
