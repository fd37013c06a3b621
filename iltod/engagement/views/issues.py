"""Pages of local issues: raising one, its evidence and documents, the public issue page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms.groups import (
    DocumentForm,
    EvidenceForm,
    IssueForm,
)
from ..models import (
    ActionPlan,
    Evidence,
    LocalIssue,
    Prioritisation,
)
from ..permissions import (
    COORDINATE,
    VIEW,
    get_group,
    get_issue,
    group_role,
)
from .shared import (
    add_document_from,
    done,
    history,
    int_or_none,
)

# --- Local issues ------------------------------------------------------------------------------


@login_required
def issue_create(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = IssueForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        issue = services.create_issue(actor=request.user, group=group, request=request, **fields)
        return done(request, _("The issue was added."), issue.get_absolute_url())
    return render(request, "engagement/issue_form.html", {"form": form, "group": group})


@login_required
def issue_edit(request, code):
    issue = get_issue(request.user, code, COORDINATE)
    form = IssueForm(request.POST if request.method == "POST" else None, instance=issue, group=issue.group)
    if request.method == "POST" and form.is_valid():
        fresh = LocalIssue.objects.get(pk=issue.pk)
        services.update_issue(fresh, actor=request.user, request=request, **form.service_fields())
        return done(request, _("The issue was saved."), issue.get_absolute_url())
    return render(request, "engagement/issue_form.html", {"form": form, "group": issue.group, "issue": issue})


def _evidence_rows(issue, *, insider: bool):
    rows = []
    # Cited platform records are fetched in one query per kind of record, not one per citation.
    for evidence in issue.evidence.select_related("feedback", "target_type").prefetch_related("target"):
        link, text = evidence.url, evidence.note
        if evidence.feedback_id:
            feedback = evidence.feedback
            link = feedback.get_absolute_url()
            if feedback.shows_text_publicly:
                text = text or feedback.public_body  # masked again as it is read
            elif not insider:
                text = ""  # the citizen's own words are public only once moderated
        elif evidence.target_type_id:
            target = evidence.target
            if target is not None:
                link = link or (target.get_absolute_url() if hasattr(target, "get_absolute_url") else "")
                text = text or str(target)
        rows.append({"evidence": evidence, "link": link, "text": text})
    return rows


def issue_detail(request, code):
    issue = get_issue(request.user, code, VIEW)
    role = group_role(request.user, issue.group)
    insider = role is not None
    documents = issue.documents.all()
    plans = issue.action_plans.all()
    if not insider:
        documents = documents.filter(is_public=True)
        plans = plans.filter(is_public=True).exclude(status=ActionPlan.Status.DRAFT)
    votes = (
        Prioritisation.objects.filter(issue=issue)
        .select_related("meeting")
        .order_by("-meeting__held_on", "stakeholder_type")
    )
    if not insider:
        votes = votes.filter(meeting__is_public=True)
    context = {
        "issue": issue,
        "group": issue.group,
        "role": role,
        "insider": insider,
        "is_coordinator": role == COORDINATE,
        "evidence": _evidence_rows(issue, insider=insider),
        "documents": documents,
        "plans": plans,
        "votes": votes,
        "projects": issue.projects.filter(is_public=True),
    }
    if role == COORDINATE:
        context["evidence_form"] = EvidenceForm()
        context["document_form"] = DocumentForm()
    if insider:
        context["history"] = history(issue)
    return render(request, "engagement/issue_detail.html", context)


@login_required
@require_POST
def issue_evidence(request, code):
    issue = get_issue(request.user, code, COORDINATE)
    if request.POST.get("action") == "remove":
        evidence = Evidence.objects.filter(issue=issue, pk=int_or_none(request.POST.get("evidence"))).first()
        if evidence is None:
            raise Http404
        services.remove_evidence(evidence, actor=request.user, request=request)
        return done(request, _("The evidence was removed."), issue.get_absolute_url())
    form = EvidenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                actor=request.user,
                issue=issue,
                kind=data["kind"],
                feedback=data["feedback"],
                url=data["url"],
                note=data["note"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return done(request, _("The evidence was added."), issue.get_absolute_url())
    role = group_role(request.user, issue.group)
    return render(
        request,
        "engagement/issue_detail.html",
        {
            "issue": issue,
            "group": issue.group,
            "role": role,
            "insider": True,
            "is_coordinator": True,
            "evidence": _evidence_rows(issue, insider=True),
            "documents": issue.documents.all(),
            "plans": issue.action_plans.all(),
            "votes": Prioritisation.objects.filter(issue=issue).select_related("meeting"),
            "projects": issue.projects.all(),
            "evidence_form": form,
            "document_form": DocumentForm(),
            "history": history(issue),
        },
        status=400,
    )


@login_required
@require_POST
def issue_document_add(request, code):
    issue = get_issue(request.user, code, COORDINATE)
    add_document_from(request, DocumentForm, issue=issue)
    return redirect(issue.get_absolute_url())


urlpatterns = [
    path("groups/<str:code>/issues/new/", issue_create, name="issue_create"),
    path("issues/<str:code>/", issue_detail, name="issue_detail"),
    path("issues/<str:code>/edit/", issue_edit, name="issue_edit"),
    path("issues/<str:code>/evidence/", issue_evidence, name="issue_evidence"),
    path("issues/<str:code>/documents/", issue_document_add, name="issue_document_add"),
]
