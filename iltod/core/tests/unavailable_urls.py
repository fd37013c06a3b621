"""Views that meet a database outage at different moments, for test_unavailable.py."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import path


def connection_refused(request):
    raise OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 failed')


def connection_closed(request):
    raise InterfaceError("connection already closed")


def remembers_in_session(request):
    request.session["seen"] = True  # saved by SessionMiddleware after the view: outside the view
    return HttpResponse("ok")


def session_deleted_meanwhile(request):
    from django.contrib.sessions.models import Session

    request.session.get("seen")  # read at the start of the request...
    Session.objects.all().delete()  # ... then a concurrent request logs the user out
    request.session["seen"] = "again"
    return HttpResponse("ok")


def broken(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("page/", connection_refused),
    path("closed/", connection_closed),
    path("session/", remembers_in_session),
    path("session/deleted/", session_deleted_meanwhile),
    path("broken/", broken),
    path("api/v1/thing/", connection_refused),
    path("open311/v2/requests.json", connection_refused),
    path("webhooks/sms/", connection_refused),
]
