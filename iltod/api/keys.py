"""API keys of an organisation, managed by its administrators (who may manage its members).

The raw key is shown once, in the answer to the request that created it, and never stored.
Everyone else gets 404 ("not found" and "not allowed" look the same).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key, revoke_api_key
from iltod.organizations.permissions import get_organization_for_member_management

from .forms import ApiKeyForm


@login_required
def key_list(request, org_code):
    organization = get_organization_for_member_management(request.user, org_code)
    form = ApiKeyForm(request.POST or None)
    new_key = raw_key = None
    if request.method == "POST" and form.is_valid():
        new_key, raw_key = create_api_key(
            actor=request.user,
            organization=organization,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            request=request,
        )
        form = ApiKeyForm()
    keys = organization.api_keys.select_related("created_by").order_by("revoked_at", "name", "pk")
    response = render(
        request,
        "api/key_list.html",
        {
            "organization": organization,
            "keys": keys,
            "form": form,
            "new_key": new_key,
            "raw_key": raw_key,
        },
    )
    if raw_key:
        response["Cache-Control"] = "no-store"  # the key must not stay in any cache
    return response


@login_required
@require_POST
def key_revoke(request, org_code, prefix):
    organization = get_organization_for_member_management(request.user, org_code)
    api_key = get_object_or_404(ApiKey, organization=organization, prefix=prefix)
    revoke_api_key(actor=request.user, api_key=api_key, request=request)
    messages.success(request, _("The key “%(name)s” was revoked; it no longer works.") % {"name": api_key.name})
    return redirect("api:keys", org_code=organization.code)
