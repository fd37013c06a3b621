from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.places.models import AdminUnit, Sector

from ..models import BudgetRange, FundingSource, SATool


class ProfileForm(forms.Form):
    """The network's profile questionnaire. Each tool has a tick box and an example."""

    mission = forms.CharField(label=_("Mission"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(),
        to_field_name="code",
        label=_("Sectors covered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=AdminUnit.objects.top_level().without_shapes().order_by("name"),
        to_field_name="code",
        label=_("Aimags covered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    staff = forms.IntegerField(label=_("Paid staff"), min_value=0, max_value=100000)
    volunteers = forms.IntegerField(label=_("Volunteers"), min_value=0, max_value=1000000)
    budget_range = forms.ChoiceField(
        label=_("Yearly budget"), choices=[("", _("Not said")), *BudgetRange.choices], required=False
    )
    funding_sources = forms.MultipleChoiceField(
        label=_("Funding sources"), choices=FundingSource.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    government_partnerships = forms.CharField(
        label=_("Partnerships with government"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Agreements, joint groups or projects with government bodies."),
    )
    governance = forms.CharField(
        label=_("Governance"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Board, general assembly, how decisions are taken and reported."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in SATool.choices:
            self.fields[f"tool_{value}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"example_{value}"] = forms.CharField(
                label=_("Example of %(tool)s") % {"tool": label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def tool_rows(self):
        return [(self[f"tool_{value}"], self[f"example_{value}"]) for value in SATool.values]

    def clean(self):
        data = super().clean()
        for value, label in SATool.choices:
            if data.get(f"example_{value}", "").strip() and not data.get(f"tool_{value}"):
                self.add_error(f"tool_{value}", _("Tick %(tool)s if you give an example of it.") % {"tool": label})
        return data

    def tools(self) -> dict[str, str]:
        return {
            value: self.cleaned_data.get(f"example_{value}", "").strip()
            for value in SATool.values
            if self.cleaned_data.get(f"tool_{value}")
        }

    @staticmethod
    def initial_from(profile) -> dict:
        if profile is None:
            return {}
        initial = {
            "mission": profile.mission,
            "sectors": list(profile.sectors.all()),
            "areas": list(profile.areas.all()),
            "staff": profile.staff,
            "volunteers": profile.volunteers,
            "budget_range": profile.budget_range,
            "funding_sources": profile.funding_sources,
            "government_partnerships": profile.government_partnerships,
            "governance": profile.governance,
        }
        for tool in profile.tools.all():
            initial[f"tool_{tool.tool}"] = True
            initial[f"example_{tool.tool}"] = tool.example
        return initial


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why is it returned?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
