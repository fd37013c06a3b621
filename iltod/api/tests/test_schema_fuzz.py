"""Property-based fuzzing of the API against its own OpenAPI schema (schemathesis).

The schema is loaded from a live server; every GET operation (with a read-only key), the public
feedback submission (anonymous) and every staff action (with a write key) get a bounded number of
generated requests, valid and invalid by the schema. Open311 has no OpenAPI document of its own:
``OPEN311_SCHEMA`` below describes its JSON endpoints as far as a schema can (parameters, status
codes, the error list), and they are fuzzed the same way. No answer may be a 5xx, and every answer
must match the schema (status, body and content type as documented). Generation is derandomised so
a failure reproduces; each run prints its figures (operations, cases).

Bounded: ``MAX_EXAMPLES`` per operation and mode, and ``TIME_BUDGET_SECONDS`` for a whole run,
after which the remaining operations are reported as not fuzzed (and the test fails, so that a run
that got slower is noticed rather than silently thinner).
"""

import logging
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from iltod.core.testing import make_personas
from iltod.feedback import services

from .conftest import make_world

MAX_EXAMPLES = 20
TIME_BUDGET_SECONDS = 600
CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz(operation, base_url, *, mode, headers=None, path_parameters=None, max_examples=MAX_EXAMPLES, cases=None):
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
        if cases is not None:
            cases[f"{operation.method.upper()} {operation.path}"] += 1
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    run()


def report(name, cases: Counter, started: float) -> None:
    print(  # the figures of the run, read in the test log
        f"\n{name}: {len(cases)} operations, {sum(cases.values())} cases, "
        f"{time.monotonic() - started:.0f} s, 0 server errors, 0 schema violations"
    )


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
    write_key = {"Authorization": f"Bearer {world.write_key}"}
    fuzzed, late, cases, started = [], [], Counter(), time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        method, path = operation.method.upper(), operation.path
        if method == "GET":
            headers = read_key
        elif (method, path) == ("POST", "/api/v1/feedback/"):
            headers = None  # the public submission, as a citizen's app would send it
        else:
            headers = write_key  # the staff actions, as the handling organisation's system sends them
        if time.monotonic() - started > TIME_BUDGET_SECONDS:
            late.append(f"{method} {path}")
            continue
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                fuzz(operation, live_server.url, mode=mode, headers=headers, cases=cases)
            except Unsatisfiable:
                # Nothing of the operation can be made invalid (no constrained input): there is no
                # negative case to send. A positive run that cannot be generated still fails.
                if mode is schemathesis.GenerationMode.POSITIVE:
                    raise
        codes = real_codes.get(path) or (
            {"tracking_code": world.item.tracking_code} if path.startswith("/api/v1/staff/feedback/{") else None
        )
        if codes:  # also the real objects, so their full representation is checked
            fuzz(
                operation,
                live_server.url,
                mode=schemathesis.GenerationMode.POSITIVE,
                headers=headers,
                path_parameters=codes,
                max_examples=5,
                cases=cases,
            )
        fuzzed.append(f"{method} {path}")
    report("REST API", cases, started)
    assert not late, f"not fuzzed within {TIME_BUDGET_SECONDS} s: {late}"
    assert len(fuzzed) >= 17, fuzzed
    assert "POST /api/v1/feedback/" in fuzzed
    assert any(name.startswith("POST /api/v1/staff/") for name in fuzzed), fuzzed


# --- Open311 GeoReport v2, as far as an OpenAPI document can describe it -------------------------
# Its JSON endpoints, parameters and answers (docs/open311.md): a document or a list on success,
# the specification's list of errors (``[{"code": 404, "description": "…"}]``) on failure.

_JSON = "application/json"
_ERRORS = {
    "description": "the specification's error list",
    "content": {
        _JSON: {
            "schema": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
                },
            }
        }
    },
}
_LIST = {"description": "a list", "content": {_JSON: {"schema": {"type": "array", "items": {"type": "object"}}}}}
_OBJECT = {"description": "a document", "content": {_JSON: {"schema": {"type": "object"}}}}


