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
        fields = ["network", "title_mn", "title_en", "summary_mn", "summary_en", "starts_on", "ends_on", "visibility"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "summary_mn": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title_mn": _("Title (Mongolian)"),
            "title_en": _("Title (English)"),
            "summary_mn": _("Summary (Mongolian)"),
            "summary_en": _("Summary (English)"),
        }

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["title_mn"].required = True
        for name in ("summary_mn", "summary_en"):
            self.fields[name].max_length = 20000

    def service_arguments(self) -> dict:
        """The cleaned data as ``create_strategic_plan`` takes it (Mongolian first)."""
        data = dict(self.cleaned_data)
        data["title"], data["summary"] = data.pop("title_mn"), data.pop("summary_mn") or ""
        data["title_en"], data["summary_en"] = data["title_en"] or "", data["summary_en"] or ""
        return data

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("A plan must end after it starts."))
        return data


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Who may see the plan"), choices=StrategicPlan.Visibility.choices)


class FocusAreaForm(forms.Form):
    title = forms.CharField(label=_("Focus area (Mongolian)"), max_length=255)
    title_en = forms.CharField(label=_("Focus area (English)"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description (Mongolian)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectiveForm(forms.Form):
    focus_area = forms.ModelChoiceField(label=_("Focus area"), queryset=None)
    title = forms.CharField(label=_("Objective (Mongolian)"), max_length=255)
    title_en = forms.CharField(label=_("Objective (English)"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description (Mongolian)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
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
