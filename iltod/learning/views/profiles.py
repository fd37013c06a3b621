"""Organisation profiles: the public validated version with its history, the member's
questionnaire, and the network administrator's validation queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.organizations.models import Organization

from ..forms.profiles import ProfileForm, ReturnForm
from ..models import OrganizationProfile
from ..permissions import can_edit_profile, can_validate_profile, managed_network_ids, member_ids_of
from ..services import profiles as services

Status = OrganizationProfile.Status


def _profiles():
    return OrganizationProfile.objects.select_related("organization").prefetch_related("tools", "sectors", "areas")


def profile_public(request, code):
    organization = get_object_or_404(Organization.objects.public(), code=code)
    current = _profiles().filter(organization=organization, is_current=True).first()
    history = organization.learning_profiles.filter(status=Status.VALIDATED).order_by("-reviewed_at", "-pk")
    return render(
        request,
        "learning/profiles/public.html",
        {
            "organization": organization,
            "profile": current,
            "history": history,
            "can_edit": can_edit_profile(request.user, organization),
        },
    )


def profile_version(request, pk):
    """One version: public once validated; otherwise for its organisation and its checkers."""
    profile = get_object_or_404(_profiles(), pk=pk)
    organization = profile.organization
    may_see = profile.status == Status.VALIDATED and organization.is_public and organization.is_active
    may_see = may_see or can_edit_profile(request.user, organization) or _is_checker(request.user, profile)
    if not may_see:
        raise Http404
    return render(
        request,
        "learning/profiles/version.html",
        {
            "organization": organization,
            "profile": profile,
            "can_review": profile.status == Status.SUBMITTED and can_validate_profile(request.user, profile),
            "return_form": ReturnForm(),
        },
    )


def _is_checker(user, profile) -> bool:
    managed = managed_network_ids(user)
    return bool(managed) and profile.organization_id in member_ids_of(managed)


@login_required
def profile_edit(request, code):
    organization = get_object_or_404(Organization.objects.filter(is_active=True), code=code)
    if not can_edit_profile(request.user, organization):
        raise Http404
    open_version = services.open_version(organization)
    if open_version is not None and open_version.status == Status.SUBMITTED:
        messages.info(request, _("Your profile is waiting for validation by the network."))
        return redirect("learning:profile_version", pk=open_version.pk)
    source = open_version or services.latest_version(organization)
    returned = source if source is not None and source.status == Status.RETURNED else None
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_from(source))
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            profile = services.save_draft(
                actor=request.user,
                organization=organization,
                data=form.cleaned_data,
                tools=form.tools(),
                submit=submit,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submit:
                messages.success(request, _("Profile sent to the network for validation."))
                return redirect("learning:profile_version", pk=profile.pk)
            messages.success(request, _("Draft saved."))
            return redirect("learning:profile_edit", code=organization.code)
    return render(
        request,
        "learning/profiles/edit.html",
        {"organization": organization, "form": form, "returned": returned, "draft": open_version},
        status=400 if form.errors else 200,
    )


@login_required
def profile_queue(request):
    managed = managed_network_ids(request.user)
    if not managed:
        raise Http404
    waiting = (
        OrganizationProfile.objects.filter(status=Status.SUBMITTED, organization_id__in=member_ids_of(managed))
        .select_related("organization", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(waiting, 30).get_page(request.GET.get("page"))
    return render(request, "learning/profiles/queue.html", {"page": page})


@login_required
@require_POST
def profile_review(request, pk):
    profile = get_object_or_404(OrganizationProfile.objects.select_related("organization"), pk=pk)
    if not (_is_checker(request.user, profile) or can_edit_profile(request.user, profile.organization)):
        raise Http404
    decision = request.POST.get("decision")
    try:
        if decision == "validate":
            services.validate(actor=request.user, profile=profile, request=request)
            messages.success(request, _("Profile validated; it is now public."))
        elif decision == "return":
            form = ReturnForm(request.POST)
            services.return_profile(
                actor=request.user,
                profile=profile,
                reason=form.data.get("reason", "")[:2000],
                request=request,
            )
            messages.success(request, _("Profile returned to the organisation."))
        else:
            messages.error(request, _("Choose to validate or to return the profile."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied:
        messages.error(
            request, _("You may not review this profile: the person who submits a profile cannot also validate it.")
        )
    return redirect("learning:profile_version", pk=profile.pk)