def _query(*names):
    return [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}} for name in names]


def _path(name):
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}}]


def _get(parameters, ok, *errors):
    return {"get": {"parameters": parameters, "responses": {"200": ok, **{str(code): _ERRORS for code in errors}}}}


OPEN311_SCHEMA = {
    "openapi": "3.0.3",
    "info": {"title": "Iltod Open311 GeoReport v2 (JSON)", "version": "2"},
    "paths": {
        "/open311/v2/discovery.json": _get([], _OBJECT),
        "/open311/v2/services.json": _get(_query("jurisdiction_id"), _LIST, 404),
        "/open311/v2/services/{service_code}.json": _get(
            _path("service_code") + _query("jurisdiction_id"), _OBJECT, 404
        ),
        "/open311/v2/requests.json": {
            **_get(
                _query(
                    "jurisdiction_id",
                    "service_request_id",
                    "service_code",
                    "start_date",
                    "end_date",
                    "status",
                    "page",
                    "page_size",
                    "extensions",
                ),
                _LIST,
                400,
                404,
            ),
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    name: {"type": "string"}
                                    for name in (
                                        "api_key",
                                        "jurisdiction_id",
                                        "service_code",
                                        "lat",
                                        "long",
                                        "address_string",
                                        "address_id",
                                        "description",
                                        "email",
                                        "phone",
                                        "first_name",
                                        "last_name",
                                        "device_id",
                                        "account_id",
                                        "media_url",
                                    )
                                },
                            }
                        }
                    },
                },
                "responses": {"201": _LIST, "200": _LIST, **{str(code): _ERRORS for code in (400, 403, 404, 429)}},
            },
        },
        "/open311/v2/requests/{service_request_id}.json": _get(
            _path("service_request_id") + _query("jurisdiction_id", "extensions"), _LIST, 404
        ),
        "/open311/v2/tokens/{token}.json": _get(_path("token") + _query("jurisdiction_id"), _LIST, 404),
        "/open311/v2/servicerequestupdates.json": _get(
            _query("jurisdiction_id", "start_date", "end_date", "page", "page_size", "after"), _LIST, 400, 404
        ),
    },
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_quiet_client_errors")
def test_open311_survives_fuzzing_and_keeps_to_the_specifications_answers(live_server, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.OPEN311_POST_RATE = "100000/h"
    settings.FEEDBACK_RATE_PER_IP = "100000/h"
    settings.FEEDBACK_PER_PHONE_PER_DAY = 100000
    world = make_world(make_personas())
    p = world.personas
    services.moderate(world.school_item, actor=p.admin, publish=True)
    real = {
        "/open311/v2/services/{service_code}.json": {"service_code": "edu-meals"},
        "/open311/v2/requests/{service_request_id}.json": {"service_request_id": world.school_item.tracking_code},
    }
    schema = schemathesis.openapi.from_dict(OPEN311_SCHEMA)
    cases, started, unsatisfiable = Counter(), time.monotonic(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzz(operation, live_server.url, mode=schemathesis.GenerationMode.POSITIVE, cases=cases)
        try:
            fuzz(operation, live_server.url, mode=schemathesis.GenerationMode.NEGATIVE, cases=cases)
        except Unsatisfiable:  # nothing to get wrong where every parameter is an optional string
            unsatisfiable.append(f"{operation.method.upper()} {operation.path}")
        if operation.path in real:
            fuzz(
                operation,
                live_server.url,
                mode=schemathesis.GenerationMode.POSITIVE,
                path_parameters=real[operation.path],
                max_examples=5,
                cases=cases,
            )
    report("Open311", cases, started)
    print(f"Open311: no invalid request can be made for {unsatisfiable}")
    assert len(cases) == 8, cases
