"""People, not rows: a person is found again by phone, e-mail, or name and organisation; the
network counts unique people next to participations; duplicates are merged with their history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.core import metrics
from iltod.learning import services, stats
from iltod.learning.models import FollowUp, Participation, Person, SessionAttendance

from .helpers_trainings import attend, make_training, row

pytestmark = pytest.mark.django_db


def test_same_phone_written_differently_is_one_person(personas):
    first = make_training(personas, days_ago=30)
    second = make_training(personas, days_ago=5, title="SAc 101")
    attend(personas, first, row("Бат Дорж", phone="9911 2233"))
    result = attend(personas, second, row("Bat Dorj", phone="+976 99112233"))
    assert (result.new_people, result.known_people) == (0, 1)
    assert Person.objects.count() == 1
    assert Participation.objects.trained().count() == 2
    assert stats.headline()["people"] == 1
    assert stats.headline()["participations"] == 2


def test_email_case_and_name_with_organisation_in_either_script(personas):
    training = make_training(personas)
    attend(
        personas, training, row("Сараа", email="Saraa@Example.MN"), row("Болд Гантулга", organization_name="Ил тод ТББ")
    )
    other = make_training(personas, days_ago=3)
    result = attend(
        personas, other, row("Saraa B.", email="saraa@example.mn"), row("Bold Gantulga", organization_name="Il tod TBB")
    )
    assert result.known_people == 2
    assert Person.objects.count() == 2


def test_same_name_in_another_organisation_is_another_person(personas):
    training = make_training(personas)
    result = attend(
        personas, training, row("Бат", organization_name="ТББ нэг"), row("Бат", organization_name="ТББ хоёр")
    )
    assert result.new_people == 2


def test_two_rows_for_one_person_on_a_sheet_are_refused_and_nothing_saved(personas):
    training = make_training(personas)
    with pytest.raises(ValidationError) as exc:
        attend(personas, training, row("Бат", phone="99112233"), row("Дорж"), row("Batа", phone="9911-2233"))
    assert "3" in exc.value.messages[0] and "1" in exc.value.messages[0]
    assert Person.objects.count() == 0
    assert Participation.objects.count() == 0


def test_registering_the_same_person_twice_is_refused(personas):
    training = make_training(personas)
    services.register(training, row("Бат", phone="99112233"), actor=personas.network_admin)
    with translation.override("en"), pytest.raises(ValidationError, match="already registered"):
        services.register(training, row("Бат Дорж", phone="99112233"), actor=personas.network_admin)


def test_entering_the_same_sheet_twice_counts_nobody_twice(personas):
    training = make_training(personas)
    rows = [row("Бат", phone="99112233"), row("Дорж", email="d@example.mn")]
    attend(personas, training, *rows)
    result = attend(personas, training, *rows)
    assert result.known_people == 2 and result.registered == 0
    assert SessionAttendance.objects.count() == 2
    assert Participation.objects.get(person__phone="+97699112233").sessions_attended == 1


def test_sensitive_details_are_kept_only_with_consent(personas):
    training = make_training(personas)
    attend(
        personas,
        training,
        row("Нэг", phone="99112233", marginalised_group="herder", has_disability=True),
        row("Хоёр", phone="88112233", consents_to_sensitive=True, marginalised_group="herder", has_disability=True),
    )
    people = {p.full_name: p for p in Person.objects.all()}
    assert (people["Нэг"].marginalised_group, people["Нэг"].has_disability) == ("", None)
    assert (people["Хоёр"].marginalised_group, people["Хоёр"].has_disability) == ("herder", True)


def test_merge_moves_participations_joins_the_same_training_and_is_audited(personas):
    first = make_training(personas, days_ago=40)
    second = make_training(personas, days_ago=20)
    attend(personas, first, row("Бат Дорж", phone="99112233"))
    attend(personas, first, row("Бат-Дорж", email="bat@example.mn"), session=1)
    attend(personas, second, row("Бат-Дорж", email="bat@example.mn"))
    keep = Person.objects.get(phone="+97699112233")
    duplicate = Person.objects.get(email="bat@example.mn")
    dup_first = Participation.objects.get(person=duplicate, training=first)
    services.record_scores(dup_first, actor=personas.network_admin, pre_score=40, post_score=70)

    services.merge_people(keep, duplicate, actor=personas.network_admin)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep and duplicate.email == ""
    joined = Participation.objects.get(person=keep, training=first)
    assert joined.sessions_attended == 2  # both days, one participation
    assert (joined.pre_score, joined.post_score) == (40, 70)
    assert Participation.objects.filter(person=keep).count() == 2
    assert not Participation.objects.filter(person=duplicate).exists()
    keep.refresh_from_db()
    assert keep.email == "bat@example.mn"  # what the kept record lacked
    assert keep.first_trained_on == first.starts_on
    assert stats.headline()["people"] == 1
    assert AuditEvent.objects.filter(action=AuditAction.PEOPLE_MERGED).count() == 1
    # the merged record no longer catches new rows
    result = attend(personas, second, row("Бат-Дорж", email="bat@example.mn"))
    assert result.known_people == 1


def test_merge_refuses_the_same_person_and_an_already_merged_one(personas):
    training = make_training(personas)
    attend(personas, training, row("Нэг", phone="99112233"), row("Хоёр", phone="88112233"))
    one, two = Person.objects.order_by("pk")
    with pytest.raises(ValidationError):
        services.merge_people(one, one, actor=personas.network_admin)
    services.merge_people(one, two, actor=personas.network_admin)
    with pytest.raises(ValidationError):
        services.merge_people(one, two, actor=personas.network_admin)


def test_update_refuses_a_phone_another_person_has(personas):
    training = make_training(personas)
    attend(personas, training, row("Нэг", phone="99112233"), row("Хоёр", phone="88112233"))
    _one, two = Person.objects.order_by("pk")
    with translation.override("en"), pytest.raises(ValidationError, match="merge"):
        services.update_person(two, actor=personas.network_admin, phone="9911 2233")
    services.update_person(two, actor=personas.network_admin, phone="8811 4455", full_name="Хоёр Бат")
    two.refresh_from_db()
    assert (two.phone, two.full_name) == ("+97688114455", "Хоёр Бат")


def test_metrics_count_unique_people_and_disaggregate(personas):
    first = make_training(personas, days_ago=40)
    second = make_training(personas, days_ago=20)
    attend(
        personas,
        first,
        row("Эм", phone="99112233", sex="female", aimag=personas.geo.aimag),
        row("Эр", phone="88112233", sex="male"),
    )
    attend(personas, second, row("Эм", phone="99112233"))
    today = datetime.date.today()
    scope = metrics.Scope(today - datetime.timedelta(days=365), today + datetime.timedelta(days=1))
    trained = metrics.get("learning.people_trained")
    assert trained.compute(scope) == metrics.Value(2)
    assert metrics.get("learning.participations").compute(scope) == metrics.Value(3)
    by_sex = trained.breakdown(scope, "sex")
    assert by_sex == {"female": metrics.Value(1), "male": metrics.Value(1)}
    aimag_scope = metrics.Scope(scope.start, scope.end, admin_unit_id=personas.geo.aimag.pk)
    assert trained.compute(aimag_scope) == metrics.Value(1)
    # a period with only the second training: one person
    late = metrics.Scope(second.starts_on, scope.end)
    assert trained.compute(late) == metrics.Value(1)


def test_changed_practice_metric_is_counts(personas):
    training = make_training(personas, days_ago=120)
    attend(
        personas, training, row("Нэг", phone="99112233"), row("Хоёр", phone="88112233"), row("Гурав", phone="95112233")
    )
    today = datetime.date.today()
    for n, participation in enumerate(Participation.objects.order_by("pk")[:2]):
        services.record_follow_up(
            participation,
            actor=personas.network_admin,
            answered_on=today,
            applied=True,
            changed_practice=n == 0,
        )
    scope = metrics.Scope(today - datetime.timedelta(days=30), today + datetime.timedelta(days=1))
    value = metrics.get("learning.changed_practice").compute(scope)
    assert value == metrics.Value(1, 2)
    assert value.figure(100) == 50.0
    assert FollowUp.objects.count() == 2
