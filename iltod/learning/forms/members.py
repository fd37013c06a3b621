from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.organizations.forms import MembershipReasonForm
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector

from ..models import SATool


class DirectoryForm(forms.Form):
    """Filters of the public member directory."""

    aimag = forms.ModelChoiceField(
        queryset=AdminUnit.objects.top_level().without_shapes().order_by("name"),
        to_field_name="code",
        required=False,
        label=_("Aimag or capital"),
        empty_label=_("All of Mongolia"),
    )
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Sector"),
        empty_label=_("All sectors"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("All types")), *Organization.Kind.choices], required=False, label=_("Type")
    )
    tool = forms.ChoiceField(choices=[("", _("Any tool")), *SATool.choices], required=False, label=_("Tool used"))
    subnetwork = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Subnetwork"),
        empty_label=_("All subnetworks"),
    )

    def __init__(self, *args, subnetworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subnetwork"].queryset = subnetworks


ReasonForm = MembershipReasonForm  # one rule for a membership change's reason, on both pages


class SubnetworkForm(forms.Form):
    name_mn = forms.CharField(label=_("Name in Mongolian"), max_length=255)
    name_en = forms.CharField(label=_("Name in English"), max_length=255, required=False)
    mission = forms.CharField(label=_("Mission"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
