"""Public endpoints: what they show (and never show), filters, search, ordering and statistics."""

import json

from iltod.core.testing import make_facility, sector
from iltod.feedback import services
from iltod.feedback.models import Feedback
from iltod.organizations.models import Organization
from iltod.places.models import ServiceUnit

from .conftest import HEATING, MEALS

REPORTER_DETAILS = ["Оюунчимэг", "Энхжаргал", "99112233", "99001122", "dorj@example.mn", "+976"]


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def test_public_feedback_never_shows_reporter_details_or_unpublished_text(client, world):
    body = (
        client.get("/api/v1/feedback/").content.decode()
        + client.get(f"/api/v1/feedback/{world.school_item.tracking_code}/").content.decode()
    )
    for secret in [*REPORTER_DETAILS, HEATING[:20], MEALS[:20]]:
        assert secret not in body
    rows = {row["tracking_code"]: row for row in json.loads(client.get("/api/v1/feedback/").content)["results"]}
    row = rows[world.item.tracking_code]
    assert row["description"] is None
    assert row["area"] == "6504"
    assert row["facility"] is None
    assert row["category"] == "edu-building"
    assert row["sector"] == "education"
    assert row["status"] == "received"
    assert row["resolve_due"] is not None
    assert set(row) == {
        "tracking_code",
        "kind",
        "category",
        "sector",
        "status",
        "facility",
        "area",
        "received_at",
        "resolve_due",
        "resolved_at",
        "description",
        "public_response",
        "rating",
        "url",
    }


def test_published_text_is_the_masked_public_description(client, world):
    services.moderate(world.school_item, actor=world.personas.admin, publish=True)
    row = client.get(f"/api/v1/feedback/{world.school_item.tracking_code}/").json()
    assert row["description"].startswith("Үдийн цай хүйтэн байна")
    assert "99112233" not in row["description"]  # masked by the feedback app on intake
    assert row["facility"] == world.personas.school.code
    assert row["handled_by"] == str(world.personas.school_org)
    assert [event["type"] for event in row["timeline"]] == ["submitted", "routed"]
    assert "moderated" not in json.dumps(row)  # internal events stay internal


def test_resolved_items_show_the_response_and_no_deadline(client, world):
    services.change_status(world.item, Feedback.Status.RESOLVED, actor=world.personas.officer, text="Засварласан.")
    row = client.get(f"/api/v1/feedback/{world.item.tracking_code}/").json()
    assert row["status"] == "resolved"
    assert row["resolve_due"] is None
    assert row["public_response"] == "Засварласан."
    assert row["timeline"][-1] == {
        **row["timeline"][-1],
        "type": "status",
        "status": "resolved",
        "text": "Засварласан.",
    }


def test_internal_notes_and_duplicates_are_not_public(client, world):
    services.respond(world.item, actor=world.personas.officer, text="Дотоод тэмдэглэл ХХХ", public=False)
    services.mark_duplicate(world.school_item, actor=world.personas.admin, original=world.item)
    assert "ХХХ" not in client.get(f"/api/v1/feedback/{world.item.tracking_code}/").content.decode()
    assert client.get(f"/api/v1/feedback/{world.school_item.tracking_code}/").status_code == 404
    codes = [row["tracking_code"] for row in results(client.get("/api/v1/feedback/"))]
    assert world.school_item.tracking_code not in codes


def test_a_citizens_reopen_reason_is_public_only_with_published_text(client, world):
    services.change_status(world.item, Feedback.Status.RESOLVED, actor=world.personas.officer, text="Засварласан.")
    services.reopen(world.item, reason="Одоо ч хүйтэн, утас 99112233")
    timeline = client.get(f"/api/v1/feedback/{world.item.tracking_code}/").json()["timeline"]
    assert timeline[-1]["type"] == "reopened"
    assert timeline[-1]["text"] == ""


def test_public_feedback_filters(client, world):
    def codes(query):
        return {row["tracking_code"] for row in results(client.get(f"/api/v1/feedback/?{query}"))}

    everything = {world.item.tracking_code, world.school_item.tracking_code, world.other_item.tracking_code}
    assert codes("") == everything
    assert codes("sector=health") == {world.other_item.tracking_code}
    assert codes("category=edu-meals") == {world.school_item.tracking_code}
    assert codes(f"facility={world.personas.school.code}") == {world.school_item.tracking_code}
    assert codes("area=65") == {world.item.tracking_code, world.school_item.tracking_code}  # the aimag and below
    assert codes("area=84") == {world.other_item.tracking_code}
    assert codes("status=open") == everything
    assert codes("status=resolved") == set()
    assert codes("kind=proposal") == set()
    assert codes("received_after=2000-01-01&received_before=2100-01-01") == everything
    assert codes("received_before=2000-01-01") == set()
    services.moderate(world.school_item, actor=world.personas.admin, publish=True)
    assert codes("q=khuiten") == {world.school_item.tracking_code}  # Latin finds Cyrillic, published text only
    assert codes("q=хүйтэн") == {world.school_item.tracking_code}


def test_public_feedback_ordering(client, world):
    newest_first = [row["tracking_code"] for row in results(client.get("/api/v1/feedback/"))]
    oldest_first = [row["tracking_code"] for row in results(client.get("/api/v1/feedback/?ordering=received_at"))]
    assert newest_first == list(reversed(oldest_first))
    assert oldest_first[0] == world.item.tracking_code


