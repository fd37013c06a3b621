"""Scores, certificates, follow-ups and the reminders before a training and at follow-up time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from iltod.learning import services
from iltod.learning.models import FollowUp, Participation
from iltod.notifications.models import OutboundMessage

from .helpers_trainings import attend, make_training, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(personas):
    training = make_training(personas, days_ago=100)
    attend(personas, training, row("Бат Дорж", phone="99112233", email="bat@example.mn"))
    return Participation.objects.select_related("training", "person").get()


def test_scores_and_their_change(personas, trained):
    services.record_scores(trained, actor=personas.network_admin, pre_score="45.5", post_score=80)
    trained.refresh_from_db()
    assert trained.score_change == pytest.approx(34.5)


@pytest.mark.parametrize("pre, post", [(-1, 50), (50, 101), ("abc", 10), ("NaN", 10), ("Infinity", None)])
def test_impossible_scores_are_refused(personas, trained, pre, post):
    with pytest.raises(ValidationError):
        services.record_scores(trained, actor=personas.network_admin, pre_score=pre, post_score=post)
    trained.refresh_from_db()
    assert trained.pre_score is None and trained.post_score is None


def test_post_score_needs_attendance(personas):
    training = make_training(personas)
    participation = services.register(training, row("Ирээгүй"), actor=personas.network_admin)
    with pytest.raises(ValidationError):
        services.record_scores(participation, actor=personas.network_admin, post_score=50)


def test_certificate_has_a_code_that_is_kept_and_checks_publicly(client, personas, trained):
    issued = services.issue_certificate(trained, actor=personas.network_admin)
    code = issued.certificate_code
    assert len(code) == 10
    assert services.issue_certificate(trained, actor=personas.network_admin).certificate_code == code
    response = client.get(f"/learning/certificates/{code}/")
    assert response.status_code == 200
    assert "Бат Дорж" in response.content.decode()
    assert client.get(f"/learning/certificates/{code.lower()}/").status_code == 200
    missing = client.get("/learning/certificates/NOPE234567/")
    assert missing.status_code == 404
    assert "Бат Дорж" not in missing.content.decode()


def test_no_certificate_for_someone_who_did_not_come(personas):
    training = make_training(personas)
    participation = services.register(training, row("Ирээгүй"), actor=personas.network_admin)
    with pytest.raises(ValidationError):
        services.issue_certificate(participation, actor=personas.network_admin)


def test_follow_up_before_the_training_ended_is_refused(personas, trained):
    before = trained.training.ends_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match=trained.training.ends_on.isoformat()):
        services.record_follow_up(trained, actor=personas.network_admin, answered_on=before, applied=True)
    with pytest.raises(ValidationError):
        services.record_follow_up(
            trained,
            actor=personas.network_admin,
            answered_on=timezone.localdate() + datetime.timedelta(days=2),
            applied=True,
        )
    with pytest.raises(ValidationError):
        services.record_follow_up(
            trained,
            actor=personas.network_admin,
            answered_on=timezone.localdate(),
            applied=False,
            changed_practice=True,
        )
    assert not FollowUp.objects.exists()


def test_follow_up_cites_platform_records(personas, trained):
    follow_up = services.record_follow_up(
        trained,
        actor=personas.network_admin,
        answered_on=timezone.localdate(),
        applied=True,
        with_whom="Сургуулийн захиргаа",
        what_changed="Онооны картыг сургууль дээр хийсэн",
        changed_practice=True,
        cited_records="https://iltod.mn/scorecards/ABC123/\n\n  PLAN7788 ",
    )
    assert follow_up.cited_list == ["https://iltod.mn/scorecards/ABC123/", "PLAN7788"]


def test_reminders_before_a_training_go_once(personas):
    soon = make_training(personas, days_ago=-2)
    services.register(soon, row("Бат", phone="99112233", email="bat@example.mn"), actor=personas.network_admin)
    services.register(soon, row("Нэргүй утасгүй"), actor=personas.network_admin)
    later = make_training(personas, days_ago=-10)
    services.register(later, row("Дорж", phone="88112233"), actor=personas.network_admin)
    assert services.remind_before_trainings() == 2  # the person without contact is claimed, nothing sent
    assert OutboundMessage.objects.count() == 2
    assert services.remind_before_trainings() == 0
    assert OutboundMessage.objects.count() == 2
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.recipient == "+97699112233" and soon.starts_on.isoformat() in sms.body


def test_follow_up_reminder_at_three_months_with_a_private_link(client, personas, trained):
    assert services.remind_follow_ups() == 1
    assert services.remind_follow_ups() == 0
    trained.refresh_from_db()
    email = OutboundMessage.objects.get(channel="email")
    assert f"/learning/follow-up/{trained.follow_up_token}/" in email.body
    response = client.post(
        f"/learning/follow-up/{trained.follow_up_token}/",
        {
            "applied": "yes",
            "with_whom": "Багш нар",
            "what_changed": "Хурал зохион байгуулсан",
            "changed_practice": "on",
        },
    )
    assert response.status_code == 200
    assert FollowUp.objects.get().changed_practice is True
    assert client.get("/learning/follow-up/not-a-token/").status_code == 404


def test_no_follow_up_reminder_too_early_or_after_an_answer(personas):
    recent = make_training(personas, days_ago=10)
    attend(personas, recent, row("Шинэ", phone="99112233"))
    assert services.remind_follow_ups() == 0
