"""Forms of the network's strategic plan. Updates on action points use engagement's UpdateForm."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.organizations.models import Organization

from ..models.strategy import StrategicPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = StrategicPlan
        fields = ["network", "title", "summary", "starts_on", "ends_on", "visibility"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["summary"].max_length = 20000

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("A plan must end after it starts."))
        return data


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Who may see the plan"), choices=StrategicPlan.Visibility.choices)


class FocusAreaForm(forms.Form):
    title = forms.CharField(label=_("Focus area"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectiveForm(forms.Form):
    focus_area = forms.ModelChoiceField(label=_("Focus area"), queryset=None)
    title = forms.CharField(label=_("Objective"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = plan.focus_areas.all()


class ActionPointForm(forms.Form):
    objective = forms.ModelChoiceField(label=_("Objective"), queryset=None)
    title = forms.CharField(label=_("Action point"), max_length=255)
    lead_organization = forms.ModelChoiceField(label=_("Lead organisation"), queryset=None, required=False)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models.strategy import Objective

        self.fields["objective"].queryset = Objective.objects.filter(focus_area__plan=plan).select_related("focus_area")
        members = plan.network.network_memberships.current().values("member_id")
        organizations = Organization.objects.filter(is_active=True).filter(Q(pk__in=members) | Q(pk=plan.network_id))
        self.fields["lead_organization"].queryset = organizations.order_by("name")
        self.fields["partners"].queryset = organizations.order_by("name")


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(
        label=_("What was reviewed"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision per line."),
    )
