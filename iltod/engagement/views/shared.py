"""What the pages of groups, meetings, issues and projects share: the history timeline,
pagination and the message-and-redirect after a change."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iltod.accounts.services import events_for

from .. import services
from ..models import (
    Document,
    Evidence,
    GroupMember,
)

PER_PAGE = 20
MEMBERS_PER_PAGE = 50
EXPORT_FORMATS = {"csv", "xlsx"}
GUEST_ROWS = 15  # blank rows for guests at the end of a sign-in sheet

DETAIL_LABELS = {
    "added": gettext_lazy("added"),
    "after": gettext_lazy("after"),
    "before": gettext_lazy("before"),
    "counts": gettext_lazy("counts"),
    "document": gettext_lazy("document"),
    "evidence": gettext_lazy("evidence"),
    "feedback": gettext_lazy("feedback"),
    "group": gettext_lazy("group"),
    "meeting": gettext_lazy("meeting"),
    "member": gettext_lazy("member"),
    "name": gettext_lazy("name"),
    "present": gettext_lazy("present"),
    "public": gettext_lazy("public"),
    "record": gettext_lazy("record"),
    "removed": gettext_lazy("removed"),
    "votes": gettext_lazy("votes"),
}


LIST_DETAILS = {"added"}  # lists of names; every other two-item list is [before, after]


def _detail_text(value, *, change: bool = False) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        if change and len(value) == 2:
            return f"{_detail_text(value[0])} → {_detail_text(value[1])}"
        return ", ".join(_detail_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_detail_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _detail_label(model, key: str) -> str:
    """The field's name in the reader's language: of the record itself, or of a member or evidence
    (a group's history records its members' changes)."""
    if key in DETAIL_LABELS:
        return str(DETAIL_LABELS[key])
    for candidate in (model, GroupMember, Evidence, Document):
        try:
            return str(candidate._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return key


HISTORY_LIMIT = 100  # the latest events of a record; the back office's audit log has them all


def history(obj):
    """The latest audit events of ``obj`` as (time, label, actor, details), oldest first; details
    are (field label, value or "before → after") in the reader's language."""
    rows = []
    latest = list(events_for(obj).order_by("-created_at", "-pk")[:HISTORY_LIMIT])
    for event in reversed(latest):
        details = [
            (_detail_label(type(obj), key), _detail_text(value, change=key not in LIST_DETAILS))
            for key, value in sorted(event.data.items())
            if value not in ("", None, [], {})
        ]
        rows.append((event.created_at, event.get_action_display(), event.actor, details))
    return rows


def page_of(request, queryset, per_page=PER_PAGE, param="page"):
    """One page of ``queryset``; ``param`` names the GET parameter of a second list on the page."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def url(name, *args) -> str:
    return reverse(name, args=args)


def done(request, message, target):
    messages.success(request, message)
    return redirect(target)


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def add_document_from(request, form_class, **owner):
    """Attach the uploaded file of ``form_class`` to ``owner`` (``meeting=…`` or ``issue=…``), with a message."""
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return
    try:
        services.add_document(
            actor=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            is_public=form.cleaned_data["is_public"],
            request=request,
            **owner,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The file was added."))
