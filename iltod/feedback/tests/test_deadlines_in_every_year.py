"""Working-day deadlines count Mongolia's public holidays of any year, lunar ones included, with
what the government declares on top (extra days off, worked weekend days).

The lunar dates asserted here are the ones the ``holidays`` package gives (Mongolian calendar):
Tsagaan Sar 7–9 February 2027 and 26–28 February 2028, Buddha's birthday 20 May 2027, Chinggis
Khaan's birthday 10 November 2026 and 29 November 2027."""

from datetime import date, datetime

import pytest
import time_machine

from iltod.core.models import Holiday
from iltod.feedback.models import DeadlinePolicy
from iltod.lib.workdays import public_holidays

from .helpers import UB, at, category, submit


def end_of_day(year, month, day):
    return datetime(year, month, day, 23, 59, 59, tzinfo=UB)


def received_at(world, moment):
    """The feedback submitted at ``moment`` (frozen time), with the law's default policy."""
    with time_machine.travel(moment, tick=False):
        return submit(world)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 2, 7), "Цагаан сар"),
        (date(2027, 2, 9), "Цагаан сар"),
        (date(2028, 2, 26), "Цагаан сар"),
        (date(2028, 2, 28), "Цагаан сар"),
        (date(2027, 5, 20), "Бурхан багшийн Их дүйчин өдөр"),
        (date(2026, 11, 10), "Их Эзэн Чингис хааны өдөр"),
        (date(2027, 11, 29), "Их Эзэн Чингис хааны өдөр"),
        (date(2027, 7, 10), "Үндэсний их баяр наадам, Ардын хувьсгалын ойн баяр"),
        (date(2027, 7, 15), "Үндэсний их баяр наадам, Ардын хувьсгалын ойн баяр"),
    ],
)
def test_the_lunar_and_naadam_days_are_the_ones_the_deadlines_count(day, name):
    assert public_holidays(day.year)[day] == name


def test_tsagaan_sar_2027_moves_the_acknowledgement_past_it(world):
    # Friday 5 February 2027; Tsagaan Sar is Sunday 7 to Tuesday 9 February.
    feedback = received_at(world, at(2027, 2, 5))
    # Wednesday 10, Thursday 11, Friday 12 (without the holidays: Wednesday 10).
    assert feedback.acknowledge_due == end_of_day(2027, 2, 12)


def test_tsagaan_sar_2028_moves_the_acknowledgement_past_it(world):
    # Thursday 24 February 2028; Tsagaan Sar is Saturday 26 to Monday 28 February.
    feedback = received_at(world, at(2028, 2, 24))
    # Friday 25, Tuesday 29 February, Wednesday 1 March (without the holidays: Tuesday 29).
    assert feedback.acknowledge_due == end_of_day(2028, 3, 1)


def test_buddhas_birthday_is_not_a_working_day(world):
    # Tuesday 18 May 2027; Buddha's birthday is Thursday 20 May.
    feedback = received_at(world, at(2027, 5, 18))
    # Wednesday 19, Friday 21, Monday 24 (without it: Friday 21).
    assert feedback.acknowledge_due == end_of_day(2027, 5, 24)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday 9 November 2026; the birthday is Tuesday 10: Wednesday 11 to Friday 13.
        (at(2026, 11, 9), end_of_day(2026, 11, 13)),
        # Thursday 25 November 2027; Friday 26 is Republic Day and Monday 29 the birthday:
        # Tuesday 30, Wednesday 1 and Thursday 2 December.
        (at(2027, 11, 25), end_of_day(2027, 12, 2)),
    ],
)
def test_chinggis_khaans_birthday_is_not_a_working_day(world, received, due):
    assert received_at(world, received).acknowledge_due == due


def test_a_deadline_computed_in_december_counts_the_holidays_of_the_next_year(world):
    DeadlinePolicy.objects.create(
        name="meals", category=category("edu-meals"), resolve_days=30, resolve_day_kind="working"
    )
    # Monday 28 December 2026. Thirty working days skip 29 December, 1 January and Tsagaan Sar
    # 2027 (Monday 8 and Tuesday 9 February): Wednesday 30 and Thursday 31 December, the five
    # weeks of January and the first week of February make 27, then 10, 11 and 12 February.
    feedback = received_at(world, at(2026, 12, 28))
    assert feedback.resolve_due == end_of_day(2027, 2, 12)


def test_a_declared_extra_day_off_is_not_a_working_day(world):
    Holiday.objects.create(date=date(2027, 10, 4), name="Засгийн газрын шийдвэрээр амарна")
    # Friday 1 October 2027; Monday 4 is declared off: Tuesday 5 to Thursday 7 (else Wednesday 6).
    assert received_at(world, at(2027, 10, 1)).acknowledge_due == end_of_day(2027, 10, 7)


def test_a_worked_saturday_is_a_working_day(world):
    Holiday.objects.create(date=date(2028, 2, 19), name="Нөхөж ажиллах өдөр", kind=Holiday.Kind.WORKED_WEEKEND)
    # Thursday 17 February 2028: Friday 18, Saturday 19 (worked), Monday 21 (else Tuesday 22).
    assert received_at(world, at(2028, 2, 17)).acknowledge_due == end_of_day(2028, 2, 21)
