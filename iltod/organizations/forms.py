from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.accounts.capabilities import Role
from iltod.places.models import AdminUnit, Sector

from .models import Organization


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = forms.ChoiceField(
        choices=[("", _("All types")), *Organization.Kind.choices], required=False, label=_("Type")
    )
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Sector"),
        empty_label=_("All sectors"),
    )
    area = forms.ModelChoiceField(
        queryset=AdminUnit.objects.top_level(),
        to_field_name="code",
        required=False,
        label=_("Aimag or capital"),
        empty_label=_("All of Mongolia"),
    )


class MemberForm(forms.Form):
    """Add a person to an organisation, or change their role."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, required=False, help_text=_("Needed when the person has no account yet.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=_("Position"), max_length=150, required=False)

    def __init__(self, *args, can_grant_admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_grant_admin:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
