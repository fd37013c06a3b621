"""The public form's submission path: what it costs, in which order it writes, and that a stored
submission is never answered with an error.

The reference tables it reads (deadline policies, holidays, routing rules) are kept in each
process's memory (``iltod.core.memo``): the tests below also check that a change reaches the next
submission, whichever way it is made.
"""

import socket
from datetime import date

import pytest
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iltod.core import memo
from iltod.core.models import Holiday
from iltod.feedback.models import DeadlinePolicy, Feedback, RoutingRule

from .helpers import TUESDAY, at, category, form_data

SUBMIT = reverse("feedback:submit")
# One submission from a browser that submitted before, with the reference tables in memory: the
# facility, the per-phone count, the departments over its area (its oversight body); the item, its
# reporter, its timeline, the outbox (an SMS to the reporter, an e-mail to the school's handler) and
# the handlers; the session; the statistics; and the savepoints of the atomic blocks around them.
MAX_QUERIES = 19


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


def post(client, world, **overrides) -> Feedback:
    response = client.post(SUBMIT, form_data(world, **overrides))
    assert response.status_code == 302, response.content[:500]
    return Feedback.objects.get(tracking_code=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def _statements(queries) -> list[str]:
    """The SQL the request sent, without the transaction control around it."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(control)]


# --- cost ------------------------------------------------------------------------------------


def test_a_web_submission_runs_a_small_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = Client()
    post(client, world)  # the first one reads the reference tables and creates the session
    data = form_data(world, description="Хоёр дахь удаагаа: цай хүйтэн хэвээр байна.")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.post(SUBMIT, data)
    assert response.status_code == 302
    assert Feedback.objects.count() == 2


def test_the_reference_tables_are_read_once_and_not_again_for_the_next_submission(world):
    client = Client()
    data = form_data(world)
    with CaptureQueriesContext(connection) as first:
        assert client.post(SUBMIT, data).status_code == 302
    with CaptureQueriesContext(connection) as second:
        assert client.post(SUBMIT, data).status_code == 302
    tables = ("feedback_deadlinepolicy", "core_holiday", "feedback_routingrule", "places_sector", "feedback_category")
    for table in tables:
        assert sum(f'FROM "{table}"' in sql for sql in _statements(first.captured_queries)) == 1, table
        assert not any(f'FROM "{table}"' in sql for sql in _statements(second.captured_queries)), table


def test_the_statistics_are_the_last_write_before_the_commit(world):
    """The national row is updated by every submission: its lock is held only from that update
    to the commit, after the item, the timeline, the outbox and the session are written."""
    client = Client()
    post(client, world)
    with CaptureQueriesContext(connection) as captured:
        post(client, world, description="Хоёр дахь удаагаа: цай хүйтэн хэвээр байна.")
    statements = _statements(captured.captured_queries)
    writes = [sql for sql in statements if not sql.upper().startswith("SELECT")]
    assert writes[-1].startswith('UPDATE "feedback_stat"'), writes[-1]
    assert writes[-2].startswith("INSERT") and '"feedback_stat"' in writes[-2], writes[-2]
    earlier = " ".join(writes[:-2])
    for table in ("feedback_feedback", "feedback_reporter", "feedback_event", "notifications_outboundmessage"):
        assert f'INSERT INTO "{table}"' in earlier, table
    assert 'UPDATE "django_session"' in earlier


# --- the copies in memory follow changes -------------------------------------------------------


def test_a_new_deadline_policy_applies_to_the_next_submission(world):
    client = Client()
    assert post(client, world).resolve_due.date() == date(2026, 10, 8)  # the law's 30 calendar days
    DeadlinePolicy.objects.create(name="meals", category=category("edu-meals"), resolve_days=5)
    assert post(client, world).resolve_due.date() == date(2026, 9, 13)


def test_a_policy_changed_by_a_bulk_update_applies_to_the_next_submission(world):
    client = Client()
    DeadlinePolicy.objects.create(name="meals", category=category("edu-meals"), resolve_days=5)
    assert post(client, world).resolve_due.date() == date(2026, 9, 13)
    DeadlinePolicy.objects.filter(name="meals").update(resolve_days=10)
    assert post(client, world).resolve_due.date() == date(2026, 9, 18)


def test_a_new_holiday_moves_the_next_working_day_deadline(world):
    client = Client()
    # acknowledge within 3 working days of Tuesday 8 September: Friday 11th
    assert post(client, world).acknowledge_due == at(2026, 9, 11, 23, 59).replace(second=59)
    Holiday.objects.create(date=date(2026, 9, 10), name="Туршилтын амралт")
    assert post(client, world).acknowledge_due == at(2026, 9, 14, 23, 59).replace(second=59)


def test_a_deactivated_routing_rule_stops_applying_at_once(world):
    client = Client()
    rule = RoutingRule.objects.create(priority=1, target=RoutingRule.Target.ORGANIZATION, organization=world.ministry)
    assert post(client, world).handling_organization == world.ministry
    RoutingRule.objects.filter(pk=rule.pk).update(is_active=False)
    assert post(client, world).handling_organization != world.ministry


def test_a_deactivated_organisation_named_by_a_rule_no_longer_receives_items(world):
    client = Client()
    RoutingRule.objects.create(priority=1, target=RoutingRule.Target.ORGANIZATION, organization=world.ministry)
    assert post(client, world).handling_organization == world.ministry
    type(world.ministry).objects.filter(pk=world.ministry.pk).update(is_active=False)
    assert post(client, world).handling_organization != world.ministry


def test_a_topic_deactivated_by_a_bulk_update_is_refused_by_the_next_submission(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    post(client, world)
    type(category("edu-meals")).objects.filter(code="edu-meals").update(is_active=False)
    response = client.post(SUBMIT, form_data(world))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Feedback.objects.count() == 1


def test_a_topic_of_another_sector_is_refused(world):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        SUBMIT, form_data(world, category=str(category("health-waiting").pk))
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_change_made_by_another_process_is_read_when_its_version_changes(world):
    """Another process bumps the shared version after its commit; this process holds an older
    copy and reads the table again."""
    client = Client()
    assert post(client, world).resolve_due.date() == date(2026, 10, 8)
    with connection.cursor() as cursor:  # a write this process's signals do not see
        cursor.execute(
            f"UPDATE {DeadlinePolicy._meta.db_table} SET resolve_days = 5 WHERE category_id IS NULL AND kind = ''"
        )
    assert post(client, world).resolve_due.date() == date(2026, 10, 8)  # not yet told: the old copy
    cache.set("iltod:memo:feedback.deadline_policies", "another process", timeout=None)
    assert post(client, world).resolve_due.date() == date(2026, 9, 13)


def test_an_emptied_cache_makes_every_process_read_again(world):
    assert memo.get("feedback.routing_rules") == []
    RoutingRule.objects.bulk_create([RoutingRule(priority=1, target=RoutingRule.Target.GOVERNORS_OFFICE)])
    cache.clear()
    assert len(memo.get("feedback.routing_rules")) == 1


# --- the session, committed with the item -------------------------------------------------------

_database = {"stops": "", "depth": 0}


class SessionStore(DatabaseSessionStore):
    """Sessions in a database that stops during the request: ``"after the commit"`` fails every
    save outside the transactions the request opened, as a stopped PostgreSQL does once the
    submission has committed; ``"before the commit"`` fails every save."""

    def save(self, must_create=False):
        after_the_commit = len(connection.atomic_blocks) <= _database["depth"]
        if _database["stops"] == "before the commit" or (_database["stops"] == "after the commit" and after_the_commit):
            raise OperationalError("the database system is shutting down")
        super().save(must_create=must_create)


@pytest.fixture
def database_stops(settings):
    settings.SESSION_ENGINE = __name__
    _database["depth"] = len(connection.atomic_blocks)  # the test's own transactions
    yield _database
    _database["stops"] = ""


def test_a_stored_submission_is_not_answered_with_an_error_when_the_database_stops_after_the_commit(
    world, database_stops
):
    database_stops["stops"] = "after the commit"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(SUBMIT, form_data(world))
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[feedback.tracking_code])
    database_stops["stops"] = ""  # the database is back
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert feedback.tracking_code in thanks.content.decode()
    assert feedback.citizen_key in thanks.content.decode()  # the link to follow it


def test_a_submission_whose_session_cannot_be_saved_is_not_stored_and_answers_503(world, database_stops):
    database_stops["stops"] = "before the commit"
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(SUBMIT, form_data(world))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert not Feedback.objects.exists()


def test_citizens_can_submit_while_the_shared_cache_is_unreachable(world, settings):
    # Redis down: rate-limit counters and the reference tables' versions are lost, the
    # submission is not (the tables are read from the database for as long as it lasts).
    with_cache = post(Client(), world)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "iltod.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client = Client()
    first = post(client, world, description="Ангийн цонх хагарсан, хүйтэн байна.")
    second = post(client, world, description="Номын сан хаалттай байна.")
    assert len({with_cache.pk, first.pk, second.pk}) == 3
    for item in (first, second):  # routed and given deadlines exactly as with the cache
        assert item.handling_organization_id == with_cache.handling_organization_id
        assert (item.acknowledge_due, item.resolve_due) == (with_cache.acknowledge_due, with_cache.resolve_due)


def test_a_web_submission_is_one_transaction_without_a_savepoint_around_the_whole_of_it(world):
    """The durable transaction is the submission's own: a savepoint around all of it would cost two
    statements and recover nothing. Savepoints stay where a failure is recovered from: the item's
    insert (a tracking code drawn twice) and the session's save (Django's)."""
    client = Client()
    post(client, world)
    with CaptureQueriesContext(connection) as captured:
        post(client, world, description="Хоёр дахь удаагаа: цай хүйтэн хэвээр байна.")
    savepoints = [q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith("SAVEPOINT")]
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "feedback_feedback"')]
    # under the test's own transaction the durable block is itself a savepoint: one, then the insert's
    # and the session's
    assert len(savepoints) == 3, savepoints
    assert len(inserts) == 1