def test_admin_units_filters_and_search(client, geo):
    assert [u["code"] for u in results(client.get("/api/v1/admin-units/?parent=65"))] == ["6504"]
    assert {u["code"] for u in results(client.get("/api/v1/admin-units/?level=aimag"))} == {"65", "84"}
    assert [u["code"] for u in results(client.get("/api/v1/admin-units/?q=arkhangai"))] == ["65"]
    assert [u["code"] for u in results(client.get("/api/v1/admin-units/?q=Архангай"))] == ["65"]
    assert [u["code"] for u in results(client.get("/api/v1/admin-units/?level=aimag&ordering=-code"))] == ["84", "65"]
    assert len(results(client.get("/api/v1/admin-units/?current=true"))) == 7
    unit = client.get("/api/v1/admin-units/6504/").json()
    assert unit["parent"] == "65"
    assert unit["level"] == "soum"
    assert unit["boundary"]["type"] == "Polygon"
    assert "boundary" not in results(client.get("/api/v1/admin-units/"))[0]


def test_facilities_filters_and_search_in_both_scripts(client, world):
    p = world.personas
    closed = make_facility(p.geo.soum, "Хаагдсан сургууль", "Closed school", is_active=False)
    assert {f["code"] for f in results(client.get("/api/v1/facilities/"))} == {p.school.code, p.clinic.code}
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?q=surguuli"))] == [p.school.code]
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?q=сургууль"))] == [p.school.code]
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?q=battsengel soum"))] == [p.school.code]
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?sector=health"))] == [p.clinic.code]
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?kind=general_school"))] == [p.school.code]
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?area=65"))] == [p.school.code]
    assert [f["code"] for f in results(client.get("/api/v1/facilities/?area=6504"))] == [p.school.code]
    assert results(client.get("/api/v1/facilities/?area=11")) == []
    assert [f["code"] for f in results(client.get(f"/api/v1/facilities/?operator={p.school_org.code}"))] == [
        p.school.code
    ]
    school = client.get(f"/api/v1/facilities/{p.school.code}/").json()
    assert school["area"] == "6504"
    assert school["sector"] == "education"
    assert school["operator"] == p.school_org.code
    assert school["url"].endswith(p.school.get_absolute_url())
    assert client.get(f"/api/v1/facilities/{closed.code}/").json()["is_active"] is False


def test_organizations_are_public_profiles_only(client, world):
    p = world.personas
    Organization.objects.filter(pk=p.cso.pk).update(is_public=False)
    p.education_dept.sectors.add(sector("education"))
    codes = {o["code"] for o in results(client.get("/api/v1/organizations/"))}
    assert p.cso.code not in codes
    assert p.education_dept.code in codes
    assert client.get(f"/api/v1/organizations/{p.cso.code}/").status_code == 404
    assert [o["code"] for o in results(client.get("/api/v1/organizations/?sector=education"))] == [
        p.education_dept.code
    ]
    assert {o["code"] for o in results(client.get("/api/v1/organizations/?kind=ministry"))} == {p.ministry.code}
    in_arkhangai = {o["code"] for o in results(client.get("/api/v1/organizations/?area=65"))}
    assert p.education_dept.code in in_arkhangai
    assert p.other_dept.code not in in_arkhangai
    dept = client.get(f"/api/v1/organizations/{p.education_dept.code}/").json()
    assert dept["parent"] == p.ministry.code
    assert dept["sectors"] == ["education"]
    assert dept["home_area"] == "65"


def test_categories_and_sectors(client, db):
    sectors = [s["code"] for s in results(client.get("/api/v1/sectors/"))]
    assert {"health", "education"} <= set(sectors)
    health = results(client.get("/api/v1/categories/?sector=health&page_size=100"))
    assert health and {c["sector"] for c in health} == {"health"}


def test_statistics_national_area_facility_and_organisation(client, world):
    p = world.personas
    services.change_status(world.school_item, Feedback.Status.RESOLVED, actor=p.provider, text="Засварласан.")
    national = client.get("/api/v1/statistics/").json()
    assert national["scope"] == "national"
    assert national["received"] == 3
    assert national["resolved"] == 1
    assert national["year"] is None
    aimag = client.get("/api/v1/statistics/admin-units/65/").json()
    assert (aimag["received"], aimag["resolved"], aimag["code"]) == (2, 1, "65")
    assert client.get("/api/v1/statistics/admin-units/MN/").json()["received"] == 3  # the country is national
    school = client.get(f"/api/v1/statistics/facilities/{p.school.code}/").json()
    assert (school["received"], school["resolved"], school["resolved_percent"]) == (1, 1, 100.0)
    org = client.get(f"/api/v1/statistics/organizations/{p.education_dept.code}/").json()
    assert org["received"] == 1
    this_year = world.item.received_at.astimezone().year
    assert client.get(f"/api/v1/statistics/?year={this_year}").json()["received"] == 3
    assert client.get("/api/v1/statistics/?year=2001").json()["received"] == 0


def test_statistics_read_pre_aggregated_rows_only(client, world, django_assert_max_num_queries):
    code = world.personas.school.code
    with django_assert_max_num_queries(2):  # the facility's pk, the statistics rows
        assert client.get(f"/api/v1/statistics/facilities/{code}/").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/statistics/").status_code == 200


def test_api_root_lists_the_endpoints(client, db):
    root = client.get("/api/v1/").json()
    assert {"facilities", "feedback", "organizations", "admin-units", "staff/feedback"} <= set(root)


def test_inactive_facilities_are_not_listed(client, geo):
    active = make_facility(geo.soum)
    make_facility(geo.soum, "Хуучин", "Old", is_active=False)
    assert [f["code"] for f in results(client.get("/api/v1/facilities/"))] == [active.code]
    assert ServiceUnit.objects.count() == 2
