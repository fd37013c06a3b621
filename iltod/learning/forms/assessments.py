from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.organizations.models import Organization

from ..models import CapacityItem, Framework, Importance, LearnerRole, ProficiencyLevel

LEVEL_CHOICES = [("", "—"), *ProficiencyLevel.choices]
IMPORTANCE_CHOICES = [("", "—"), *Importance.choices]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    framework = forms.ModelChoiceField(queryset=Framework.objects.none(), label=_("Competency framework"))
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))
    previous = forms.ModelChoiceField(
        queryset=None, label=_("Re-assessment of"), required=False, empty_label=_("None: a first assessment")
    )
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        label=_("Invited organisations"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, network, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = network.competency_frameworks.all()
        self.fields["previous"].queryset = network.assessment_rounds.all()
        self.fields["organizations"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The round cannot close before it opens."))
        return data


class AssessmentForm(forms.Form):
    """One person's ratings: a current level and an importance per competency."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organisation"))
    role = forms.ChoiceField(label=_("Your role"), choices=[("", "—"), *LearnerRole.choices])

    def __init__(self, *args, competencies, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.fields["organization"].queryset = organizations
        for c in competencies:
            self.fields[f"current_{c.pk}"] = forms.TypedChoiceField(
                label=_("My level in %(code)s") % {"code": c.code}, choices=LEVEL_CHOICES, coerce=int
            )
            self.fields[f"importance_{c.pk}"] = forms.TypedChoiceField(
                label=_("Importance of %(code)s for my role") % {"code": c.code}, choices=IMPORTANCE_CHOICES, coerce=int
            )

    def rows(self):
        return [(c, self[f"current_{c.pk}"], self[f"importance_{c.pk}"]) for c in self.competencies]

    def answers(self) -> dict[int, tuple[int, int]]:
        return {
            c.pk: (self.cleaned_data[f"current_{c.pk}"], self.cleaned_data[f"importance_{c.pk}"])
            for c in self.competencies
        }


class CapacityForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in CapacityItem.choices:
            self.fields[f"level_{value}"] = forms.TypedChoiceField(label=label, choices=LEVEL_CHOICES, coerce=int)
            self.fields[f"note_{value}"] = forms.CharField(
                label=_("Note on %(item)s") % {"item": label}, required=False, max_length=1000
            )

    def rows(self):
        return [(self[f"level_{v}"], self[f"note_{v}"]) for v in CapacityItem.values]

    def levels(self):
        return {v: (self.cleaned_data[f"level_{v}"], self.cleaned_data[f"note_{v}"]) for v in CapacityItem.values}


class InviteForm(forms.Form):
    """A person of an invited organisation, invited to answer through their own link."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organisation"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("The private link is sent here; without it, hand it over.")
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
