"""Forms of the image library: one image's upload, several at once, and the missing-file upload."""
from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import processing
from .markup import canonical_name
from .models import Image

ACCEPT = "image/jpeg,image/png,image/gif,image/webp"


def read_checked(upload: UploadedFile) -> bytes:
    """The upload's bytes after the same checks storing will make (a clear error if refused)."""
    if upload.size and upload.size > processing.max_bytes():
        raise forms.ValidationError(
            _("文件太大：最多 %(limit)s 字节。") % {"limit": f"{processing.max_bytes():,}"}, code="too_large"
        )
    data = upload.read()
    processing.decode(data)
    return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one field (Django's documented pattern for ``multiple``)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else [data]
        return [single(item, initial) for item in files if item] if any(files) else single(None, initial)


class ImageAdminForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("上传文件"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("JPEG、PNG、GIF 或 WebP。上传后自动生成 320／640／1280 像素宽的版本，并去掉拍摄地点等元数据。"),
    )

    class Meta:
        model = Image
        fields = "__all__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.upload_data: bytes | None = None
        if "name" in self.fields:
            self.fields["name"].required = False

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.upload_data = read_checked(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        name = canonical_name(cleaned.get("name") or (upload.name if upload else ""))
        if not name:
            self.add_error("name", _("请填写名称，或上传一个文件（以文件名为名称）。"))
            return cleaned
        if Image.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("已有名为“%(name)s”的图片。") % {"name": name})
        cleaned["name"] = name
        self.instance.name = name
        return cleaned


class BulkUploadForm(forms.Form):
    files = MultipleImageField(label=_("图片文件"), widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                               help_text=_("可一次选择多个文件；文件名即图片名称。"))
    replace = forms.BooleanField(label=_("替换同名图片已有的文件"), required=False)
    licence = forms.CharField(label=_("许可协议"), required=False, max_length=200)
    author = forms.CharField(label=_("作者／来源署名"), required=False, max_length=300)


class MissingFileForm(forms.Form):
    image = forms.ModelChoiceField(queryset=Image.objects.without_file(), widget=forms.HiddenInput)
    file = forms.FileField(label=_("文件"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def clean_file(self):
        self.data_bytes = read_checked(self.cleaned_data["file"])
        return self.cleaned_data["file"]
