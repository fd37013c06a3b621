from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.places.models import AdminUnit, Sector

from .models import CaseStep, ContractingProcess, MonitoringCase, OversightBody, ProcessFeedback


def skipped_choices():
    """Why some red flags could not check a process, each with how many processes it concerns."""
    from django.db.models import Count

    from .models import SkippedCheck

    counts = dict(SkippedCheck.objects.values_list("reason").annotate(n=Count("pk")).order_by())
    return [("", _("any"))] + [
        (reason, _("%(reason)s (%(count)d)") % {"reason": label, "count": counts.get(reason, 0)})
        for reason, label in SkippedCheck.Reason.choices
    ]


def flag_choices():
    try:
        from .flags import INDICATORS, explain
    except ImportError:
        return [("", _("any"))]
    from django.utils.translation import get_language

    choices = [("", _("any"))]
    for code in INDICATORS:
        try:
            meaning = explain(code, get_language() or "mn")[0]
        except Exception:  # an indicator without text yet: its code alone
            meaning = ""
        choices.append((code, f"{code} {meaning[:60]}".strip()))
    return choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or OCID"), required=False, max_length=100)
    buyer = forms.CharField(label=_("Buyer"), required=False, max_length=100)
    supplier = forms.CharField(label=_("Supplier"), required=False, max_length=100)
    aimag = forms.ModelChoiceField(
        label=_("Aimag or the capital"),
        queryset=AdminUnit.objects.top_level().order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("any"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), to_field_name="code", required=False, empty_label=_("any")
    )
    method = forms.ChoiceField(
        label=_("Procurement method"),
        choices=[("", _("any")), *[c for c in ContractingProcess.Method.choices if c[0]]],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("any")), *[c for c in ContractingProcess.Status.choices if c[0]]],
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    min_amount = forms.DecimalField(label=_("Amount from (MNT)"), required=False, min_value=0, max_digits=20)
    max_amount = forms.DecimalField(label=_("Amount up to (MNT)"), required=False, min_value=0, max_digits=20)
    flag = forms.ChoiceField(label=_("Red flag"), required=False, choices=())
    skipped = forms.ChoiceField(label=_("Not checked by every red flag"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = flag_choices()
        self.fields["skipped"].choices = skipped_choices()

    def clean(self):
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The lower amount is larger than the upper amount."))
        return data


YES_NO = [("", _("no answer")), ("yes", _("yes")), ("no", _("no"))]


class ProcessFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Overall, how was this procurement? (1 very bad – 5 very good)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("What did you see?"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=150)
    reporter_phone = forms.CharField(label=_("Phone for the answer (optional)"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ProcessFeedback.QUESTIONS:
            self.fields[f"{code}"] = forms.ChoiceField(label=label, choices=YES_NO, required=False)
            self.fields[f"{code}_comment"] = forms.CharField(
                label=_("Comment"), required=False, max_length=1000, widget=forms.TextInput
            )

    def question_rows(self):
        return [(self[code], self[f"{code}_comment"]) for code, _label in ProcessFeedback.QUESTIONS]

    def answers(self) -> dict:
        result = {}
        for code, _label in ProcessFeedback.QUESTIONS:
            raw = self.cleaned_data.get(code)
            value = {"yes": True, "no": False}.get(raw)
            comment = (self.cleaned_data.get(f"{code}_comment") or "").strip()
            if value is not None or comment:
                result[code] = {"value": value, "comment": comment}
        return result

    def clean(self):
        data = super().clean()
        if self.is_bound and not self.errors and not (data.get("text") or "").strip() and not self.answers():
            raise forms.ValidationError(_("Answer at least one question or say what you saw."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(EvidenceField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class CaseForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("For the organisation"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("The violation"), max_length=255)
    summary = forms.CharField(label=_("Public summary"), widget=forms.Textarea(attrs={"rows": 4}))
    files = EvidenceField(label=_("Evidence (photos or PDF, up to 3)"), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Step"), choices=[c for c in CaseStep.Kind.choices if c[0] != CaseStep.Kind.VIOLATION]
    )
    oversight_body = forms.ModelChoiceField(
        label=_("Oversight body (for a complaint)"),
        queryset=OversightBody.objects.filter(is_active=True),
        required=False,
        empty_label=_("none"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"), choices=[("", _("none")), *MonitoringCase.Outcome.choices], required=False
    )
    summary = forms.CharField(label=_("Public summary"), widget=forms.Textarea(attrs={"rows": 3}))
    files = EvidenceField(label=_("Evidence (photos or PDF, up to 3)"), required=False)

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > 3:
            raise forms.ValidationError(_("Attach at most 3 files."))
        return files


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("OCDS file"),
        help_text=_("A release or record package, JSON lines of releases or compiled releases, or an XLSX sheet."),
    )


class FlagSettingsImportForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    file = forms.FileField(label=_("Settings file (INI)"))
    activate = forms.BooleanField(label=_("Make these the active settings"), required=False, initial=True)
