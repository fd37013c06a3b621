"""Staff moderation queue: the citizen's words (a rating's comment, an update from the tracking
page, an SMS reply or an Open311 client) wait here until a handler of the handling organisation
publishes them, as written or edited, or hides them. The public reads them only once published
(``Event.objects.public()``), and always masked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import EventModerationForm
from .models import Event, Feedback
from .permissions import can_handle, guarded_from, handler_organization_ids

PER_PAGE = 20
MODERATED_TYPES = [Event.Type.RATED, Event.Type.CITIZEN_UPDATE]


def _queue(user):
    """Citizens' words waiting for moderation, of the items the user handles (``can_handle``): what
    their organisations handle, without the guarded items about a facility they work at."""
    if not (user.is_superuser and user.is_active):
        org_ids = handler_organization_ids(user)
        if not org_ids:
            raise Http404
        feedback = guarded_from(user, Feedback.objects.filter(handling_organization_id__in=org_ids))
    else:
        feedback = Feedback.objects.all()
    return Event.objects.awaiting_moderation().filter(type__in=MODERATED_TYPES, feedback__in=feedback)


@login_required
def queue(request):
    events = _queue(request.user).select_related(
        "feedback__category", "feedback__service_unit", "feedback__admin_unit", "feedback__handling_organization"
    )
    events = events.defer("feedback__admin_unit__boundary").order_by("created_at", "pk")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    forms = [
        (event, EventModerationForm(initial={"public_text": event.public_text}, prefix=str(event.pk))) for event in page
    ]
    return render(request, "feedback/moderation/queue.html", {"page": page, "forms": forms, "query": ""})


@login_required
@require_POST
def moderate_event(request, event_id):
    event = _queue(request.user).select_related("feedback").filter(pk=event_id).first()
    if event is None or not can_handle(request.user, event.feedback):
        raise Http404
    form = EventModerationForm(request.POST, prefix=str(event.pk))
    if form.is_valid():
        try:
            services.moderate_event(
                event,
                actor=request.user,
                publish=form.cleaned_data["decision"] == "publish",
                public_text=form.cleaned_data["public_text"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            published = form.cleaned_data["decision"] == "publish"
            messages.success(request, _("Published.") if published else _("Hidden from the public."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("feedback:moderation")
