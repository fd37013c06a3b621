"""Property-based fuzzing of the API against its own OpenAPI schema (schemathesis).

The schema is loaded from a live server; every GET operation (with a read-only key) and the
public feedback submission (anonymous) get a bounded number of generated requests, valid and
invalid by the schema. No answer may be a 5xx, and every answer must match the schema (status,
body and content type as documented). Generation is derandomised so a failure reproduces.
"""

import logging

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from iltod.core.testing import make_personas
from iltod.feedback import services

from .conftest import make_world

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz(operation, base_url, *, mode, headers=None, path_parameters=None, max_examples=MAX_EXAMPLES):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
        print_blob=True,
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    run()


@pytest.fixture
def _quiet_client_errors():
    """4xx answers are expected by the thousand here; 5xx are still logged (as errors)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_quiet_client_errors")
def test_the_api_survives_fuzzing_and_keeps_to_its_schema(live_server, settings, monkeypatch):
    # Only for this test (a process-wide setting would leak into the subprocesses of later tests).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    settings.FEEDBACK_RATE_PER_IP = "100000/h"
    settings.FEEDBACK_PER_PHONE_PER_DAY = 100000
    world = make_world(make_personas())
    p = world.personas
    services.moderate(world.school_item, actor=p.admin, publish=True)
    services.change_status(world.item, "resolved", actor=p.officer, text="Засварласан.")
    real_codes = {
        "/api/v1/admin-units/{code}/": {"code": "6504"},
        "/api/v1/facilities/{code}/": {"code": p.school.code},
        "/api/v1/organizations/{code}/": {"code": p.education_dept.code},
        "/api/v1/feedback/{tracking_code}/": {"tracking_code": world.school_item.tracking_code},
        "/api/v1/staff/feedback/{tracking_code}/": {"tracking_code": world.item.tracking_code},
        "/api/v1/statistics/admin-units/{code}/": {"code": "65"},
        "/api/v1/statistics/facilities/{code}/": {"code": p.school.code},
        "/api/v1/statistics/organizations/{code}/": {"code": p.education_dept.code},
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    read_key = {"Authorization": f"Bearer {world.read_key}"}
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        method, path = operation.method.upper(), operation.path
        if method == "GET":
            headers = read_key
        elif (method, path) == ("POST", "/api/v1/feedback/"):
            headers = None  # the public submission, as a citizen's app would send it
        else:
            continue
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            fuzz(operation, live_server.url, mode=mode, headers=headers)
        if path in real_codes:  # also the real objects, so their full representation is checked
            fuzz(
                operation,
                live_server.url,
                mode=schemathesis.GenerationMode.POSITIVE,
                headers=headers,
                path_parameters=real_codes[path],
                max_examples=5,
            )
        fuzzed.append(f"{method} {path}")
    assert len(fuzzed) >= 17, fuzzed
    assert "POST /api/v1/feedback/" in fuzzed
