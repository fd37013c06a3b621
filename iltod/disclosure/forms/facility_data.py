"""Forms of facility data: a facility's values for a period, a file of values, a citizen's check,
a correction, a campaign's volunteer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.core.forms import HoneypotMixin
from iltod.feedback.uploads import clean_upload
from iltod.lib.tabular import MAX_IMPORT_BYTES

from ..models.facility_data import FacilityIndicator, ValueCheck

VALUE_TYPE_HINTS = {
    FacilityIndicator.ValueType.INTEGER: _("A whole number."),
    FacilityIndicator.ValueType.DECIMAL: _("A number; a comma or a point before decimals."),
    FacilityIndicator.ValueType.YES_NO: _("Yes or no."),
}


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=7, help_text=_("A year (2025) or a quarter (2025-Q3)."))


class ValuesForm(PeriodForm):
    """One field per indicator the facility publishes; ratios are computed and shown, not entered."""

    def __init__(self, *args, indicators, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [i for i in indicators if not i.is_ratio]
        for indicator in self.indicators:
            label = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            if indicator.value_type == FacilityIndicator.ValueType.YES_NO:
                field = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", _("not published")), ("1", _("yes")), ("0", _("no"))],
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=30,
                    help_text=VALUE_TYPE_HINTS[indicator.value_type],
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
            if indicator.code in current:
                field.initial = current[indicator.code]
            self.fields[f"v_{indicator.code}"] = field

    def raw_values(self) -> dict:
        return {i.code: self.cleaned_data.get(f"v_{i.code}", "") for i in self.indicators}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"), help_text=_("Columns: facility_code, indicator, period, value.")
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class CheckForm(HoneypotMixin, forms.Form):
    verdict = forms.ChoiceField(
        label=_("What did you see?"),
        choices=[
            (ValueCheck.Verdict.CONFIRM, _("The value is right")),
            (ValueCheck.Verdict.DISPUTE, _("The value is wrong")),
        ],
        widget=forms.RadioSelect,
    )
    observed_value = forms.DecimalField(
        label=_("The value you observed"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=_("For yes or no: 1 for yes, 0 for no."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(label=_("Photo"), required=False, help_text=_("A photo of what you saw (JPEG, PNG, WebP)."))

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            clean_upload(upload)  # refuses what is not a photo or a PDF, with a translated message
            upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        if (
            data.get("verdict") == ValueCheck.Verdict.DISPUTE
            and data.get("observed_value") is None
            and not (data.get("comment") or "").strip()
        ):
            raise forms.ValidationError(_("Say what you observed: a value or a comment."))
        return data


class CorrectionForm(forms.Form):
    value = forms.CharField(label=_("Corrected value"), max_length=30)
