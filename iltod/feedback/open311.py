"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) with the common extensions.

Services are the feedback categories; a service request is a feedback item whose
``service_request_id`` is its tracking code. Every endpoint answers in JSON and XML; errors use
the specification's ``[{"code", "description"}]`` form. Extensions: ``page``/``page_size`` on
``requests``, ``servicerequestupdates`` (the update history), ``extensions=true`` (notes), and
``expected_datetime`` from the deadline.
"""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db.models import OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from iltod.accounts.models import ApiKey
from iltod.accounts.services import touch_api_key
from iltod.lib.translit import search_key
from iltod.places.models import AdminUnit, ServiceUnit, admin_unit_at

from . import services
from .models import Category, CategoryQuestion, Event, Feedback, Kind
from .permissions import key_actor, may_act

MAX_REQUESTS = 1000
MAX_WINDOW = timedelta(days=90)
# The dates a client may ask about: far enough from the calendar's ends (year 1, year 9999) that a
# window of MAX_WINDOW around them, and their reading in any time zone, stay within it.
DATES_FROM = datetime(1900, 1, 1, tzinfo=UTC)
DATES_UNTIL = datetime(9000, 1, 1, tzinfo=UTC)
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# ------------------------------------------------------------------------------------------------
# Rendering


def _to_xml(root_name: str, item_name: str | None, data) -> bytes:
    root = ET.Element(root_name)

    def fill(element, value):
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(child, list):
                    holder = ET.SubElement(element, key)
                    singular = {
                        "attributes": "attribute",
                        "values": "value",
                        "keywords": "keyword",
                        "notes": "note",
                        "endpoints": "endpoint",
                        "formats": "format",
                    }.get(key, "item")
                    for entry in child:
                        fill(ET.SubElement(holder, singular), entry)
                else:
                    fill(ET.SubElement(element, key), child)
        elif value is None:
            element.text = ""
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)

    if item_name is None:
        fill(root, data)
    else:
        for entry in data:
            fill(ET.SubElement(root, item_name), entry)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def _respond(fmt: str, data, root: str, item: str | None, status: int = 200):
    if fmt == "xml":
        return HttpResponse(_to_xml(root, item, data), content_type=CONTENT_TYPES["xml"], status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str):
    return _respond(fmt, [{"code": status, "description": description}], "errors", "error", status=status)


READ = ("GET", "HEAD")
READ_WRITE = ("GET", "HEAD", "POST")
# Django answers these while reading a body (request.POST) with its own HTML pages.
BAD_BODY = (TooManyFieldsSent, TooManyFilesSent, UnreadablePostError, MultiPartParserError)


def endpoint(view=None, *, methods=READ):
    """Wraps an Open311 view: format check, method, body size, jurisdiction, and every error in
    the specification's form (never one of Django's HTML pages). CSRF does not apply: clients
    authenticate with an api_key, not a browser's cookie."""
    if view is None:
        return lambda view: endpoint(view, methods=methods)

    def wrapper(request, *args, fmt, **kwargs):
        if fmt not in CONTENT_TYPES:
            return _error("json", 404, _("Unknown format: use .json or .xml."))
        if request.method not in methods:
            response = _error(fmt, 405, _("This endpoint takes %(methods)s.") % {"methods": ", ".join(methods)})
            response["Allow"] = ", ".join(methods)
            return response
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(request) > limit:  # refused before anything reads it
            return _error(fmt, 413, _("The request body is too large: at most %(size)s bytes.") % {"size": limit})
        try:
            if _holds_nul(request):  # PostgreSQL refuses U+0000 in a query: it would be a 500
                raise Open311Error(400, _("A parameter contains a NUL character (U+0000)."))
            jurisdiction = _jurisdiction(request)
            return view(request, *args, fmt=fmt, jurisdiction=jurisdiction, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)
        except RequestDataTooBig:
            return _error(fmt, 413, _("The request body is too large: at most %(size)s bytes.") % {"size": limit})
        except BAD_BODY:
            return _error(fmt, 400, _("The request body cannot be read."))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _holds_nul(request) -> bool:
    params = [request.GET] + ([request.POST] if request.method == "POST" else [])
    return any("\x00" in name or any("\x00" in value for value in values) for p in params for name, values in p.lists())


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt
def not_found(request, path=""):
    """Anything else under /open311/v2/ (an unknown path, an odd id, ``.JSON``): the spec's 404."""
    fmt = "xml" if request.path.lower().endswith(".xml") else "json"
    return _error(fmt, 404, _("Not found: see discovery.json for the endpoints."))


