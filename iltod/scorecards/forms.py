from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership, User
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

from .models import FocusGroup, InputItem, Project, Scale, Stage

DATE = forms.DateInput(attrs={"type": "date"})
MAX_PARTICIPANTS = 10000  # far above any focus group; keeps typing slips out of the database


def _not_in_future(day):
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return day


class CycleForm(forms.Form):
    facility = forms.CharField(
        label=_("Facility code"),
        max_length=12,
        help_text=_("The code shown on the facility's page, e.g. 7KQ2M9XA."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. School No. 1, spring 2026"))
    owner_organization = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organization.objects.none())
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("A cycle started under a project starts with the project's indicators."),
    )
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices, initial=Scale.FIVE)
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Someone who runs score cards in the owner organisation; you, if left empty."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organization"].queryset = organizations
        if organizations.count() == 1:
            self.fields["owner_organization"].initial = organizations.first()
        self.fields["project"].queryset = Project.objects.filter(is_active=True)
        self.fields["facilitator"].queryset = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.with_capability(Capability.RUN_SCORECARDS)
            .filter(organization__in=organizations)
            .values("user_id"),
        ).order_by("full_name", "email")

    def clean(self):
        cleaned = super().clean()
        facilitator, owner = cleaned.get("facilitator"), cleaned.get("owner_organization")
        if (
            facilitator is not None
            and owner is not None
            and not Membership.objects.with_capability(Capability.RUN_SCORECARDS)
            .filter(user=facilitator, organization=owner)
            .exists()
        ):
            self.add_error("facilitator", _("The facilitator must run score cards in the owner organisation."))
        return cleaned

    def clean_facility(self):
        code = self.cleaned_data["facility"].strip().upper()
        facility = ServiceUnit.objects.active().filter(code=code).first()
        if facility is None:
            raise forms.ValidationError(_("No facility has the code “%(code)s”."), params={"code": code})
        return facility


class PlanForm(forms.Form):
    """The planned end date of each stage."""

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        for plan in plans:
            self.fields[plan.stage] = forms.DateField(
                label=Stage(plan.stage).label, required=False, initial=plan.planned_end, widget=DATE
            )

    def clean(self):
        cleaned = super().clean()
        last = None
        for stage in Stage.values:
            day = cleaned.get(stage)
            if day is None:
                continue
            if last is not None and day < last:
                self.add_error(stage, _("A stage cannot end before the stage before it."))
            last = day
        return cleaned


class AdvanceForm(forms.Form):
    """The stage the user saw as the next one: the service refuses any other (stages go in order)."""

    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices, widget=forms.HiddenInput)


class SkipForm(forms.Form):
    """The stage to leave out (the current one, as the user saw it) and why."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is this stage skipped?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the cycle page and kept in its history."),
    )


class IndicatorForm(forms.Form):
    text_mn = forms.CharField(label=_("Indicator in Mongolian"), max_length=255)
    text_en = forms.CharField(label=_("Indicator in English"), max_length=255, required=False)


class InputForm(forms.ModelForm):
    class Meta:
        model = InputItem
        fields = ["name", "unit", "entitled", "actual", "source", "checked_by", "checked_on", "note"]
        widgets = {"checked_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def _not_negative(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            raise forms.ValidationError(_("The number cannot be negative."))
        return value

    def clean_entitled(self):
        return self._not_negative("entitled")

    def clean_actual(self):
        return self._not_negative("actual")

    def clean_checked_on(self):
        return _not_in_future(self.cleaned_data.get("checked_on"))


class GroupForm(forms.ModelForm):
    class Meta:
        model = FocusGroup
        fields = ["kind", "name", "held_on", "facilitator_name", "participants_female", "participants_male"]
        widgets = {"held_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("participants_female", "participants_male"):
            field = self.fields[name]
            field.max_value = MAX_PARTICIPANTS
            field.validators.append(MaxValueValidator(MAX_PARTICIPANTS))
            field.widget.attrs["max"] = MAX_PARTICIPANTS

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data.get("held_on"))


class SheetForm(forms.Form):
    """A paper score sheet typed in: one score and one reason per indicator, in order."""

    def __init__(self, *args, indicators, scale, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = Scale.bounds(scale)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"score_{indicator.number}"] = forms.IntegerField(
                label=str(indicator),
                required=False,
                min_value=low,
                max_value=high,
                widget=forms.NumberInput(attrs={"min": low, "max": high, "inputmode": "numeric", "class": "score"}),
            )
            self.fields[f"reason_{indicator.number}"] = forms.CharField(
                label=_("Reason"), required=False, max_length=2000, widget=forms.TextInput(attrs={"class": "reason"})
            )

    def rows(self):
        return [(i, self[f"score_{i.number}"], self[f"reason_{i.number}"]) for i in self.indicators]

    def entries(self):
        from .services import Entry

        return {
            i.number: Entry(self.cleaned_data.get(f"score_{i.number}"), self.cleaned_data.get(f"reason_{i.number}", ""))
            for i in self.indicators
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs correcting"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterfaceMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the meeting"), widget=DATE)
    venue = forms.CharField(label=_("Place"), max_length=255, required=False)
    count = forms.IntegerField(
        label=_("Indicators to act on"),
        min_value=1,
        max_value=10,
        initial=3,
        help_text=_("The lowest-scored and the most divergent indicators, this many of each."),
    )
    due_on = forms.DateField(label=_("Actions due by"), required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        held_on, due_on = cleaned.get("held_on"), cleaned.get("due_on")
        if held_on and due_on and due_on < held_on:
            self.add_error("due_on", _("The actions must be due after the meeting."))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("KoBo export"), help_text=_("JSON, CSV or XLSX exported with the form's field names as headers.")
    )


class PublicFilterForm(forms.Form):
    aimag = forms.ModelChoiceField(
        label=_("Aimag or the capital"), queryset=AdminUnit.objects.none(), required=False, to_field_name="code"
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aimag"].queryset = AdminUnit.objects.current().top_level().order_by("code")


class OverviewForm(PublicFilterForm):
    by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("aimag", _("aimag")), ("sector", _("sector")), ("indicator", _("indicator"))],
        required=False,
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.filter(is_active=True), required=False, to_field_name="code"
    )


class StaffFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("all")), *Stage.choices], required=False)
    q = forms.CharField(label=_("Facility or title"), required=False, max_length=100)
