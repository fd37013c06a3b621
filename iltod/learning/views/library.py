"""Pages of the library: the public list with filters and search in both scripts, an item with its
history, writing and editing (members), and the review that publishes (network administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.engagement.views.shared import page_of, query_without_page
from iltod.lib.numbers import whole_number
from iltod.organizations.models import Organization

from .. import services
from ..forms.library import LibraryFilterForm, LibraryItemForm, LibraryReviewForm
from ..models.library import LibraryItem
from ..permissions import can_edit_item, can_review_library, can_write_library, get_library_item

PER_PAGE = 20


def _query_without(request, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def library_list(request):
    form = LibraryFilterForm(request.GET or None)
    items = LibraryItem.objects.filter(published__isnull=False).select_related("published", "aimag")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            items = items.filter(kind=data["kind"])
        if data["sa_tool"]:
            items = items.filter(sa_tool=data["sa_tool"])
        if data["area"]:
            items = items.filter(competency_areas=data["area"])
        if data["sector"]:
            items = items.filter(sectors=data["sector"])
        if data["aimag"]:
            items = items.filter(aimag=data["aimag"])
        if data["q"]:
            items = services.search_library(items, data["q"])
    page = page_of(request, items.order_by("-published__published_at", "-pk"), PER_PAGE)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "can_write": can_write_library(request.user),
    }
    if request.user.is_authenticated:
        mine = Q(author=request.user) & ~Q(status=LibraryItem.Status.PUBLISHED)
        if can_review_library(request.user):
            mine |= Q(status=LibraryItem.Status.IN_REVIEW)
        drafts = LibraryItem.objects.filter(mine).order_by("-updated_at", "-pk")
        context["drafts"] = page_of(request, drafts, 20, param="drafts_page")
        context["drafts_query"] = _query_without(request, "drafts_page")
    return render(request, "learning/library_list.html", context)


def library_item(request, code):
    item = get_library_item(request.user, code)
    editor = can_edit_item(request.user, item)
    versions = item.versions.select_related("saved_by")
    if not editor:
        versions = versions.filter(published_at__isnull=False)
    shown = item.published
    version_number = request.GET.get("version", "")
    if whole_number(version_number, max_digits=9) is not None:
        shown = versions.filter(number=whole_number(version_number)).first() or shown
    elif editor and item.status != LibraryItem.Status.PUBLISHED:
        shown = versions.first()
    return render(
        request,
        "learning/library_item.html",
        {
            "item": item,
            "shown": shown,
            "versions": page_of(request, versions, 20),
            "query": query_without_page(request),
            "editor": editor,
            "reviewer": can_review_library(request.user) and item.status == LibraryItem.Status.IN_REVIEW,
            "review_form": LibraryReviewForm(),
        },
    )


def _network_of(user):
    """The network an item belongs to: the first network the user acts for or belongs to."""
    from iltod.accounts.models import Membership
    from iltod.organizations.models import NetworkMembership

    org_ids = Membership.objects.active().filter(user=user).values("organization_id")
    network = Organization.objects.networks().filter(pk__in=org_ids).order_by("pk").first()
    if network is None:
        membership = NetworkMembership.objects.current().filter(member_id__in=org_ids).order_by("pk").first()
        network = membership.network if membership else None
    return network or Organization.objects.networks().order_by("pk").first()


@login_required
def library_edit(request, code=None):
    item = get_library_item(request.user, code, edit=True) if code else None
    if item is None and not can_write_library(request.user):
        raise Http404
    initial = {}
    latest = item.versions.order_by("-number").first() if item else None
    if latest is not None:  # the form continues the latest version, which may be an unpublished draft
        initial = {name: getattr(latest, name) for name in services.VERSIONED_FIELDS}
        initial |= {name: list(getattr(latest, name).all()) for name in services.TAG_FIELDS}
    form = LibraryItemForm(request.POST or None, request.FILES or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        submit, note, file = data.pop("submit"), data.pop("note"), data.pop("file")
        if item is None:
            data["network"] = _network_of(request.user)
        try:
            saved = services.save_item(
                actor=request.user, item=item, submit=submit, note=note, file=file, request=request, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Sent for review.") if submit else _("The draft was saved; it is not public yet.")
            )
            return redirect(saved)
    return render(
        request,
        "learning/library_form.html",
        {"form": form, "item": item},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def library_review(request, code):
    item = get_library_item(request.user, code, edit=True)
    if not can_review_library(request.user):
        raise Http404
    form = LibraryReviewForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                services.publish_item(item, actor=request.user, request=request)
                messages.success(request, _("Published."))
            else:
                services.return_item(item, actor=request.user, note=form.cleaned_data["note"], request=request)
                messages.success(request, _("Returned to the author."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(item)


urlpatterns = [
    path("library/", library_list, name="library_list"),
    path("library/new/", library_edit, name="library_new"),
    path("library/<str:code>/", library_item, name="library_item"),
    path("library/<str:code>/edit/", library_edit, name="library_edit"),
    path("library/<str:code>/review/", library_review, name="library_review"),
]
