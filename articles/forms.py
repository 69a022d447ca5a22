"""The editors' forms (used by ``admin.py``): the article form with its edit-conflict check, and
merging categories."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import revisions
from .models import Article, Category
from .nojs import CategoriesByNameMixin


class ArticleAdminForm(CategoriesByNameMixin, forms.ModelForm):
    """The article form remembers which version the editor opened (optimistic concurrency)."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    edit_base = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A title in either script will do (the other is converted on save); Article.clean
        # asks for at least one.
        for name in ("title_zh_hans", "title_zh_hant"):
            if name in self.fields:
                self.fields[name].required = False
        if self.instance.pk:
            self.fields["edit_token"].initial = revisions.edit_token(self.instance)
            self.fields["edit_base"].initial = revisions.shown_values(self.instance)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk:
            conflict = revisions.lock_and_find_conflict(self.instance.pk, cleaned.get("edit_token") or "")
            if conflict:
                # Keep everything the editor typed; a deliberate second save overwrites.
                self.data = self.data.copy()
                self.data["edit_token"] = conflict.token
                raise ValidationError(
                    _("“%(user)s”在 %(when)s 保存了这个条目，晚于你打开它的时间，所以这次没有保存。"
                      "你的输入都保留在下面。请先在新窗口查看历史记录中对方的修改；确认后再次保存，将以你的内容覆盖对方的修改。"),
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
