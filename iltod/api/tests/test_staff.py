"""Staff endpoints: the inbox's work lists and filters, the case, and the handling actions through
the feedback services, with a session or with an API key."""

from datetime import timedelta

from django.utils import timezone

from iltod.feedback import services
from iltod.feedback.models import Event, Feedback

from .conftest import HEATING, bearer, submit


def inbox(client, query="", **headers):
    response = client.get(f"/api/v1/staff/feedback/?{query}", **headers)
    assert response.status_code == 200, response.content[:500]
    return [row["tracking_code"] for row in response.json()["results"]]


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_inbox_work_lists_like_the_web_inbox(client, world):
    p = world.personas
    key = bearer(world.read_key)
    late = submit(
        kind="complaint",
        category=world.item.category,
        description="Ангид халаалт алга, маш хүйтэн.",
        admin_unit=p.geo.soum,
    )
    Feedback.objects.filter(pk=late.pk).update(resolve_due=timezone.now() - timedelta(days=1))
    Feedback.objects.filter(pk=world.item.pk).update(resolve_due=timezone.now() + timedelta(days=2))
    item, late_code = world.item.tracking_code, late.tracking_code

    assert inbox(client, **key) == [late_code, item]  # open, by deadline
    assert inbox(client, "view=overdue", **key) == [late_code]
    assert inbox(client, "view=due_soon", **key) == [item]
    assert inbox(client, "view=unassigned", **key) == [late_code, item]
    services.assign(world.item, actor=p.officer, assignee=p.officer)
    assert inbox(client, "view=unassigned", **key) == [late_code]
    assert inbox(client, "view=mine", **key) == []  # a key is nobody
    client.force_login(p.officer)
    assert inbox(client, "view=mine") == [item]
    client.logout()

    services.change_status(late, Feedback.Status.RESOLVED, actor=p.officer, text="Засварласан.")
    assert inbox(client, **key) == [item]
    assert inbox(client, "view=closed", **key) == [late_code]
    assert set(inbox(client, "view=all", **key)) == {item, late_code}
    assert inbox(client, "view=all&ordering=received_at", **key) == [item, late_code]
    assert inbox(client, "view=all&status=resolved", **key) == [late_code]


def test_inbox_filters(client, world):
    key = bearer(world.read_key)
    code = world.item.tracking_code
    assert inbox(client, "category=edu-building", **key) == [code]
    assert inbox(client, "category=edu-meals", **key) == []
    assert inbox(client, "channel=web", **key) == [code]
    assert inbox(client, "channel=sms", **key) == []
    assert inbox(client, f"q={code.lower()}", **key) == [code]
    assert inbox(client, "q=dulaan", **key) == [code]  # Latin-typed Mongolian finds the Cyrillic text
    assert inbox(client, f"facility={world.personas.school.code}", **key) == []


def test_escalated_work_list(client, world):
    Feedback.objects.filter(pk=world.school_item.pk).update(escalated_to=world.personas.education_dept)
    key = bearer(world.read_key)
    assert inbox(client, "view=escalated", **key) == [world.school_item.tracking_code]
    assert world.school_item.tracking_code in inbox(client, **key)


def test_case_shows_the_internal_timeline_but_never_the_reporter(client, world):
    p = world.personas
    services.respond(world.item, actor=p.officer, text="Дотоод тэмдэглэл", public=False)
    services.reporter_for(world.item, actor=p.officer)  # someone read the identity on the web
    response = client.get(f"/api/v1/staff/feedback/{world.item.tracking_code}/", **bearer(world.read_key))
    case = response.json()
    assert case["description"] == HEATING
    assert case["privacy"] == "name_hidden"
    assert case["handled_by"] == p.education_dept.code
    assert case["next_statuses"] == sorted(services.TRANSITIONS[Feedback.Status.RECEIVED])
    assert [e["type"] for e in case["timeline"]] == ["submitted", "routed", "note", "identity_viewed"]
    assert case["timeline"][2]["actor"] == p.officer.get_full_name()
    body = response.content.decode()
    for secret in ["Оюунчимэг", "99112233", "dorj@example.mn", "reporter"]:
        assert secret not in body


