"""Staff pages of the intake channels: the XLSForm download, and inbound messages in error."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from ..models import Category, InboundMessage
from ..permissions import handler_organization_ids
from . import inbound
from .xlsform import XLSFormError, generate_xlsform

log = logging.getLogger("iltod.channels")

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def xlsform_download(request):
    """The field form for KoBoToolbox/ODK, built from today's categories and facilities."""
    if not (request.user.is_superuser or handler_organization_ids(request.user)):
        raise Http404
    try:
        form = generate_xlsform()
    except XLSFormError as exc:
        log.error("the generated XLSForm does not convert: %s", exc)
        return render(request, "feedback/channels/xlsform_error.html", {"error": str(exc)}, status=500)
    response = HttpResponse(form.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="iltod-feedback-{form.version}.xlsx"'
    return response


class RetryForm(forms.Form):
    facility = forms.CharField(label=_lazy("Facility code"), max_length=12, required=False)
    category = forms.ChoiceField(label=_lazy("Category"), required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *categories]


def category_choices() -> list[tuple[str, str]]:
    """Read once per page, not once per form."""
    return [(c.code, f"{c.name} ({c.code})") for c in Category.objects.filter(is_active=True)]


def mask_sender(sender: str) -> str:
    """+97699112233 → +976••••••33: enough to tell messages apart, not to call anyone."""
    if len(sender) <= 6:
        return "•" * len(sender)
    return sender[:4] + "•" * (len(sender) - 6) + sender[-2:]


def _require_fixer(user):
    if not inbound.can_fix_inbound(user):
        raise Http404


@login_required
def inbound_list(request):
    _require_fixer(request.user)
    status = request.GET.get("status")
    if status not in InboundMessage.Status.values:
        status = InboundMessage.Status.ERROR
    items = InboundMessage.objects.filter(status=status).select_related("feedback").order_by("-created_at", "-pk")
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    categories = category_choices() if status == InboundMessage.Status.ERROR else []
    rows = [
        (
            message,
            mask_sender(message.sender) if message.channel == InboundMessage.Channel.SMS else message.sender,
            RetryForm(initial=message.corrections, prefix=str(message.code), categories=categories)
            if status == InboundMessage.Status.ERROR
            else None,
        )
        for message in page
    ]
    return render(
        request,
        "feedback/channels/inbound.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": InboundMessage.Status.choices,
        },
    )


@login_required
@require_POST
def inbound_retry(request, code):
    _require_fixer(request.user)
    message = get_object_or_404(InboundMessage, code=code)
    form = RetryForm(request.POST, prefix=str(message.code), categories=category_choices())
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("feedback:inbound")
    corrections = {"facility": form.cleaned_data["facility"], "category": form.cleaned_data["category"]}
    result = inbound.retry(message, actor=request.user, request=request, corrections=corrections)
    if result.status == InboundMessage.Status.ERROR:
        messages.error(request, _("Still in error: %(error)s") % {"error": result.error})
    elif result.feedback_id:
        messages.success(request, _("Processed: %(code)s.") % {"code": result.feedback.tracking_code})
    else:
        messages.success(request, _("Processed."))
    return redirect("feedback:inbound")
