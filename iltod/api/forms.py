from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.accounts.models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What uses this key, e.g. “hotline CRM”."))
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiKey.Scope.choices,
        initial=ApiKey.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Read and write keys can submit feedback and act on the items your organisation handles."),
    )
