"""Who lives outside aimag centres: each inclusion metric's ``locality`` breakdown, counted from real
rows by the one rule of ``places.locality``; the recompute stores it, per aimag too; the inclusion
page shows the share."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iltod.core import metrics
from iltod.core.metrics import Scope, Value
from iltod.core.testing import make_facility
from iltod.engagement.models import Group, GroupMember
from iltod.learning.tests.helpers_trainings import attend, make_training, row
from iltod.places.models import AdminUnit
from iltod.results import inclusion
from iltod.results.models import Figure, Framework, Period
from iltod.results.services import recompute
from iltod.results.tests.fixtures import make_feedback
from iltod.scorecards.models import FocusGroup, ScorecardCycle, Stage

UB = ZoneInfo("Asia/Ulaanbaatar")
TODAY = timezone.localdate()
YEAR = Scope(datetime.date(TODAY.year, 1, 1), datetime.date(TODAY.year + 1, 1, 1))


@pytest.fixture
def centre(personas):
    """Erdenebulgan, Arkhangai's centre (Tsetserleg), with a school."""
    soum = AdminUnit.objects.create(
        code="6501", level="soum", name="Эрдэнэбулган", name_mn="Эрдэнэбулган", parent=personas.geo.aimag,
        centre_name_en="Tsetserleg",
    )  # fmt: skip
    return soum, make_facility(soum, "Цэцэрлэгийн 1-р сургууль", "Tsetserleg School No. 1")


def _when():
    """Today or earlier this year: inside ``YEAR`` whatever the day the tests run."""
    return timezone.now() - datetime.timedelta(hours=1)


@pytest.fixture
def feedback_rows(personas, centre):
    _soum, school = centre
    for _n in range(2):
        make_feedback(personas, school, _when())  # Tsetserleg: centre
    for _n in range(3):
        make_feedback(personas, personas.school, _when())  # Battsengel: outside
    aimag_only = make_feedback(personas, personas.school, _when())
    aimag_only.service_unit, aimag_only.admin_unit = None, personas.geo.aimag  # only the aimag is known
    aimag_only.save(update_fields=["service_unit", "admin_unit"])
    capital = make_feedback(personas, personas.school, _when())
    capital.service_unit, capital.admin_unit = None, personas.geo.district
    capital.save(update_fields=["service_unit", "admin_unit"])


def test_feedback_is_counted_by_the_place_it_is_about(feedback_rows, personas):
    received = metrics.get("feedback.received")
    assert "locality" in received.dimensions
    expected = {"centre": Value(3), "outside": Value(3), "unknown": Value(1)}
    assert received.breakdown(YEAR, "locality") == expected
    arkhangai = Scope(YEAR.start, YEAR.end, admin_unit_id=personas.geo.aimag.pk)
    assert received.breakdown(arkhangai, "locality") == {"centre": Value(2), "outside": Value(3), "unknown": Value(1)}
    with metrics.batch():  # from the one GROUPING SETS pass on PostgreSQL: the same counts
        assert received.breakdown(YEAR, "locality") == expected
        assert received.breakdown(arkhangai, "locality")["outside"] == Value(3)


def test_in_a_batch_every_aimags_localities_are_cut_from_one_count_of_the_country(
    feedback_rows, scorecard_rows, personas
):
    geo = personas.geo
    group = Group.objects.create(name="ОТАБ", admin_unit=geo.soum)
    GroupMember.objects.create(group=group, person_name="Гишүүн", stakeholder_type="citizen")
    attend(
        personas,
        make_training(personas, days_ago=0),
        row("Нэг", phone="99110001", aimag=geo.aimag, soum=geo.soum),
        row("Хоёр", phone="99110002", aimag=geo.capital),
    )
    top_level = AdminUnit.objects.top_level().values_list("pk", flat=True)
    aimags = [Scope(YEAR.start, YEAR.end, admin_unit_id=pk) for pk in top_level]
    arkhangai = Scope(YEAR.start, YEAR.end, admin_unit_id=geo.aimag.pk)
    for code in ("feedback.received", "scorecards.participants", "engagement.members", "learning.people_trained"):
        metric = metrics.get(code)
        one_by_one = {scope: metric.breakdown(scope, "locality") for scope in aimags}
        with metrics.batch():
            metric.breakdown(YEAR, "locality")
            with CaptureQueriesContext(connection) as captured:
                together = {scope: metric.breakdown(scope, "locality") for scope in aimags}
        assert len(captured) == 0, code  # nothing per aimag
        assert together == one_by_one, code
        assert any(together.values()), code
    with metrics.batch():
        assert metrics.get("scorecards.participants").breakdown(arkhangai, "locality") == {
            "centre": Value(12),
            "outside": Value(8),
        }


def _cycle(personas, facility, women, men):
    cycle = ScorecardCycle.objects.create(
        title="Сургуулийн карт", service_unit=facility, owner_organization=personas.cso, stage=Stage.CLOSED,
        closed_at=_when(), created_at=_when() - datetime.timedelta(days=30),
    )  # fmt: skip
    FocusGroup.objects.create(
        cycle=cycle, kind=FocusGroup.Kind.PARENTS, participants_female=women, participants_male=men,
        status=FocusGroup.SheetStatus.APPROVED,
    )  # fmt: skip


