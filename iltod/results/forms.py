"""Forms of the results pages: they read the input; the services check it against the framework."""

from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.feedback.uploads import clean_upload
from iltod.places.models import AdminUnit, Sector

from .models import RankingEntry, Subscription


class _PeriodField(forms.CharField):
    """The period's id as posted: the service says when it is not one of the framework's periods."""

    def __init__(self, *, framework=None, **kwargs):
        choices = [(str(p.pk), str(p)) for p in framework.periods.all()] if framework is not None else []
        super().__init__(label=_("Period"), widget=forms.Select(choices=choices), max_length=12, **kwargs)


class TargetForm(forms.Form):
    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = _PeriodField(framework=framework)
        self.fields["target"] = forms.CharField(label=_("Target"), max_length=20, required=False)
        self.fields["comment"] = forms.CharField(label=_("About the target"), max_length=500, required=False)


class ManualActualForm(forms.Form):
    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = _PeriodField(framework=framework)
        self.fields["value"] = forms.CharField(label=_("Actual"), max_length=20, required=False)
        self.fields["narrative"] = forms.CharField(
            label=_("Narrative"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
        )
        self.fields["evidence_url"] = forms.URLField(
            label=_("Evidence (link)"), required=False, max_length=200, assume_scheme="https"
        )
        self.fields["evidence_file"] = forms.FileField(
            label=_("Evidence (file)"), required=False, help_text=_("A PDF document or a photo, 5 MB at most.")
        )
        self.fields["evidence_note"] = forms.CharField(label=_("What the evidence is"), max_length=500, required=False)

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        cleaned = clean_upload(upload)
        cleaned.file.name = cleaned.name
        return cleaned.file


class RankingFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of body"), choices=RankingEntry.BodyKind.choices, required=False)
    aimag = forms.ModelChoiceField(
        label=_("Aimag or the capital"),
        queryset=AdminUnit.objects.top_level(),
        to_field_name="code",
        required=False,
        empty_label=_("All of Mongolia"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All sectors"),
    )


class SubscriptionForm(forms.Form):
    target_kind = forms.ChoiceField(choices=Subscription.TargetKind.choices, widget=forms.HiddenInput)
    target_code = forms.CharField(max_length=32, widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Send by"), choices=Subscription.Channel.choices, widget=forms.RadioSelect, initial="email"
    )
    address = forms.CharField(
        label=_("E-mail address or mobile number"), max_length=254, help_text=_("e.g. bat@example.mn or 9911 2233")
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Subscription.Frequency.choices, widget=forms.RadioSelect, initial="immediate"
    )


class ConfirmCodeForm(forms.Form):
    code = forms.CharField(label=_("Confirmation code"), max_length=8, min_length=6)
