"""Open311 GeoReport v2, proven with a real client (georeport) over HTTP against a live server.

No maintained Python client submits requests, so POST is exercised with plain HTTP in the exact
wire format of the specification: a form-encoded body, api_key in the body or the query string,
``attribute[code]`` and ``attribute[code][]`` fields.
"""

from datetime import timedelta

import pytest
import requests
import xmltodict
from django.utils import timezone
from georeport import GeoReport

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.feedback import services
from iltod.feedback.models import Category, CategoryQuestion, Feedback

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(personas):
    category = Category.objects.get(code="edu-meals")
    CategoryQuestion.objects.create(
        category=category,
        code="meal",
        question="Аль хоол?",
        question_mn="Аль хоол?",
        question_en="Which meal?",
        datatype=CategoryQuestion.Datatype.MULTI,
        required=True,
        choices=[{"key": "breakfast", "name": "Өглөөний цай"}, {"key": "lunch", "name": "Үдийн хоол"}],
    )
    _key, write = create_api_key(actor=personas.admin, organization=personas.cso, name="app", scope=ApiKey.Scope.WRITE)
    _key, read = create_api_key(actor=personas.admin, organization=personas.cso, name="ro", scope=ApiKey.Scope.READ)
    feedback, _ = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=category,
            description="Үдийн хоол хүйтэн, утас 99112233",
            service_unit=personas.school,
            reporter_phone="99112233",
        )
    )
    services.moderate(feedback, actor=personas.provider, publish=True)
    return {"personas": personas, "category": category, "write": write, "read": read, "feedback": feedback}


def client(live_server, fmt="json", jurisdiction=None):
    return GeoReport(f"{live_server.url}/open311/v2", jurisdiction=jurisdiction, output_format=fmt)


def post(live_server, data, fmt="json", **kwargs):
    return requests.post(f"{live_server.url}/open311/v2/requests.{fmt}", data=data, timeout=10, **kwargs)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_lists_services_grouped_by_sector(live_server, world, fmt):
    services_ = client(live_server, fmt).get_service_list()
    codes = {s["service_code"] for s in services_}
    assert {"edu-meals", "health-waiting", "other"} <= codes
    meals = next(s for s in services_ if s["service_code"] == "edu-meals")
    assert meals["group"] in {"Боловсрол", "Education"}
    assert str(meals["metadata"]).lower() == "true"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_reads_a_service_definition_with_its_attributes(live_server, world, fmt):
    definition = client(live_server, fmt).get_service_definition("edu-meals")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    by_code = {a["code"]: a for a in attributes}
    assert {"kind", "facility", "privacy", "meal"} <= set(by_code)
    meal = by_code["meal"]
    assert meal["datatype"] == "multivaluelist"
    assert str(meal["required"]).lower() == "true"


def test_an_unknown_service_definition_is_a_404_in_the_spec_format(live_server, world):
    response = requests.get(f"{live_server.url}/open311/v2/services/nope.xml", timeout=10)
    assert response.status_code == 404
    error = xmltodict.parse(response.content)["errors"]["error"]
    assert error["code"] == "404"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_reads_requests_and_a_single_request(live_server, world, fmt):
    feedback = world["feedback"]
    geo = client(live_server, fmt)
    listing = geo.get_service_requests(service_code="edu-meals", status="open")
    if isinstance(listing, dict):  # xmltodict gives a dict when there is a single element
        listing = [listing]
    ids = [r["service_request_id"] for r in listing]
    assert feedback.tracking_code in ids
    single = geo.get_service_request(feedback.tracking_code)
    assert single["service_request_id"] == feedback.tracking_code
    assert single["status"] == "open"
    assert "99112233" not in single["description"]  # masked
    assert single["expected_datetime"]
    assert single["address_id"] == world["personas"].school.code


def test_a_single_request_still_comes_back_as_a_one_element_array(live_server, world):
    code = world["feedback"].tracking_code
    response = requests.get(f"{live_server.url}/open311/v2/requests/{code}.json", timeout=10)
    body = response.json()
    assert isinstance(body, list) and len(body) == 1


def test_requests_filter_by_status_date_and_ids(live_server, world):
    feedback = world["feedback"]
    geo = client(live_server)
    assert geo.get_service_requests(status="closed") == []
    future = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert geo.get_service_requests(start_date=future, end_date=later) == []
    assert [r["service_request_id"] for r in geo.get_service_requests(service_request_id=feedback.tracking_code)] == [
        feedback.tracking_code
    ]


def test_a_window_longer_than_90_days_and_bad_values_are_400(live_server, world):
    base = f"{live_server.url}/open311/v2/requests.json"
    too_long = requests.get(
        base, params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, timeout=10
    )
    assert too_long.status_code == 400
    assert too_long.json()[0]["code"] == 400
    assert requests.get(base, params={"start_date": "yesterday"}, timeout=10).status_code == 400
    assert requests.get(base, params={"page": "x"}, timeout=10).status_code == 400
    assert requests.get(base, params={"status": "pending"}, timeout=10).status_code == 400


