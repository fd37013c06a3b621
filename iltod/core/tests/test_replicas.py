"""The replica router: nothing changes without replicas; a replica that does not answer is skipped
and the page comes from the primary; it is tried again after the retry time. (A real streaming
replica, with reads shown to land on it, is in faults/test_replica.py.)"""

import types

import pytest
from django.db import connections
from django.urls import reverse

from iltod.core import replicas
from iltod.feedback.models import Stat

DEAD = "replica_1"


@pytest.fixture
def dead_replica(settings, django_db_blocker):
    """A replica alias whose server does not listen (a closed port on this machine)."""
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    connections.settings[DEAD] = connections.configure_settings(
        {
            "default": connections.settings["default"],
            DEAD: {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "iltod",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "9",
                "OPTIONS": {"connect_timeout": 1},
            },
        }
    )[DEAD]
    connection = connections[DEAD]
    # The test database guards refuse aliases they did not set up: this one may really connect.
    connection.ensure_connection = types.MethodType(django_db_blocker._real_ensure_connection, connection)
    replicas._down_until.clear()
    yield DEAD
    connections[DEAD].close()
    del connections.settings[DEAD]
    del connections[DEAD]
    replicas._down_until.clear()


def test_without_replicas_reads_and_writes_go_to_the_primary(db):
    router = replicas.ReplicaRouter()
    assert replicas.replica_aliases() == []
    with replicas.replica_reads():
        assert router.db_for_read(Stat) is None  # Django's default
    assert router.db_for_write(Stat) == "default"
    assert router.allow_migrate("default", "feedback")
    assert not router.allow_migrate("replica_1", "feedback")


def test_outside_a_marked_view_reads_never_go_to_a_replica(db, dead_replica):
    assert replicas.ReplicaRouter().db_for_read(Stat) is None
    assert replicas.is_up(dead_replica)  # not even tried


def test_a_replica_that_does_not_answer_is_skipped_and_the_page_comes_from_the_primary(client, db, dead_replica):
    response = client.get(reverse("feedback:statistics"))
    assert response.status_code == 200
    assert not replicas.is_up(dead_replica)
    api = client.get("/api/v1/statistics/")
    assert api.status_code == 200
    assert "received" in api.json()


def test_a_replica_marked_down_is_tried_again_after_the_retry_time(db, dead_replica, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    replicas.mark_down(dead_replica)
    assert not replicas.is_up(dead_replica)
    replicas._down_until[dead_replica] -= 31  # the retry time has passed
    assert replicas.is_up(dead_replica)


def test_a_failure_on_the_primary_is_not_hidden(db, dead_replica):
    from django.db import OperationalError

    calls = []

    @replicas.reads_from_replica
    def view():
        calls.append(1)
        raise OperationalError("the primary is down")

    with pytest.raises(OperationalError):
        view()  # the dead replica was skipped: the primary served, and its failure stands
    assert len(calls) == 1


def test_a_replica_that_fails_during_the_view_is_replaced_by_the_primary(db, dead_replica, monkeypatch):
    from django.db import OperationalError

    monkeypatch.setattr(replicas, "_usable", lambda alias: True)  # the connection opened, then broke
    used = []

    @replicas.reads_from_replica
    def view():
        alias = replicas.ReplicaRouter().db_for_read(Stat)
        used.append(alias)
        if alias == dead_replica:
            raise OperationalError("server closed the connection unexpectedly")
        return alias

    assert view() is None  # the second run read the primary
    assert used == [dead_replica, None]
    assert not replicas.is_up(dead_replica)
