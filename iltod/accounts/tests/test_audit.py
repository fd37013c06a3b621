from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from iltod.accounts.models import AuditEvent
from iltod.accounts.services import events_for, log_event


def test_log_event_records_actor_action_target_details_and_address(personas):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    event = log_event(personas.officer, "facility.viewed", personas.school, request=request, reason="check")
    event.refresh_from_db()
    assert event.actor == personas.officer
    assert event.action == "facility.viewed"
    assert event.target_type.model_class() is type(personas.school)
    assert event.target_id == str(personas.school.pk)
    assert event.target_repr == personas.school.name
    assert event.data == {"reason": "check"}
    assert event.ip_address == "203.0.113.5"
    assert event.is_sensitive_read is False


def test_log_event_marks_sensitive_reads(personas):
    event = log_event(personas.officer, "reporter.identity_viewed", personas.citizen, sensitive_read=True)
    assert AuditEvent.objects.get(pk=event.pk).is_sensitive_read


def test_log_event_without_a_target_or_a_request(personas):
    event = log_event(personas.admin, "places.facilities_imported")
    event.refresh_from_db()
    assert event.target_type is None
    assert event.target_id == ""
    assert event.ip_address is None


def test_an_anonymous_actor_is_recorded_as_nobody(personas):
    event = log_event(AnonymousUser(), "auth.second_factor_failed", personas.citizen)
    assert event.actor is None
    assert log_event(None, "x").actor is None


def test_a_long_target_name_is_cut_to_fit(personas):
    personas.cso.name_mn = "Я" * 255
    personas.cso.name = "Я" * 255
    event = log_event(personas.admin, "organization.changed", personas.cso)
    assert len(event.target_repr) == 255


def test_events_for_lists_one_objects_events_newest_first(personas):
    first = log_event(personas.admin, "a", personas.school)
    log_event(personas.admin, "b", personas.clinic)
    second = log_event(personas.admin, "c", personas.school)
    assert list(events_for(personas.school)) == [second, first]


def test_events_for_does_not_mix_models_that_share_a_primary_key(personas):
    school = personas.school
    AuditEvent.objects.create(
        action="org.event", target_type=ContentType.objects.get_for_model(personas.cso), target_id=str(school.pk)
    )
    own = log_event(personas.admin, "school.event", school)
    assert list(events_for(school)) == [own]


def test_the_audit_log_admin_lists_and_shows_events_but_cannot_change_them(client, personas):
    event = log_event(personas.officer, "facility.viewed", personas.school, note="n")
    client.force_login(personas.admin)
    changelist = reverse("admin:accounts_auditevent_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert "facility.viewed" in response.content.decode()
    assert "delete_selected" not in response.content.decode()

    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()

    assert client.post(change, {"action": "forged"}).status_code == 403
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "facility.viewed"


def test_the_audit_log_admin_filters_sensitive_reads(client, personas):
    log_event(personas.officer, "reporter.identity_viewed", personas.citizen, sensitive_read=True)
    log_event(personas.officer, "facility.viewed", personas.school)
    client.force_login(personas.admin)
    response = client.get(reverse("admin:accounts_auditevent_changelist") + "?is_sensitive_read__exact=1")
    assert [e.action for e in response.context["cl"].result_list] == ["reporter.identity_viewed"]