def test_pagination_extension(live_server, world):
    for i in range(3):
        services.submit_feedback(
            services.Submission(
                kind="complaint",
                category=world["category"],
                description=f"Асуудал {i}",
                service_unit=world["personas"].school,
            )
        )
    base = f"{live_server.url}/open311/v2/requests.json"
    first = requests.get(base, params={"page_size": 2, "page": 1}, timeout=10).json()
    second = requests.get(base, params={"page_size": 2, "page": 2}, timeout=10).json()
    assert len(first) == 2 and len(second) == 2
    assert not {r["service_request_id"] for r in first} & {r["service_request_id"] for r in second}


def test_post_with_the_api_key_in_the_body_and_multi_value_attributes(live_server, world):
    response = post(
        live_server,
        {
            "api_key": world["write"],
            "service_code": "edu-meals",
            "lat": "47.75",
            "long": "101.75",
            "description": "Өглөөний цай ирдэггүй",
            "first_name": "Бат",
            "last_name": "Дорж",
            "email": "bat@example.mn",
            "attribute[meal][]": ["breakfast", "lunch"],
            "attribute[kind]": "petition",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    code = body[0]["service_request_id"]
    feedback = Feedback.objects.get(tracking_code=code)
    assert feedback.channel == Feedback.Channel.OPEN311
    assert feedback.kind == "petition"
    assert feedback.attributes == {"meal": ["breakfast", "lunch"]}
    assert feedback.admin_unit.code == "6504"  # Battsengel: the soum whose boundary contains the point
    assert feedback.reporter.name == "Бат Дорж"
    token = requests.get(f"{live_server.url}/open311/v2/tokens/{code}.json", timeout=10).json()
    assert token == [{"service_request_id": code, "token": code}]


def test_post_with_the_api_key_in_the_query_and_a_facility_as_location_in_xml(live_server, world):
    school = world["personas"].school
    response = post(
        live_server,
        {
            "service_code": "edu-meals",
            "address_id": school.code,
            "description": "Хоол муу",
            "attribute[meal]": "lunch",
        },
        fmt="xml",
        params={"api_key": world["write"]},
    )
    assert response.status_code == 200, response.content
    code = xmltodict.parse(response.content)["service_requests"]["request"]["service_request_id"]
    assert Feedback.objects.get(tracking_code=code).service_unit == school


def test_post_by_address_string_finds_the_soum(live_server, world):
    response = post(
        live_server,
        {
            "api_key": world["write"],
            "service_code": "other",
            "address_string": "Архангай аймаг, Батцэнгэл сум",
            "description": "Замын асуудал",
        },
    )
    assert response.status_code == 200, response.content
    assert Feedback.objects.get(tracking_code=response.json()[0]["service_request_id"]).admin_unit.code == "6504"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": ""}, 403),
        ({"api_key": "il_nope_nope"}, 403),
        ({"api_key": "READ"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "unknown"}, 404),
        ({"lat": "", "long": "", "address_id": ""}, 400),
        ({"lat": "north"}, 400),
        ({"lat": "10", "long": "10"}, 400),
        ({"description": ""}, 400),
        ({"attribute[meal][]": ["dinner"]}, 400),
        ({"attribute[meal][]": []}, 400),
        ({"attribute[kind]": "rant"}, 400),
        ({"address_id": "ZZZZZZZZ", "lat": "", "long": ""}, 400),
    ],
)
def test_bad_posts_get_the_right_code_and_save_nothing(live_server, world, change, status):
    data = {
        "api_key": world["write"],
        "service_code": "edu-meals",
        "lat": "47.47",
        "long": "101.45",
        "description": "Хоол",
        "attribute[meal][]": ["lunch"],
    }
    data.update(change)
    if data["api_key"] == "READ":
        data["api_key"] = world["read"]
    before = Feedback.objects.count()
    response = post(live_server, {k: v for k, v in data.items() if v not in ("", [])})
    assert response.status_code == status, response.content
    assert response.json()[0]["code"] == status
    assert response.json()[0]["description"]
    assert Feedback.objects.count() == before


def test_jurisdiction_limits_reads_and_writes(live_server, world):
    feedback = world["feedback"]
    arkhangai = client(live_server, jurisdiction="65").get_service_requests()
    assert feedback.tracking_code in [r["service_request_id"] for r in arkhangai]
    assert client(live_server, jurisdiction="84").get_service_requests() == []
    outside = post(
        live_server,
        {
            "api_key": world["write"],
            "service_code": "other",
            "jurisdiction_id": "84",
            "lat": "47.47",
            "long": "101.45",
            "description": "x",
        },
    )
    assert outside.status_code == 400
    unknown = requests.get(
        f"{live_server.url}/open311/v2/services.json", params={"jurisdiction_id": "nowhere"}, timeout=10
    )
    assert unknown.status_code == 404


