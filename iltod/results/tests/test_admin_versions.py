"""Every change of the framework in the back office makes a new version (with its ``Revision``):
the framework's own fields, its periods, and deletes; and the services refuse a tree of the wrong
shape with a translated error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from iltod.results import services
from iltod.results.example import seed_example_framework
from iltod.results.models import Framework, Indicator, Period, Result, Revision


@pytest.fixture
def framework(personas):
    seed_example_framework()
    return Framework.objects.get(code="masam")


def version(framework):
    return Framework.objects.get(pk=framework.pk).version


def framework_form(framework, **periods):
    rows = list(framework.periods.order_by("pk"))
    data = {
        "code": framework.code,
        "title_mn": framework.title_mn,
        "title_en": framework.title_en,
        "iati_identifier": framework.iati_identifier,
        "is_public": "on" if framework.is_public else "",
        "periods-TOTAL_FORMS": str(len(rows)),
        "periods-INITIAL_FORMS": str(len(rows)),
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "1000",
    }
    for index, period in enumerate(rows):
        data[f"periods-{index}-id"] = str(period.pk)
        data[f"periods-{index}-framework"] = str(framework.pk)
        data[f"periods-{index}-start"] = period.start.isoformat()
        data[f"periods-{index}-end"] = period.end.isoformat()
    data.update(periods)
    return data


def test_saving_a_framework_and_its_periods_in_the_back_office_makes_versions(client, personas, framework):
    client.force_login(personas.admin)
    before, revisions = version(framework), Revision.objects.filter(framework=framework).count()
    first = framework.periods.order_by("pk").first()
    response = client.post(
        reverse("admin:results_framework_change", args=[framework.pk]),
        framework_form(framework, title_en="Renamed", **{"periods-0-end": first.end.replace(day=30).isoformat()}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert version(framework) == before + 2  # the framework, then its periods
    assert Revision.objects.filter(framework=framework).count() == revisions + 2
    assert Period.objects.get(pk=first.pk).end.day == 30


def test_deleting_in_the_back_office_makes_a_version(client, personas, framework):
    client.force_login(personas.admin)
    indicator = Indicator.objects.get(code="0.2")
    before = version(framework)
    response = client.post(reverse("admin:results_indicator_delete", args=[indicator.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert version(framework) == before + 1
    revision = Revision.objects.get(framework=framework, version=before + 1)
    assert revision.snapshot["deleted"] and revision.snapshot["code"] == "0.2"
    outputs = Result.objects.filter(framework=framework, level=Result.Level.OUTPUT)[:2]
    response = client.post(
        reverse("admin:results_result_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in outputs], "post": "yes"},
    )
    assert response.status_code == 302
    assert version(framework) == before + 3


@pytest.mark.parametrize(
    ("level", "parent_level", "message"),
    [
        (Result.Level.OUTPUT, Result.Level.GOAL, "An output is part of an outcome."),
        (Result.Level.OUTCOME, Result.Level.OUTCOME, "An outcome is part of a goal."),
        (Result.Level.GOAL, Result.Level.GOAL, "A goal is the top of the tree: it is part of nothing."),
    ],
)
def test_a_tree_of_the_wrong_shape_is_refused(personas, framework, level, parent_level, message):
    parent = Result.objects.filter(framework=framework, level=parent_level).first()
    before = version(framework)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_result(
            actor=personas.admin,
            framework=framework,
            data={"parent": parent, "level": level, "code": "9", "title_mn": "Буруу"},
        )
    assert message in error.value.messages
    assert version(framework) == before
    assert not Result.objects.filter(framework=framework, code="9").exists()


def test_a_result_cannot_change_level_under_its_parts(personas, framework):
    outcome = Result.objects.filter(framework=framework, level=Result.Level.OUTCOME, children__isnull=False).first()
    with pytest.raises(ValidationError):
        services.save_result(actor=personas.admin, framework=framework, data={"level": "output"}, result=outcome)


def test_the_back_office_shows_the_shape_error_in_mongolian(client, personas, framework):
    client.force_login(personas.admin)
    goal = Result.objects.get(framework=framework, level=Result.Level.GOAL)
    response = client.post(
        reverse("admin:results_result_add"),
        {"framework": framework.pk, "parent": goal.pk, "level": "output", "code": "9", "title_mn": "Буруу",
         "title_en": "", "weight": "1", "order": "0"},
        HTTP_ACCEPT_LANGUAGE="mn",
    )  # fmt: skip
    assert response.status_code == 200
    assert "Шууд үр дүн нь үр дагаврын хэсэг байна." in response.content.decode()
