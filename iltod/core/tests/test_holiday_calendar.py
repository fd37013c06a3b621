"""The back office's calendar of a year: the law's public holidays (computed) with the days the
government declares on top, and the rules a declared day must follow."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from iltod.core.models import Holiday, holiday_calendar

CALENDAR = reverse("admin:core_holiday_calendar")
ADD = reverse("admin:core_holiday_add")
drop_migration = importlib.import_module("iltod.core.migrations.0004_drop_holidays_the_law_gives")


@pytest.fixture
def admin_client_(client, personas):
    client.force_login(personas.admin)
    return client


@pytest.fixture
def declared(db):
    Holiday.objects.create(date=date(2027, 10, 4), name_mn="Нэмэлт амралтын өдөр", name_en="Extra day off")
    Holiday.objects.create(
        date=date(2027, 2, 13),
        name_mn="Нөхөж ажиллах өдөр",
        name_en="Worked Saturday",
        kind=Holiday.Kind.WORKED_WEEKEND,
    )


def rows(response, table):
    return [(day.date, day.name, day.source) for day in response.context[table]]


def test_the_calendar_lists_the_laws_holidays_and_the_declared_days_in_mongolian(admin_client_, declared):
    response = admin_client_.get(CALENDAR, {"year": 2027}, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 200
    days_off = rows(response, "days_off")
    assert (date(2027, 2, 7), "Цагаан сар", "хуулиар (нийтээр амрах баярын өдөр)") in days_off
    assert (date(2027, 11, 29), "Их Эзэн Чингис хааны өдөр", "хуулиар (нийтээр амрах баярын өдөр)") in days_off
    assert (date(2027, 10, 4), "Нэмэлт амралтын өдөр", "Засгийн газар зарласан") in days_off
    assert len(days_off) == 17  # the law's 16 and the declared one
    assert rows(response, "worked") == [(date(2027, 2, 13), "Нөхөж ажиллах өдөр", "Засгийн газар зарласан")]
    # 261 weekdays, less the 13 of the law's days that fall on one and the declared Monday, plus the Saturday.
    assert response.context["working_days"] == 261 - 13 - 1 + 1
    content = response.content.decode()
    assert "Цагаан сар" in content and "Ням" in content  # Sunday 7 February, named in Mongolian


def test_the_calendar_speaks_english_too(admin_client_, declared):
    response = admin_client_.get(CALENDAR, {"year": 2027}, HTTP_ACCEPT_LANGUAGE="en")
    days_off = rows(response, "days_off")
    assert (date(2027, 5, 20), "The Buddha's Birthday", "law (public holiday)") in days_off
    assert (date(2027, 10, 4), "Extra day off", "declared by the government") in days_off
    assert "Sunday" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1900", "2100", ""])
def test_a_year_the_calendar_cannot_show_is_refused_with_a_message(admin_client_, year):
    response = admin_client_.get(CALENDAR, {"year": year}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert "days_off" not in response.context


def test_without_a_year_the_calendar_shows_this_year(client, personas, time_machine):
    time_machine.move_to("2028-03-01 12:00+08:00")
    client.force_login(personas.admin)
    response = client.get(CALENDAR)
    assert response.context["year"] == 2028


@pytest.mark.parametrize("persona", ["citizen", "officer"])
def test_the_calendar_is_for_the_back_office_only(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(CALENDAR, {"year": 2027})
    assert response.status_code in {302, 403}
    assert "days_off" not in (response.context or {})


def test_a_weekday_cannot_be_declared_a_worked_weekend_day(admin_client_):
    data = {"date": "2027-10-05", "name_mn": "Ажлын өдөр", "name_en": "", "kind": "worked_weekend"}
    response = admin_client_.post(ADD, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "A weekend working day must be a Saturday or a Sunday." in response.content.decode()
    assert not Holiday.objects.exists()


def test_a_public_holiday_of_the_law_is_not_declared_again(admin_client_):
    data = {"date": "2028-02-28", "name_mn": "Цагаан сар", "name_en": "", "kind": "day_off"}
    response = admin_client_.post(ADD, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This day is already a public holiday by law: Lunar New Year." in response.content.decode()
    assert not Holiday.objects.exists()


def test_a_declared_day_off_is_saved_and_counted_at_once(admin_client_):
    data = {"date": "2027-10-04", "name_mn": "Нэмэлт амралт", "name_en": "", "kind": "day_off"}
    assert admin_client_.post(ADD, data).status_code == 302
    days_off, worked = holiday_calendar()
    assert date(2027, 10, 4) in days_off and date(2027, 2, 8) in days_off
    assert not worked


def test_the_migration_drops_the_rows_the_law_gives_and_keeps_the_declared_ones(db):
    Holiday.objects.bulk_create(
        [
            Holiday(date=date(2026, 2, 18), name="Цагаан сар"),  # the law's: computed now
            Holiday(date=date(2030, 11, 26), name="Бүгд Найрамдах Улс тунхагласан өдөр"),
            Holiday(date=date(2026, 12, 31), name="Нэмэлт амралт"),  # declared on top
            Holiday(date=date(2026, 7, 11), name="Ажиллах бямба", kind=Holiday.Kind.WORKED_WEEKEND),
        ]
    )
    drop_migration.drop_holidays_the_law_gives(apps, None)
    assert list(Holiday.objects.values_list("date", flat=True)) == [date(2026, 7, 11), date(2026, 12, 31)]


def test_after_the_migrations_the_table_holds_no_day_the_law_gives(db):
    assert not Holiday.objects.exists()
