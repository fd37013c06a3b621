from datetime import date

import pytest

from iltod.lib.workdays import DaysOff, add_days, days_between, is_working_day, public_holidays

# July 2026: Friday the 10th, then Naadam (11th–15th, Saturday to Wednesday).
NAADAM_2026 = {date(2026, 7, 11), date(2026, 7, 12), date(2026, 7, 13), date(2026, 7, 14), date(2026, 7, 15)}
FRIDAY_BEFORE_NAADAM = date(2026, 7, 10)


def test_calendar_days_count_every_day_including_weekends_and_holidays():
    assert add_days(FRIDAY_BEFORE_NAADAM, 30, working=False, holidays=NAADAM_2026) == date(2026, 8, 9)


def test_a_calendar_deadline_on_a_sunday_is_not_moved():
    # 2026-08-09 is a Sunday; the petitions law counts calendar days.
    assert date(2026, 8, 9).weekday() == 6
    assert add_days(FRIDAY_BEFORE_NAADAM, 30, working=False) == date(2026, 8, 9)


def test_working_days_start_counting_the_day_after_receipt_and_skip_the_weekend():
    # Friday 20 November 2026 + 3 working days: Monday 23, Tuesday 24, Wednesday 25.
    assert add_days(date(2026, 11, 20), 3, working=True) == date(2026, 11, 25)


def test_working_days_skip_a_public_holiday_in_the_week():
    # Independence Day, Thursday 26 November 2026.
    assert add_days(date(2026, 11, 20), 4, working=True, holidays={date(2026, 11, 26)}) == date(2026, 11, 27)
    assert add_days(date(2026, 11, 20), 4, working=True) == date(2026, 11, 26)


def test_working_days_from_a_friday_before_naadam_skip_the_weekend_and_the_holidays():
    # Thursday 16, Friday 17, Monday 20.
    assert add_days(FRIDAY_BEFORE_NAADAM, 3, working=True, holidays=NAADAM_2026) == date(2026, 7, 20)


def test_a_weekend_day_declared_a_working_day_counts():
    saturday = date(2026, 2, 14)
    assert add_days(date(2026, 2, 13), 1, working=True) == date(2026, 2, 16)
    assert add_days(date(2026, 2, 13), 1, working=True, worked_weekends={saturday}) == saturday


def test_receipt_on_a_saturday_counts_from_the_monday():
    assert add_days(date(2026, 11, 21), 1, working=True) == date(2026, 11, 23)


def test_zero_days_is_the_start_day_itself():
    assert add_days(date(2026, 11, 21), 0, working=True) == date(2026, 11, 21)
    assert add_days(date(2026, 11, 21), 0, working=False) == date(2026, 11, 21)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_days(date(2026, 11, 20), -1, working=True)


@pytest.mark.parametrize(
    ("day", "holidays", "worked", "expected"),
    [
        (date(2026, 11, 23), set(), set(), True),  # Monday
        (date(2026, 11, 21), set(), set(), False),  # Saturday
        (date(2026, 11, 22), set(), set(), False),  # Sunday
        (date(2026, 11, 26), {date(2026, 11, 26)}, set(), False),  # Thursday holiday
        (date(2026, 2, 14), set(), {date(2026, 2, 14)}, True),  # worked Saturday
    ],
)
def test_which_days_are_working_days(day, holidays, worked, expected):
    assert is_working_day(day, holidays, worked) is expected


def test_days_between_in_calendar_days():
    assert days_between(date(2026, 7, 10), date(2026, 8, 9), working=False) == 30


def test_days_between_in_working_days_leaves_out_weekends_and_holidays():
    assert days_between(FRIDAY_BEFORE_NAADAM, date(2026, 7, 20), working=True, holidays=NAADAM_2026) == 3
    assert days_between(FRIDAY_BEFORE_NAADAM, date(2026, 7, 20), working=True) == 6


def test_days_between_counts_a_worked_weekend():
    assert days_between(date(2026, 2, 13), date(2026, 2, 16), working=True, worked_weekends={date(2026, 2, 14)}) == 2


@pytest.mark.parametrize("end", [date(2026, 7, 10), date(2026, 7, 1)])
def test_days_between_is_zero_when_the_end_is_not_after_the_start(end):
    assert days_between(FRIDAY_BEFORE_NAADAM, end, working=True) == 0
    assert days_between(FRIDAY_BEFORE_NAADAM, end, working=False) == 0


@pytest.mark.parametrize("start_day", range(1, 15))
@pytest.mark.parametrize("days", [1, 3, 10])
def test_days_between_undoes_add_days_for_working_days(start_day, days):
    start = date(2026, 7, start_day)
    end = add_days(start, days, working=True, holidays=NAADAM_2026)
    assert days_between(start, end, working=True, holidays=NAADAM_2026) == days


# --- the law's public holidays of any year (the holidays package) ---------------------------------


def test_the_public_holidays_of_a_year_are_named_in_mongolian_or_english():
    assert public_holidays(2027)[date(2027, 2, 7)] == "Цагаан сар"
    assert public_holidays(2027, "en")[date(2027, 2, 7)] == "Lunar New Year"
    assert len(public_holidays(2027)) == 16  # 1 + 3 Tsagaan Sar + 3 + Buddha + 6 Naadam + Chinggis + 26.XI + 29.XII


def test_days_off_join_the_laws_holidays_of_every_year_and_the_declared_days():
    days_off = DaysOff({date(2027, 10, 4)})
    assert date(2027, 10, 4) in days_off  # declared
    assert date(2031, 1, 1) in days_off  # the law's, in any year
    assert date(2027, 10, 5) not in days_off


def test_a_worked_weekend_day_counts_even_when_the_law_gives_it_off():
    saturday = date(2028, 2, 26)  # Tsagaan Sar
    assert not is_working_day(saturday, DaysOff())
    assert is_working_day(saturday, DaysOff(), {saturday})


def test_a_years_holidays_are_computed_once_per_process():
    public_holidays.cache_clear()
    first = public_holidays(2029)
    assert public_holidays(2029) is first
    assert public_holidays.cache_info().hits == 1