@pytest.fixture
def scorecard_rows(personas, centre):
    _cycle(personas, centre[1], 7, 5)  # 12 people at the Tsetserleg school
    _cycle(personas, personas.school, 5, 3)  # 8 at the Battsengel school


def test_score_card_participants_are_counted_by_the_place_of_the_facility(scorecard_rows):
    participants = metrics.get("scorecards.participants")
    assert participants.breakdown(YEAR, "locality") == {"centre": Value(12), "outside": Value(8)}


def test_group_members_are_counted_by_the_place_of_the_group(personas, centre):
    for unit, people in ((centre[0], 3), (personas.geo.soum, 2), (personas.geo.aimag, 4), (personas.geo.district, 1)):
        group = Group.objects.create(name="ОТАБ", admin_unit=unit)
        for _n in range(people):
            GroupMember.objects.create(group=group, person_name="Гишүүн", stakeholder_type="citizen")
    members = metrics.get("engagement.members")
    assert members.breakdown(YEAR, "locality") == {"centre": Value(4), "outside": Value(2), "unknown": Value(4)}
    arkhangai = Scope(YEAR.start, YEAR.end, admin_unit_id=personas.geo.aimag.pk)
    assert members.breakdown(arkhangai, "locality") == {"centre": Value(3), "outside": Value(2), "unknown": Value(4)}


def test_people_trained_are_counted_by_their_own_soum(personas, centre):
    geo = personas.geo
    training = make_training(personas, days_ago=0)
    attend(
        personas,
        training,
        row("Нэг", phone="99110001", aimag=geo.aimag, soum=centre[0]),
        row("Хоёр", phone="99110002", aimag=geo.aimag, soum=geo.soum),
        row("Гурав", phone="99110003", aimag=geo.aimag, soum=geo.soum),
        row("Дөрөв", phone="99110004", aimag=geo.aimag),  # only the aimag: unknown
        row("Тав", phone="99110005", aimag=geo.capital, soum=geo.district),
        row("Зургаа", phone="99110006"),  # nothing given
    )
    trained = metrics.get("learning.people_trained")
    assert trained.breakdown(YEAR, "locality") == {"centre": Value(2), "outside": Value(2), "unknown": Value(2)}
    arkhangai = Scope(YEAR.start, YEAR.end, admin_unit_id=geo.aimag.pk)
    assert trained.breakdown(arkhangai, "locality") == {"centre": Value(1), "outside": Value(2), "unknown": Value(1)}


@pytest.fixture
def period(personas):
    framework = Framework.objects.create(code="reach", title_mn="Хамрагдалт", is_public=True)
    return Period.objects.create(framework=framework, start=YEAR.start, end=YEAR.end - datetime.timedelta(days=1))


def test_the_recompute_stores_localities_for_the_country_and_each_aimag(period, feedback_rows, scorecard_rows):
    recompute(period)
    stored = {
        (f.metric, f.scope_kind, f.scope_key, f.category): f.numerator
        for f in Figure.objects.filter(period=period, dimension="locality")
    }
    assert stored[("feedback.received", "national", "", "centre")] == 3
    assert stored[("feedback.received", "aimag", "65", "outside")] == 3
    assert stored[("feedback.received", "aimag", "11", "centre")] == 1
    assert stored[("scorecards.participants", "national", "", "outside")] == 8
    assert stored[("scorecards.participants", "aimag", "65", "centre")] == 12


def test_the_inclusion_page_shows_the_share_outside_aimag_centres(client, period, scorecard_rows):
    recompute(period)
    table = inclusion.table(period)
    column = [code for code, _label, _m in table["sources"]].index("scorecards.participants")
    arkhangai = {code: cells[column] for code, _name, cells in table["rows"]}["65"]
    assert (arkhangai.total, arkhangai.outside) == (20, 40.0)
    assert table["national"][column].outside == 40.0
    for language, heading in (("en", "Outside aimag centres %"), ("mn", "Аймгийн төвөөс гадуур %")):
        page = client.get(reverse("results:inclusion"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert heading in page
        assert page.count(">40.0<") == 2  # Arkhangai and the country


def test_the_indicator_page_names_the_breakdown_and_its_places(client, period, scorecard_rows, personas):
    from iltod.results import services
    from iltod.results.models import Result

    result = Result.objects.create(framework=period.framework, level="outcome", code="1", title_mn="Үр дүн")
    indicator = services.save_indicator(
        actor=personas.analyst, result=result,
        data={"code": "1.1", "title_mn": "Оролцогчид", "measure": "1", "metric": "scorecards.participants",
              "disaggregations": ["locality"]},
    )  # fmt: skip
    recompute(period)
    url = reverse("results:indicator", args=[period.framework.code, indicator.pk]) + f"?period={period.pk}"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Aimag centre or outside" in english
    assert "outside aimag centres" in english and "aimag centre or the capital" in english
    assert ">outside<" not in english and ">centre<" not in english  # never the raw code
    mongolian = client.get(url, HTTP_ACCEPT_LANGUAGE="mn").content.decode()
    assert "аймгийн төвөөс гадуур" in mongolian and "аймгийн төв эсвэл нийслэл" in mongolian