def _platform_jurisdiction() -> str:
    return settings.OPEN311_JURISDICTION or urlparse(settings.SITE_URL).hostname or "iltod"


def _jurisdiction(request) -> AdminUnit | None:
    """None for the whole platform; an aimag or the capital when jurisdiction_id names one."""
    value = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    if not value or value.lower() == _platform_jurisdiction().lower():
        return None
    unit = AdminUnit.objects.top_level().filter(Q(code=value) | Q(iso_3166_2__iexact=value)).first()
    if unit is None:
        raise Open311Error(404, _("jurisdiction_id not found"))
    return unit


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _parse_date(name: str, raw: str | None) -> datetime | None:
    if not raw:
        return None
    wrong = Open311Error(400, _("%(name)s is not a W3C date-time, e.g. 2026-01-01T00:00:00Z") % {"name": name})
    try:  # parse_datetime raises on a well-formed but impossible value (an offset of +99:00)
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        raise wrong
    if value is None:
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise wrong
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        in_range = DATES_FROM <= value <= DATES_UNTIL
    except (OverflowError, ValueError):  # beyond year 1 or 9999 once read in UTC
        in_range = False
    if not in_range:  # a window of 90 days around it, and the database, must stay within the calendar
        raise Open311Error(
            400,
            _("%(name)s must lie between %(start)s and %(end)s")
            % {"name": name, "start": DATES_FROM.date().isoformat(), "end": DATES_UNTIL.date().isoformat()},
        )
    return value


# ------------------------------------------------------------------------------------------------
# Discovery and services


@endpoint
def discovery(request, fmt, jurisdiction):
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-11-01T00:00:00+08:00",
        "contact": settings.OPEN311_CONTACT,
        "key_service": request.build_absolute_uri("/account/"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _respond(fmt, data, "discovery", None)


PLATFORM_ATTRIBUTES = ("kind", "facility", "privacy")


def _platform_attributes() -> list[dict]:
    return [
        {
            "variable": True,
            "code": "kind",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Type of feedback; complaint when not given."),
            "order": 1,
            "description": _("What do you want to do?"),
            "values": [{"key": k, "name": str(label)} for k, label in Kind.choices],
        },
        {
            "variable": True,
            "code": "facility",
            "datatype": "string",
            "required": False,
            "datatype_description": _("Iltod facility code (see /api/v1/facilities/); the location when given."),
            "order": 2,
            "description": _("Facility"),
            "values": [],
        },
        {
            "variable": True,
            "code": "privacy",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Who may know who reported; name hidden when not given."),
            "order": 3,
            "description": _("Privacy"),
            "values": [{"key": k, "name": str(label)} for k, label in Feedback.Privacy.choices],
        },
    ]


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,  # every service has at least the platform's attributes
        "type": "realtime",
        "keywords": category.sector.code,
        "group": category.sector.name,
    }


@endpoint
def services_list(request, fmt, jurisdiction):
    categories = Category.objects.filter(is_active=True).select_related("sector")
    return _respond(fmt, [_service(c) for c in categories], "services", "service")


