import ast
import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.accounts.services import events_for, log_event


def test_log_event_records_actor_action_target_details_and_address(personas):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    event = log_event(
        personas.officer, AuditAction.FACILITIES_IMPORTED, personas.school, request=request, reason="check"
    )
    event.refresh_from_db()
    assert event.actor == personas.officer
    assert event.action == "places.facilities_imported"
    assert event.target_type.model_class() is type(personas.school)
    assert event.target_id == str(personas.school.pk)
    assert event.target_repr == personas.school.name
    assert event.data == {"reason": "check"}
    assert event.ip_address == "203.0.113.5"
    assert event.is_sensitive_read is False


def test_log_event_marks_sensitive_reads(personas):
    event = log_event(personas.officer, AuditAction.FEEDBACK_IDENTITY_VIEWED, personas.citizen, sensitive_read=True)
    assert AuditEvent.objects.get(pk=event.pk).is_sensitive_read


def test_log_event_without_a_target_or_a_request(personas):
    event = log_event(personas.admin, AuditAction.FACILITIES_IMPORTED)
    event.refresh_from_db()
    assert event.target_type is None
    assert event.target_id == ""
    assert event.ip_address is None


def test_an_anonymous_actor_is_recorded_as_nobody(personas):
    event = log_event(AnonymousUser(), AuditAction.SECOND_FACTOR_FAILED, personas.citizen)
    assert event.actor is None
    assert log_event(None, AuditAction.LOGOUT).actor is None


def test_a_long_target_name_is_cut_to_fit(personas):
    personas.cso.name_mn = "Я" * 255
    personas.cso.name = "Я" * 255
    event = log_event(personas.admin, AuditAction.NETWORK_MEMBER_ADDED, personas.cso)
    assert len(event.target_repr) == 255


def test_events_for_lists_one_objects_events_newest_first(personas):
    first = log_event(personas.admin, AuditAction.FACILITIES_IMPORTED, personas.school)
    log_event(personas.admin, AuditAction.FACILITIES_IMPORTED, personas.clinic)
    second = log_event(personas.admin, AuditAction.FACILITIES_IMPORTED, personas.school)
    assert list(events_for(personas.school)) == [second, first]


def test_events_for_does_not_mix_models_that_share_a_primary_key(personas):
    school = personas.school
    AuditEvent.objects.create(
        action=AuditAction.NETWORK_MEMBER_ADDED,
        target_type=ContentType.objects.get_for_model(personas.cso),
        target_id=str(school.pk),
    )
    own = log_event(personas.admin, AuditAction.FACILITIES_IMPORTED, school)
    assert list(events_for(school)) == [own]


def test_the_audit_log_admin_lists_and_shows_events_but_cannot_change_them(client, personas):
    event = log_event(personas.officer, AuditAction.FACILITIES_IMPORTED, personas.school, note="n")
    client.force_login(personas.admin)
    changelist = reverse("admin:accounts_auditevent_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert "Үйлчилгээний байгууллагуудыг оруулсан" in response.content.decode()  # the label, not the stored value
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
    assert event.action == AuditAction.FACILITIES_IMPORTED


def test_the_audit_log_admin_filters_sensitive_reads(client, personas):
    log_event(personas.officer, AuditAction.FEEDBACK_IDENTITY_VIEWED, personas.citizen, sensitive_read=True)
    log_event(personas.officer, AuditAction.FACILITIES_IMPORTED, personas.school)
    client.force_login(personas.admin)
    response = client.get(reverse("admin:accounts_auditevent_changelist") + "?is_sensitive_read__exact=1")
    assert [e.action for e in response.context["cl"].result_list] == [AuditAction.FEEDBACK_IDENTITY_VIEWED]


def test_log_event_refuses_an_action_that_is_not_in_the_enum(personas):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match=r"facility\.viewed"):
        log_event(personas.officer, "facility.viewed", personas.school)
    assert AuditEvent.objects.count() == before


def test_in_production_an_unknown_action_is_logged_and_the_event_still_recorded(personas, settings, caplog):
    settings.IS_PRODUCTION = True
    with caplog.at_level(logging.ERROR, logger="iltod.accounts.services"):
        event = log_event(personas.officer, "facility.viewed", personas.school)
    assert "facility.viewed" in caplog.text
    assert AuditEvent.objects.get(pk=event.pk).action == "facility.viewed"


def test_every_action_the_code_records_is_in_the_enum():
    """The values passed to log_event anywhere in the project, read from the source."""
    root = Path(__file__).resolve().parents[2]
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "log_event" and len(node.args) > 1:
                found |= {n.value for n in ast.walk(node.args[1]) if isinstance(n, ast.Constant)}
    assert found == set(), f"free strings passed to log_event: {sorted(found)}"


def test_the_back_office_and_histories_show_an_actions_label_in_mongolian(personas):
    event = log_event(personas.admin, AuditAction.FEEDBACK_IDENTITY_VIEWED, personas.citizen)
    with translation.override("mn"):
        assert event.get_action_display() != "Reporter's identity viewed"
