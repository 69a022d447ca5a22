"""The editors' forms (used by ``admin.py``): the admin login, the article form with its
edit-conflict check, and merging categories."""
from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import revisions
from .models import Article, Category
from .nojs import CategoriesByNameMixin


class AdminLoginForm(AdminAuthenticationForm):
    """Django's admin login with the user name's length checked before ``authenticate``: Django
    only sets the widget's ``maxlength``, so a longer name reached django-axes, whose failure log
    stores it in a varchar(255) — a 500 on PostgreSQL. Now it is a form error and no attempt."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class ArticleAdminForm(CategoriesByNameMixin, forms.ModelForm):
    """The article form remembers which version the editor opened (optimistic concurrency)."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    edit_base = forms.CharField(widget=forms.HiddenInput, required=False)
    edit_summary = forms.CharField(
        label=_("编辑摘要"), required=False, max_length=revisions.EDIT_SUMMARY_LENGTH,
        help_text=_("简述这次修改（显示在历史记录和最近更改中）。"),
        widget=forms.TextInput(attrs={"size": 80}),
    )
    # Form machinery, not content: never listed as "changed" in the history's messages.
    NOT_CONTENT = ("edit_token", "edit_base", "edit_summary")
    conflict: "revisions.Conflict | None" = None

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_token"].initial = revisions.edit_token(self.instance)
            self.fields["edit_base"].initial = revisions.shown_values(self.instance)

    @property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name not in self.NOT_CONTENT]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk:
            conflict = revisions.lock_and_find_conflict(self.instance.pk, cleaned.get("edit_token") or "")
            self.conflict = conflict  # the change form shows the other editor's change (admin)
            if conflict:
                # Keep everything the editor typed; a deliberate second save overwrites.
                self.data = self.data.copy()
                self.data["edit_token"] = conflict.token
                raise ValidationError(
                    _("“%(user)s”在 %(when)s 保存了这个条目，晚于你打开它的时间，所以这次没有保存。"
                      "你的输入都保留在下面，对方的修改列在表单上方。确认后再次保存，将以你的内容覆盖对方的修改。"),
                    code="edit_conflict",
                    params={
                        "user": conflict.changed_by or _("其他人"),
                        "when": date_format(timezone.localtime(conflict.changed_at), "DATETIME_FORMAT"),
                    },
                )
        return cleaned


class MergeCategoriesForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("合并到"))

    def __init__(self, *args, sources: QuerySet[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Category.objects.exclude(pk__in=sources.values("pk"))
