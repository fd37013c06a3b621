"""Two writers of one facility's values at the same moment take turns (PostgreSQL's row locks):
the second reads what the first saved and updates it, where it used to insert the same value again
and fail on the unique key with a server error."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from iltod.core import testing
from iltod.disclosure.models import FacilityValue, FacilityValueChange
from iltod.disclosure.services import facility_data as services
from iltod.lib.tabular import Row

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # the indicators are migration data
]


def _rows(code: str, value: str) -> list[Row]:
    return [Row(2, {"facility_code": code, "indicator": "teachers", "period": "2025", "value": value})]


def _blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _second_waits_for_first(first, second) -> tuple[bool, list]:
    """Run ``first()`` in a transaction held open once it has written, then ``second()`` in another
    thread; commit the first once the second waits on a lock (or after 20 s). Returns whether the
    second waited, and the exceptions of either."""
    written, release = threading.Event(), threading.Event()
    errors = []

    def hold():
        try:
            with transaction.atomic():  # written but not yet committed
                first()
                written.set()
                release.wait(30)
        except Exception as exc:  # raised in the test's thread
            errors.append(exc)
        finally:
            written.set()
            connections.close_all()

    def follow():
        try:
            written.wait(30)
            second()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold), threading.Thread(target=follow)]
    for thread in threads:
        thread.start()
    written.wait(30)
    deadline = time.monotonic() + 20
    while not _blocked_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    waited = _blocked_on_a_lock()
    release.set()
    for thread in threads:
        thread.join(60)
    return waited, errors


def test_a_second_import_of_the_same_facility_waits_and_updates_what_the_first_saved():
    personas = testing.make_personas()
    code = personas.school.code
    reports = {}

    def first():
        reports["first"] = services.import_values(_rows(code, "12"))

    def second():
        reports["second"] = services.import_values(_rows(code, "14"))

    waited, errors = _second_waits_for_first(first, second)
    assert not errors, errors
    assert waited, "the second import did not wait for the first"
    assert (reports["first"].created, reports["second"].created, reports["second"].updated) == (1, 0, 1)
    value = FacilityValue.objects.get(facility=personas.school, indicator__code="teachers", period="2025")
    assert value.value == 14
    assert FacilityValueChange.objects.filter(value=value).count() == 2  # both writes are in its history


def test_a_form_and_an_import_of_the_same_facility_take_turns_too():
    personas = testing.make_personas()
    code = personas.school.code

    def form():
        services.publish_values(personas.school, "2025", {"teachers": "12"}, actor=personas.provider)

    def upload():
        assert services.import_values(_rows(code, "15")).ok

    waited, errors = _second_waits_for_first(form, upload)
    assert not errors, errors
    assert waited
    assert FacilityValue.objects.get(facility=personas.school, indicator__code="teachers", period="2025").value == 15