def test_status_mapping_and_update_history(live_server, world):
    feedback = world["feedback"]
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world["personas"].provider, text="Засав.")
    single = client(live_server).get_service_request(feedback.tracking_code)
    assert single["status"] == "closed"
    assert "Засав." in single["status_notes"]
    assert single["expected_datetime"] is None
    updates = requests.get(f"{live_server.url}/open311/v2/servicerequestupdates.json", timeout=10).json()
    mine = [u for u in updates if u["service_request_id"] == feedback.tracking_code]
    assert any(u["status"] == "FIXED" and u["description"] == "Засав." for u in mine)
    extended = requests.get(
        f"{live_server.url}/open311/v2/requests/{feedback.tracking_code}.json",
        params={"extensions": "true"},
        timeout=10,
    ).json()[0]
    assert extended["extended_attributes"]["detailed_status"] == "resolved"


def test_discovery_in_both_formats(live_server, world):
    as_json = requests.get(f"{live_server.url}/open311/v2/discovery.json", timeout=10).json()
    assert as_json["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    as_xml = xmltodict.parse(requests.get(f"{live_server.url}/open311/v2/discovery.xml", timeout=10).content)
    assert as_xml["discovery"]["endpoints"]["endpoint"]["url"].endswith("/open311/v2/")


def test_duplicates_and_unknown_formats_are_not_served(live_server, world):
    feedback = world["feedback"]
    other, _ = services.submit_feedback(
        services.Submission(
            kind="complaint", category=world["category"], description="Хоол", service_unit=world["personas"].school
        )
    )
    services.mark_duplicate(other, actor=world["personas"].provider, original=feedback)
    response = requests.get(f"{live_server.url}/open311/v2/requests/{other.tracking_code}.json", timeout=10)
    assert response.status_code == 404
    assert requests.get(f"{live_server.url}/open311/v2/services.csv", timeout=10).status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_repeated_attribute_as_fixmystreet_sends_a_multi_choice_answer_keeps_every_value(live_server, world, fmt):
    # FixMyStreet posts a multi-choice answer as attribute[meal]=breakfast&attribute[meal]=lunch.
    body = [
        ("api_key", world["write"]),
        ("jurisdiction_id", ""),
        ("service_code", "edu-meals"),
        ("lat", "47.75"),
        ("long", "101.75"),
        ("email", "bat@example.mn"),
        ("first_name", "Бат"),
        ("last_name", "Дорж"),
        ("description", "Хоол хүйтэн\n\nhttps://fixmystreet.example/report/12"),
        ("attribute[meal]", "breakfast"),
        ("attribute[meal]", "lunch"),
    ]
    response = post(live_server, body, fmt=fmt)
    assert response.status_code == 200, response.content
    if fmt == "json":
        code = response.json()[0]["service_request_id"]
    else:
        code = xmltodict.parse(response.content)["service_requests"]["request"]["service_request_id"]
    assert Feedback.objects.get(tracking_code=code).attributes == {"meal": ["breakfast", "lunch"]}
    assert client(live_server, fmt).get_service_request(code)["service_code"] == "edu-meals"  # georeport reads it back


def test_a_repeated_attribute_for_a_single_choice_question_is_refused_not_cut(live_server, world):
    before = Feedback.objects.count()
    body = [
        ("api_key", world["write"]),
        ("service_code", "edu-meals"),
        ("lat", "47.75"),
        ("long", "101.75"),
        ("description", "Хоол"),
        ("attribute[meal]", "lunch"),
        ("attribute[kind]", "petition"),
        ("attribute[kind]", "complaint"),
    ]
    response = post(live_server, body)
    assert response.status_code == 400
    assert "kind" in response.json()[0]["description"]
    assert Feedback.objects.count() == before


def test_a_full_page_of_requests_links_to_the_next_one_until_all_are_read(live_server, world):
    for i in range(4):
        services.submit_feedback(
            services.Submission(
                kind="complaint",
                category=world["category"],
                description=f"Асуудал {i}",
                service_unit=world["personas"].school,
            )
        )
    response = requests.get(f"{live_server.url}/open311/v2/requests.xml", params={"page_size": 2}, timeout=10)
    seen = []
    while True:
        parsed = xmltodict.parse(response.content, force_list={"request"})["service_requests"]
        seen += [r["service_request_id"] for r in (parsed or {}).get("request", [])]
        if "next" not in response.links:
            break
        response = requests.get(response.links["next"]["url"], timeout=10)
    assert sorted(seen) == sorted(Feedback.objects.values_list("tracking_code", flat=True))
    assert len(seen) == len(set(seen)) == 5
