from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.places.models import AdminUnit, Sector

from .models import Organization


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(choices=[("", _("All types")), *Organization.Kind.choices], required=False,
                             label=_("Type"))
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), to_field_name="code", required=False,
                                    label=_("Sector"), empty_label=_("All sectors"))
    area = forms.ModelChoiceField(queryset=AdminUnit.objects.top_level(), to_field_name="code",
                                  required=False, label=_("Aimag or capital"),
                                  empty_label=_("All of Mongolia"))
