"""Forms of obligations and compliance: publishing, explaining, recording an event, filtering."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Disclosure, DisclosureRequirement
from ..services.obligations import clean_document

FIRST_YEAR = 2014  # the Glass Account law


def year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]


class PublishForm(forms.Form):
    document = forms.FileField(
        label=_("Document (PDF, XLSX or CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.xlsx,.csv"}),
    )
    dataset_code = forms.ChoiceField(label=_("or the dataset that holds the data"), required=False)
    dataset_period = forms.CharField(
        label=_("Period of the data in the dataset"),
        required=False,
        max_length=32,
        help_text=_("For example 2026, 2026-Q3 or 2026-09."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, disclosure: Disclosure, **kwargs):
        super().__init__(*args, **kwargs)
        from ..opendata import datasets

        self.disclosure = disclosure
        self.fields["dataset_code"].choices = [("", "—")] + [(d.code, d.label) for d in datasets()]
        if disclosure.requirement.dataset_code and not self.is_bound:
            self.initial["dataset_code"] = disclosure.requirement.dataset_code

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return clean_document(upload) if upload else None

    def clean(self):
        data = super().clean()
        document, dataset = data.get("document"), data.get("dataset_code")
        if self.errors:
            return data
        if document is None and not dataset:
            raise ValidationError(_("Attach a document or choose the dataset that holds the data."))
        if document is not None and dataset:
            raise ValidationError(_("Attach a document or choose a dataset, not both."))
        if dataset and not data.get("dataset_period"):
            self.add_error("dataset_period", _("Say which period of the dataset holds the data."))
        return data


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label=_("Public explanation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the item is late or missing. Everyone can read it."),
    )


class EventForm(forms.Form):
    requirement = forms.ModelChoiceField(
        label=_("Requirement"), queryset=DisclosureRequirement.objects.none(), empty_label=None
    )
    organization = forms.ModelChoiceField(label=_("Body"), queryset=None, empty_label=None)
    event_date = forms.DateField(label=_("Date of the event"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("What happened"), max_length=255)
    amount = forms.DecimalField(label=_("Amount (MNT)"), required=False, min_value=0, max_digits=16, decimal_places=2)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = DisclosureRequirement.objects.active().filter(
            frequency=DisclosureRequirement.Frequency.PER_EVENT
        )
        self.fields["organization"].queryset = organizations

    def clean_event_date(self):
        day = self.cleaned_data["event_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The date is in the future."))
        return day


class ComplianceFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class ScheduleFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("Year of the deadline"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("all")), *Disclosure.Status.choices]
        self.fields["year"].choices = [("", _("all")), *year_choices()]

    def apply(self, disclosures):
        if not self.is_valid():
            return disclosures
        if self.cleaned_data.get("status"):
            disclosures = disclosures.filter(status=self.cleaned_data["status"])
        if self.cleaned_data.get("year"):
            disclosures = disclosures.filter(due_on__year=self.cleaned_data["year"])
        return disclosures
