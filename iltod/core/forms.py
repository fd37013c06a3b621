from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The first row names the columns. Nothing is saved unless every row is valid."),
    )
    dry_run = forms.BooleanField(label=_("Only check, do not save"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class CalendarYearForm(forms.Form):
    # The package computes Mongolia's lunar holidays from 2004 to 2099.
    year = forms.IntegerField(label=_("Year"), min_value=2004, max_value=2099)


class HoneypotMixin:
    """Adds the ``website`` honeypot of the public forms: a field people never see (the template
    wraps it in ``<p class="hp" aria-hidden="true">``, out of the tab order) and bots fill in. A
    form with it filled is refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"] = forms.CharField(
            required=False,
            label=_("Leave this empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""