@endpoint
def service_definition(request, service_code, fmt, jurisdiction):
    category = Category.objects.filter(code=service_code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code not found"))
    attributes = _platform_attributes()
    for index, question in enumerate(category.questions.all(), start=len(attributes) + 1):
        attributes.append(
            {
                "variable": True,
                "code": question.code,
                "datatype": question.datatype,
                "required": question.required,
                "datatype_description": question.get_datatype_display(),
                "order": index,
                "description": question.question,
                "values": [{"key": c.get("key"), "name": c.get("name")} for c in question.choices or []],
            }
        )
    return _respond(fmt, {"service_code": category.code, "attributes": attributes}, "service_definition", None)


# ------------------------------------------------------------------------------------------------
# Requests


def _status(feedback: Feedback) -> str:
    return "open" if feedback.status in Feedback.OPEN_STATUSES else "closed"


def _request_data(request, feedback: Feedback, *, extensions=False) -> dict:
    facility = feedback.service_unit
    lat = feedback.latitude if feedback.latitude is not None else (facility.latitude if facility else None)
    lon = feedback.longitude if feedback.longitude is not None else (facility.longitude if facility else None)
    media = ""
    if feedback.shows_text_publicly:
        first = next((a for a in feedback.attachments.all() if a.is_public), None)
        media = request.build_absolute_uri(first.get_absolute_url()) if first else ""
    data = {
        "service_request_id": feedback.tracking_code,
        "status": _status(feedback),
        "status_notes": feedback.get_status_display()
        + (f": {feedback.public_response}" if feedback.public_response else ""),
        "service_name": feedback.category.name,
        "service_code": feedback.category.code,
        "description": feedback.public_body,
        "agency_responsible": feedback.handling_organization.name if feedback.handling_organization else "",
        "service_notice": "",
        "requested_datetime": _iso(feedback.received_at),
        "updated_datetime": _iso(feedback.updated_at),
        "expected_datetime": _iso(feedback.resolve_due) if feedback.is_open else None,
        "address": ", ".join(
            p for p in [facility.name if facility else feedback.location_text, feedback.admin_unit.name] if p
        ),
        "address_id": facility.code if facility else "",
        "zipcode": "",
        "lat": lat,
        "long": lon,
        "media_url": media,
    }
    if extensions:
        data["extended_attributes"] = {
            "detailed_status": feedback.status,
            "notes": [
                {"datetime": _iso(e.created_at), "type": e.type, "status": e.new_status or "", "text": e.public_body}
                for e in feedback.events.all()  # prefetched as PUBLIC_EVENTS
            ],
        }
    return data


# A request's notes: its public timeline (moderated citizens' words only once published).
PUBLIC_EVENTS = Prefetch("events", queryset=Event.objects.public().order_by("created_at", "pk"))


def _public_requests():
    return Feedback.objects.exclude(status=Feedback.Status.DUPLICATE).select_related(
        "category", "service_unit", "admin_unit", "handling_organization"
    )


def _in_jurisdiction(queryset, jurisdiction):
    if jurisdiction is None:
        return queryset
    return queryset.filter(admin_unit_id__in=jurisdiction.descendant_ids())


def _positive_int(request, name, default, maximum):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a whole number") % {"name": name})
    if value < 1:
        raise Open311Error(400, _("%(name)s must be 1 or more") % {"name": name})
    return min(value, maximum)


@endpoint(methods=READ_WRITE)
def requests_collection(request, fmt, jurisdiction):
    if request.method == "POST":
        return _create(request, fmt, jurisdiction)
    items = _in_jurisdiction(_public_requests(), jurisdiction)
    pinned = {}  # the window a next page must repeat
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        items = items.filter(tracking_code__in=ids[:MAX_REQUESTS])
    else:
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            items = items.filter(category__code__in=codes)
        start = _parse_date("start_date", request.GET.get("start_date"))
        end = _parse_date("end_date", request.GET.get("end_date"))
        if start and end and end < start:
            raise Open311Error(400, _("end_date is before start_date"))
        if start and end and end - start > MAX_WINDOW:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days"))
        if end is None:
            end = (start + MAX_WINDOW) if start else timezone.now()
        if start is None:
            start = end - MAX_WINDOW
        items = items.filter(received_at__gte=start, received_at__lte=end)
        pinned = {"start_date": _w3c(start), "end_date": _w3c(end)}
        statuses = {s.strip().lower() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed"))
        if statuses == {"open"}:
            items = items.filter(status__in=Feedback.OPEN_STATUSES)
        elif statuses == {"closed"}:
            items = items.exclude(status__in=Feedback.OPEN_STATUSES)
    page_size = _positive_int(request, "page_size", MAX_REQUESTS, MAX_REQUESTS)
    page = _positive_int(request, "page", 1, 10**6)
    # One more than a page tells whether a next page exists.
    items = items.order_by("-received_at", "-pk")[(page - 1) * page_size : page * page_size + 1]
    extensions = request.GET.get("extensions", "").lower() == "true"
    if extensions:
        items = items.prefetch_related(PUBLIC_EVENTS, "attachments")
    else:
        items = items.prefetch_related("attachments")
    items = list(items)
    data = [_request_data(request, f, extensions=extensions) for f in items[:page_size]]
    response = _respond(fmt, data, "service_requests", "request")
    if len(items) > page_size:
        response["Link"] = _next_link(request, page=str(page + 1), **pinned)
    return response


@endpoint
def request_detail(request, service_request_id, fmt, jurisdiction):
    feedback = (
        _in_jurisdiction(_public_requests(), jurisdiction)
        .prefetch_related(PUBLIC_EVENTS, "attachments")
        .filter(tracking_code=service_request_id)
        .first()
    )
    if feedback is None:
        raise Open311Error(404, _("service_request_id not found"))
    extensions = request.GET.get("extensions", "").lower() == "true"
    # A single request is still an array of one, as the specification shows.
    return _respond(fmt, [_request_data(request, feedback, extensions=extensions)], "service_requests", "request")


@endpoint
def token_detail(request, token, fmt, jurisdiction):
    """Requests are created synchronously, so the token is the service_request_id itself."""
    if not _public_requests().filter(tracking_code=token).exists():
        raise Open311Error(404, _("token not found"))
    return _respond(fmt, [{"service_request_id": token, "token": token}], "service_requests", "request")


# The item's state after each update, in mySociety's vocabulary (docs/open311.md has the table).
# A referral always names another body of the platform (services.refer), so it is an internal
# referral; NOT_COUNCILS_RESPONSIBILITY is never served.
UPDATE_STATES = {
    Feedback.Status.RECEIVED: "OPEN",
    Feedback.Status.ACKNOWLEDGED: "INVESTIGATING",
    Feedback.Status.IN_PROGRESS: "IN_PROGRESS",
    Feedback.Status.ACTION_SCHEDULED: "ACTION_SCHEDULED",
    Feedback.Status.RESOLVED: "FIXED",
    Feedback.Status.NO_FURTHER_ACTION: "NO_FURTHER_ACTION",
    Feedback.Status.DUPLICATE: "DUPLICATE",
    Feedback.Status.REFERRED: "INTERNAL_REFERRAL",
    Feedback.Status.CLOSED: "CLOSED",
}


def _update_id(event: Event, tracking_code: str) -> str:
    return f"{tracking_code}-{event.pk}"


def _updates_in_window(start: datetime, end: datetime, jurisdiction):
    """Public timeline events published with ``start <= time < end``, in the order they were
    published, each annotated with the item's status right after it (``state``: the last public
    status change published at or before it).

    Time is the publication time (``published_at``): a citizen's update a moderator publishes a
    day after it was written appears in the window of its publication, with the item's status of
    then, so a client polling forward reads it once and is never sent an older state. The window is
    half-open so that a client polling consecutive windows (each starting where the last ended)
    reads every update once; (time, id) is a total order, so pages never overlap. Indexes:
    ``feedbackevent_published`` (the window), ``feedbackevent_item_published`` (each state)."""
    at_or_before = Q(published_at__lt=OuterRef("published_at")) | Q(
        published_at=OuterRef("published_at"), pk__lte=OuterRef("pk")
    )
    state = (
        Event.objects.public()
        .filter(at_or_before, feedback=OuterRef("feedback"))
        .exclude(new_status="")
        .order_by("-published_at", "-pk")
        .values("new_status")[:1]
    )
    events = (
        Event.objects.public()
        .filter(published_at__gte=start, published_at__lt=end)
        # The submission is the request itself, not an update of it; so is its first routing.
        .exclude(type=Event.Type.SUBMITTED)
        .exclude(Q(type=Event.Type.ROUTED) & ~Q(data__has_key="triage"))
        .annotate(state=Coalesce(Subquery(state), Value(Feedback.Status.RECEIVED)))
        .select_related("feedback")
        .only(
            "pk", "type", "text", "public_text", "moderation", "new_status", "published_at", "feedback__tracking_code"
        )
    )
    if jurisdiction is not None:
        events = events.filter(feedback__admin_unit_id__in=jurisdiction.descendant_ids())
    return events.order_by("published_at", "pk")


def _update_description(event: Event) -> str:
    """The update's public words; an update without any says what happened and the item's status,
    so that no client stores a blank comment."""
    status = dict(Feedback.Status.choices).get(event.state, event.state)
    if event.type == Event.Type.MERGED:
        return _("This is a duplicate of %(code)s.") % {"code": event.text}
    text = event.public_body.strip()
    if text:
        return text
    if event.new_status:
        return _("The status is now “%(status)s”.") % {"status": status}
    return _("%(event)s. The status is “%(status)s”.") % {"event": capfirst(event.get_type_display()), "status": status}


def _after_cursor(request) -> tuple[datetime, int] | None:
    """``after``: the update_id of the last update a client read; the page goes on after it."""
    raw = (request.GET.get("after") or "").strip()
    if not raw:
        return None
    pk = raw.rsplit("-", 1)[-1]
    valid = pk.isascii() and pk.isdigit() and len(pk) <= 18  # a bigint; "²" and 30 digits are no ids
    published = Event.objects.public().filter(pk=int(pk)) if valid else Event.objects.none()
    published_at = published.values_list("published_at", flat=True).first()
    if published_at is None:
        raise Open311Error(400, _("after must be an update_id from this list"))
    return published_at, int(pk)


def _w3c(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _next_link(request, **params) -> str:
    """A ``Link`` header to the next page: this request's query with ``params`` set (None drops
    one). Windows are pinned to exact times, so that "now" does not move under the client."""
    query = request.GET.copy()
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'


@endpoint(methods=READ_WRITE)
def service_request_updates(request, fmt, jurisdiction):
    """The update history extension (GET) and a citizen's update from a client (POST)."""
    if request.method == "POST":
        return _post_update(request, fmt, jurisdiction)
    end = _parse_date("end_date", request.GET.get("end_date")) or timezone.now()
    start = _parse_date("start_date", request.GET.get("start_date")) or end - timedelta(days=1)
    if end < start:
        raise Open311Error(400, _("end_date is before start_date"))
    if end - start > MAX_WINDOW:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days"))
    page_size = _positive_int(request, "page_size", MAX_REQUESTS, MAX_REQUESTS)
    events = _updates_in_window(start, end, jurisdiction)
    after = _after_cursor(request)
    if after is not None:
        events = events.filter(Q(published_at__gt=after[0]) | Q(published_at=after[0], pk__gt=after[1]))
    else:
        page = _positive_int(request, "page", 1, 10**6)
        events = events[(page - 1) * page_size :]
    events = list(events[: page_size + 1])  # one more tells whether a next page exists
    more, events = len(events) > page_size, events[:page_size]
    data = [
        {
            "update_id": _update_id(e, e.feedback.tracking_code),
            "service_request_id": e.feedback.tracking_code,
            "status": UPDATE_STATES.get(e.state, "OPEN"),
            "updated_datetime": _iso(e.published_at),
            "description": _update_description(e),
            "media_url": "",
        }
        for e in events
    ]
    response = _respond(fmt, data, "service_request_updates", "request_update")
    if more:
        response["Link"] = _next_link(
            request, page=None, start_date=_w3c(start), end_date=_w3c(end), after=data[-1]["update_id"]
        )
    return response


def _throttle(request, key: ApiKey) -> None:
    if is_ratelimited(
        request,
        group="open311-post",
        key=lambda g, r: key.prefix,
        rate=settings.OPEN311_POST_RATE,
        method=is_ratelimited.ALL,
        increment=True,
    ):
        raise Open311Error(429, _("Too many requests for this api_key. Try again later."))
    touch_api_key(key)


def _post_update(request, fmt, jurisdiction):
    """mySociety's extension: a citizen's update from a client (FixMyStreet sends one for every
    comment on a report it submitted). It is stored as the citizen's update of the item, public
    once moderated; a resend with the same client ``update_id`` gets the first answer again."""
    key = _api_key(request)
    _throttle(request, key)
    code = _posted(request, "service_request_id")
    if not code:
        raise Open311Error(400, _("service_request_id is required"))
    feedback = _in_jurisdiction(Feedback.objects.all(), jurisdiction).filter(tracking_code=code).first()
    actor = key_actor(key)
    # A client passes on its own users' words: only for what it submitted itself (through a key of
    # the same organisation), and never about the facility the key's organisation is or runs (the
    # guard). Anything else is "not found", like an unknown code.
    if (
        feedback is None
        or not Event.objects.submitted_through(key.organization_id).filter(feedback=feedback).exists()
        or not may_act(actor, feedback)
    ):
        raise Open311Error(404, _("service_request_id not found"))
    # FixMyStreet sends its comment's id as update_id (older versions as update_id_ext); two
    # clients may use the same ids, so the key's organisation is part of it.
    client_id = (_posted(request, "update_id") or _posted(request, "update_id_ext"))[:100]
    try:
        event = services.add_citizen_update(
            feedback,
            text=_posted(request, "description")[:5000],
            channel=Feedback.Channel.OPEN311,
            external_id=f"{key.organization_id}:{client_id}" if client_id else "",
            actor=actor,
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages))
    return _respond(
        fmt,
        [{"update_id": _update_id(event, feedback.tracking_code)}],
        "service_request_updates",
        "request_update",
    )


# ------------------------------------------------------------------------------------------------
# Creating a request


def _posted(request, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def _attributes(request) -> dict[str, object]:
    """``attribute[code]=v`` → {code: v}. A repeated field (``attribute[code]=a&attribute[code]=b``,
    as FixMyStreet sends a multi-choice answer) or the ``attribute[code][]`` form → {code: [a, b]}:
    no value is dropped (a single-value question then refuses the list)."""
    answers: dict[str, list] = {}
    listed = set()
    for key in request.POST:
        if not key.startswith("attribute[") or "]" not in key:
            continue
        code = key[len("attribute[") : key.index("]")]
        values = request.POST.getlist(key)
        if key.endswith("[]") or len(values) > 1 or code in answers:
            listed.add(code)
        answers.setdefault(code, []).extend(values)
    return {code: [v for v in values if v != ""] if code in listed else values[0] for code, values in answers.items()}


def _check_answer(question: CategoryQuestion, value) -> object:
    if question.datatype == CategoryQuestion.Datatype.MULTI:
        values = value if isinstance(value, list) else [value]
        keys = {c.get("key") for c in question.choices or []}
        if any(v not in keys for v in values):
            raise Open311Error(400, _("attribute[%(code)s] has an unknown value") % {"code": question.code})
        return values
    if isinstance(value, list):
        raise Open311Error(400, _("attribute[%(code)s] takes one value") % {"code": question.code})
    if question.datatype == CategoryQuestion.Datatype.SINGLE and value not in {
        c.get("key") for c in question.choices or []
    }:
        raise Open311Error(400, _("attribute[%(code)s] has an unknown value") % {"code": question.code})
    if question.datatype == CategoryQuestion.Datatype.NUMBER:
        try:
            return float(value)
        except ValueError:
            raise Open311Error(400, _("attribute[%(code)s] must be a number") % {"code": question.code})
    if question.datatype == CategoryQuestion.Datatype.DATETIME and parse_datetime(value) is None:
        raise Open311Error(400, _("attribute[%(code)s] must be a date-time") % {"code": question.code})
    return value


def _api_key(request) -> ApiKey:
    raw = _posted(request, "api_key") or (request.GET.get("api_key") or "").strip()
    if not raw:
        raise Open311Error(403, _("api_key is required"))
    key = ApiKey.objects.authenticate(raw)
    if key is None:
        raise Open311Error(403, _("Invalid api_key"))
    if not key.can_write:
        raise Open311Error(403, _("This api_key may only read"))
    return key


def _create(request, fmt, jurisdiction):
    key = _api_key(request)
    _throttle(request, key)
    category = (
        Category.objects.filter(code=_posted(request, "service_code"), is_active=True).select_related("sector").first()
    )
    if category is None:
        raise Open311Error(
            400 if not _posted(request, "service_code") else 404,
            _("service_code not found") if _posted(request, "service_code") else _("service_code is required"),
        )
    answers = _attributes(request)
    kind = str(answers.pop("kind", "") or Kind.COMPLAINT)
    if kind not in Kind.values:
        raise Open311Error(400, _("attribute[kind] has an unknown value"))
    privacy = str(answers.pop("privacy", "") or Feedback.Privacy.NAME_HIDDEN)
    if privacy not in Feedback.Privacy.values:
        raise Open311Error(400, _("attribute[privacy] has an unknown value"))
    facility_code = str(answers.pop("facility", "") or _posted(request, "address_id"))
    checked = {}
    for question in category.questions.all():
        if question.code in answers and answers[question.code] not in ("", []):
            checked[question.code] = _check_answer(question, answers[question.code])
        elif question.required:
            raise Open311Error(400, _("attribute[%(code)s] is required") % {"code": question.code})

    facility, area, lat, lon = None, None, None, None
    if facility_code:
        facility = ServiceUnit.objects.active().select_related("admin_unit").filter(code=facility_code.upper()).first()
        if facility is None:
            raise Open311Error(400, _("No facility has the code %(code)s") % {"code": facility_code})
    raw_lat, raw_lon = _posted(request, "lat"), _posted(request, "long")
    if raw_lat or raw_lon:
        try:
            lat, lon = float(raw_lat), float(raw_lon)
        except ValueError:
            raise Open311Error(400, _("lat and long must be decimal degrees"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Open311Error(400, _("lat and long must be decimal degrees"))
        if facility is None:
            area = admin_unit_at(lon, lat)
            if area is None:
                raise Open311Error(400, _("The location is outside the areas this service covers"))
    address = _posted(request, "address_string")
    if facility is None and area is None:
        if not address:
            raise Open311Error(400, _("A location is required: lat and long, address_string, or a facility"))
        area = _area_from_address(address, jurisdiction)
        if area is None:
            raise Open311Error(400, _("The address_string does not name an aimag, soum or district"))
    unit = facility.admin_unit if facility else area
    if jurisdiction is not None and unit.pk not in jurisdiction.descendant_ids():
        raise Open311Error(400, _("The location is outside jurisdiction_id"))
    description = _posted(request, "description")
    if not description:
        raise Open311Error(400, _("description is required"))
    name = " ".join(p for p in [_posted(request, "first_name"), _posted(request, "last_name")] if p)
    try:
        feedback, _created = services.submit_feedback(
            services.Submission(
                kind=kind,
                category=category,
                description=description[:5000],
                service_unit=facility,
                admin_unit=None if facility else area,
                latitude=lat,
                longitude=lon,
                location_text=address[:255],
                privacy=privacy,
                reporter_name=name[:150],
                reporter_phone=_posted(request, "phone"),
                reporter_email=_posted(request, "email")[:254],
                language=request.LANGUAGE_CODE or "mn",
                channel=Feedback.Channel.OPEN311,
                attributes=checked,
            ),
            actor=key_actor(key),  # the key's organisation is recorded: it alone may post updates
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages))
    notice = _("Answer due by %(date)s") % {"date": timezone.localtime(feedback.resolve_due).date().isoformat()}
    return _respond(
        fmt,
        [{"service_request_id": feedback.tracking_code, "service_notice": notice, "account_id": None}],
        "service_requests",
        "request",
    )


def _area_from_address(address: str, jurisdiction) -> AdminUnit | None:
    """The most specific unit named in a free-text address (soum/district before aimag)."""
    key = search_key(address)
    if not key:
        return None
    candidates = AdminUnit.objects.current().exclude(level=AdminUnit.Level.COUNTRY)
    if jurisdiction is not None:
        candidates = candidates.filter(pk__in=jurisdiction.descendant_ids())
    best = None
    for unit in candidates.only("pk", "code", "level", "search_key", "parent_id"):
        names = [n for n in unit.search_key.split("|")[:2] if len(n) >= 4]
        if any(n in key for n in names):
            rank = 0 if unit.level in {AdminUnit.Level.SOUM, AdminUnit.Level.DISTRICT} else 1
            if best is None or rank < best[0]:
                best = (rank, unit)
    return best[1] if best else None
