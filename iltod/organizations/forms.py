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

    def __init__(self, *args, roles=(), **kwargs):
        """``roles``: the roles the person filling in the form may give (``permissions.grantable_roles``)."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [c for c in Role.choices if c[0] in roles]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class NetworkMemberSearchForm(forms.Form):
    """Find organisations to add to a network."""

    q = forms.CharField(
        label=_("Find an organisation to add"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class MembershipReasonForm(forms.Form):
    """Adding, suspending, reinstating or removing a member or a subnetwork: the reason is kept in
    the membership's history."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},  # blank or only spaces
    )


class NetworkMemberAddForm(MembershipReasonForm):
    """Add one organisation, named by its public code, to ``network``."""

    member = forms.CharField(max_length=12)
    is_focal_point = forms.BooleanField(label=_("focal point"), required=False)
    field_order = ["member", "is_focal_point", "reason"]

    def __init__(self, *args, network, **kwargs):
        self.network = network
        super().__init__(*args, **kwargs)

    def clean_member(self):
        member = Organization.objects.public().filter(code=self.cleaned_data["member"]).first()
        if member is None:
            raise forms.ValidationError(_("There is no active organisation with this code."), code="unknown")
        if member.pk == self.network.pk:
            raise forms.ValidationError(_("A network cannot be a member of itself."), code="self")
        if self.network.network_memberships.current().filter(member=member).exists():
            raise forms.ValidationError(
                _("%(name)s is already a member of this network.") % {"name": member.name}, code="member"
            )
        return member