def test_a_write_key_changes_status_and_the_timeline_names_the_key(client, world):
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/status/"
    response = post(client, url, {"status": "resolved", "text": "Халаалтыг засварласан."}, **bearer(world.write_key))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "resolved"
    assert response.json()["public_response"] == "Халаалтыг засварласан."
    event = Event.objects.filter(feedback=world.item).last()
    assert (event.type, event.actor, event.new_status) == (Event.Type.STATUS, None, "resolved")
    assert event.data["api_key"] == world.write_api_key.prefix
    assert response.json()["timeline"][-1]["api_key"] == world.write_api_key.prefix
    assert response.json()["timeline"][-1]["actor"] is None
    # earlier events are left as they were
    assert "api_key" not in Event.objects.filter(feedback=world.item).first().data


def test_a_person_acting_through_the_api_is_the_events_actor(client, world):
    client.force_login(world.personas.officer)
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/respond/"
    response = post(client, url, {"text": "Бид ирэх долоо хоногт шалгана.", "public": True})
    assert response.status_code == 200
    event = Event.objects.filter(feedback=world.item).last()
    assert (event.type, event.actor, event.is_public) == (Event.Type.RESPONSE, world.personas.officer, True)
    assert "api_key" not in event.data


def test_rules_of_the_services_are_400s_with_their_message(client, world):
    key = bearer(world.write_key)
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/"
    no_text = post(client, f"{url}status/", {"status": "resolved"}, **key)
    assert no_text.status_code == 400
    assert no_text.json()["error"]["code"] == "invalid"
    assert no_text.json()["error"]["message"]
    assert post(client, f"{url}status/", {"status": "acknowledged"}, **key).status_code == 200
    backwards = post(client, f"{url}status/", {"status": "received"}, **key)
    assert backwards.status_code == 400
    unknown = post(client, f"{url}status/", {"status": "nonsense"}, **key)
    assert unknown.status_code == 400
    assert "status" in unknown.json()["error"]["fields"]
    assert world.item.events.filter(type=Event.Type.STATUS).count() == 1


def test_assign(client, world):
    p = world.personas
    key = bearer(world.write_key)
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/assign/"
    response = post(client, url, {"assignee": p.officer.email.upper()}, **key)
    assert response.status_code == 200
    assert response.json()["assigned_to"] == {"name": p.officer.get_full_name(), "email": p.officer.email}
    outsider = post(client, url, {"assignee": p.other_officer.email}, **key)
    assert outsider.status_code == 400
    nobody = post(client, url, {"assignee": "nobody@example.mn"}, **key)
    assert nobody.status_code == 400
    assert "assignee" in nobody.json()["error"]["fields"]
    unassigned = post(client, url, {"assignee": None}, **key)
    assert unassigned.json()["assigned_to"] is None


def test_refer(client, world):
    p = world.personas
    key = bearer(world.write_key)
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/refer/"
    to_cso = post(client, url, {"organization": p.cso.code, "reason": "ТББ"}, **key)
    assert to_cso.status_code == 400
    assert "organization" in to_cso.json()["error"]["fields"]
    to_self = post(client, url, {"organization": p.education_dept.code, "reason": "Өөрсдөө"}, **key)
    assert to_self.status_code == 400
    no_reason = post(client, url, {"organization": p.ministry.code}, **key)
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["error"]["fields"]
    referred = post(client, url, {"organization": p.ministry.code, "reason": "Яамны асуудал."}, **key)
    assert referred.status_code == 200
    assert (referred.json()["status"], referred.json()["handled_by"]) == ("referred", p.ministry.code)
    assert referred.json()["can_act"] is False
    event = world.item.events.get(type=Event.Type.REFERRED)
    assert event.data["api_key"] == world.write_api_key.prefix
    # the item has left the department: its key no longer sees it
    assert client.get(f"/api/v1/staff/feedback/{world.item.tracking_code}/", **key).status_code == 404
