"""An example results framework like MASAM's (Mongolia's social accountability programme): the
goal, two outcomes and seven expected results, with indicators computed from the platform where
a module offers the figure and entered by hand (with evidence) where it does not.

``seed_example_framework(years)`` is idempotent: it creates what is missing and leaves the rest.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from .models import Framework, Indicator, Period, Result, Target

CODE = "masam"

GOAL = (
    "Ядуу орон нутгийн иргэд нийгмийн хариуцлагаар дамжуулан төрийн шийдвэр гаргалтад оролцох, "
    "чанартай үйлчилгээ авах боломж нэмэгдсэн",
    "Citizens in poor localities have increased access to public decision-making and quality services "
    "through social accountability",
)

OUTCOMES = [
    (
        "1",
        "Оролцогч талуудын нийгмийн хариуцлагыг хэрэгжүүлэх чадавх бэхжсэн",
        "Capacity of stakeholders to practise social accountability strengthened",
        [
            ("1.1", "Иргэний нийгмийн байгууллагуудын чадавх бэхжсэн", "CSO capacity strengthened"),
            (
                "1.2",
                "Иргэд, ИНБ нийгмийн хариуцлагын арга хэрэгслийг хэрэглэж байна",
                "Citizens and CSOs use social accountability tools",
            ),
            (
                "1.3",
                "Ядуу, эмзэг бүлгийг оролцуулах урамшуулал бий болсон",
                "Incentives to include the poor and marginalised in place",
            ),
        ],
    ),
    (
        "2",
        "Мэдээллийн ил тод байдал, оролцоо, санал хүсэлтийн механизм институцжсэн",
        "Disclosure, participation and feedback mechanisms institutionalised",
        [
            (
                "2.1",
                "Төрийн байгууллагууд иргэдийн санал хүсэлтийг ашиглаж байна",
                "Agencies use citizens' feedback",
            ),
            (
                "2.2",
                "Хамтран асуудал шийдвэрлэх арга хэлбэр албажсан",
                "Joint problem solving formalised",
            ),
            ("2.3", "Яамд мэдээллээ ил тод болгож байна", "Ministries disclose information"),
            ("2.4", "Сургамжийг түгээсэн", "Lessons disseminated"),
        ],
    ),
]

# result code → indicators: (code, title mn, title en, measure, ascending, metric, baseline,
# baseline year, [target per year], breakdowns, (vocabulary, reference code))
P, U, Q = Indicator.Measure.PERCENTAGE, Indicator.Measure.UNIT, Indicator.Measure.QUALITATIVE
INDICATORS = {
    "0": [
        (
            "0.1",
            "Хариултад сэтгэл хангалуун иргэдийн хувь",
            "Citizens satisfied with the answer to their feedback",
            P,
            True,
            "feedback.satisfaction",
            45,
            2023,
            [50, 55, 60],
            ["aimag", "sector"],
            ("9", "16.6.2"),
        ),
        (
            "0.2",
            "Хугацаандаа шийдвэрлэсэн санал хүсэлтийн хувь",
            "Feedback resolved within the legal deadline",
            P,
            True,
            "feedback.resolved_on_time",
            55,
            2023,
            [60, 70, 80],
            ["aimag", "sector"],
            ("", ""),
        ),
    ],
    "1": [
        (
            "1.0.1",
            "Үнэлгээний картад оролцсон иргэд",
            "Citizens who took part in score cards",
            U,
            True,
            "scorecards.participants",
            0,
            2023,
            [60, 120, 180],
            ["sex", "group", "aimag", "locality"],
            ("", ""),
        ),
    ],
    "1.1": [
        (
            "1.1.1",
            "Сургалтад хамрагдсан хүн (давхардаагүй)",
            "Unique people trained",
            U,
            True,
            "learning.people_trained",
            0,
            2023,
            [40, 80, 120],
            ["sex", "aimag", "locality"],
            ("", ""),
        ),
    ],
    "1.2": [
        (
            "1.2.1",
            "Дууссан үнэлгээний картын мөчлөг",
            "Score card cycles completed",
            U,
            True,
            "scorecards.cycles_completed",
            0,
            2023,
            [4, 8, 12],
            ["aimag", "sector"],
            ("", ""),
        ),
        (
            "1.2.2",
            "Мөчлөг хоорондын иргэдийн онооны өөрчлөлт",
            "Change in community scores between cycles",
            U,
            True,
            "scorecards.indicator_change",
            0,
            2023,
            [2, 4, 6],
            ["aimag"],
            ("", ""),
        ),
    ],
    "1.3": [
        (
            "1.3.1",
            "Эмзэг бүлгийг оролцуулах урамшууллын тогтолцоо",
            "Incentives that reward including the poor",
            Q,
            True,
            "",
            None,
            None,
            [None, None, None],
            [],
            ("99", ""),
        ),
    ],
    "2": [
        (
            "2.0.1",
            "Хугацаандаа хүлээн авсан санал хүсэлтийн хувь",
            "Feedback acknowledged on time",
            P,
            True,
            "feedback.acknowledged_on_time",
            60,
            2023,
            [70, 80, 90],
            ["aimag", "sector"],
            ("", ""),
        ),
    ],
    "2.1": [
        (
            "2.1.1",
            "Ирсэн санал хүсэлт",
            "Feedback received",
            U,
            True,
            "feedback.received",
            0,
            2023,
            [200, 400, 600],
            ["aimag", "sector"],
            ("", ""),
        ),
        (
            "2.1.2",
            "Санал хүсэлт шийдвэрлэсэн хугацааны медиан (хоног)",
            "Median days to resolve feedback",
            U,
            False,
            "feedback.median_days",
            25,
            2023,
            [20, 15, 12],
            ["aimag"],
            ("", ""),
        ),
    ],
    "2.2": [
        (
            "2.2.1",
            "Идэвхтэй олон талт оролцогчдын бүлэг",
            "Active multi-stakeholder groups",
            U,
            True,
            "engagement.groups_active",
            0,
            2023,
            [4, 8, 12],
            ["aimag"],
            ("", ""),
        ),
        (
            "2.2.2",
            "Хамтарсан төлөвлөгөөтэй бүлгийн хувь",
            "Active groups with a joint action plan",
            P,
            True,
            "engagement.groups_with_plan",
            20,
            2023,
            [40, 60, 80],
            ["aimag"],
            ("", ""),
        ),
        (
            "2.2.3",
            "Хугацаандаа хэрэгжсэн арга хэмжээний хувь",
            "Action points completed on time",
            P,
            True,
            "engagement.actions_on_time",
            40,
            2023,
            [50, 60, 70],
            ["aimag"],
            ("", ""),
        ),
    ],
    "2.3": [
        (
            "2.3.1",
            "Хугацаандаа ил тод болгосон мэдээллийн хувь",
            "Disclosures made on time",
            P,
            True,
            "disclosure.on_time",
            30,
            2023,
            [50, 65, 80],
            ["aimag", "sector"],
            ("99", ""),
        ),
    ],
    "2.4": [
        (
            "2.4.1",
            "Түгээсэн сургамж, мэдлэгийн бүтээгдэхүүн",
            "Lessons and knowledge products disseminated",
            U,
            True,
            "",
            0,
            2023,
            [3, 6, 10],
            [],
            ("", ""),
        ),
    ],
}


@transaction.atomic
def seed_example_framework(years=(2024, 2025, 2026)) -> int:
    """The example framework with a period and a target per year; returns the rows created."""
    from iltod.core import metrics

    registered = {metric.code for metric in metrics.metrics()}
    created = 0
    framework, new = Framework.objects.get_or_create(
        code=CODE,
        defaults={
            "title_mn": "Нийгмийн хариуцлагын хөтөлбөрийн үр дүнгийн хүрээ (жишээ)",
            "title_en": "Social accountability programme results framework (example)",
            "iati_identifier": "XM-DAC-41301-MN-SA-EXAMPLE",
        },
    )
    created += new
    periods = []
    for year in years:
        period, new = Period.objects.get_or_create(
            framework=framework, start=datetime.date(year, 1, 1), defaults={"end": datetime.date(year, 12, 31)}
        )
        periods.append(period)
        created += new

    def result(code, level, parent, title_mn, title_en, order):  # noqa: PLR0917 - one row of the tables above
        nonlocal created
        obj, new = Result.objects.get_or_create(
            framework=framework,
            code=code,
            defaults={"level": level, "parent": parent, "title_mn": title_mn, "title_en": title_en, "order": order},
        )
        created += new
        for row in INDICATORS.get(code, []):
            add_indicator(obj, *row)
        return obj

    def add_indicator(  # noqa: PLR0917 - one row of INDICATORS
        owner, code, title_mn, title_en, measure, ascending, metric, baseline, year, targets, breakdowns, reference
    ):
        nonlocal created
        indicator, new = Indicator.objects.get_or_create(
            result=owner,
            code=code,
            defaults={
                "title_mn": title_mn,
                "title_en": title_en,
                "measure": measure,
                "ascending": ascending,
                "metric": metric if metric in registered else "",
                "baseline": None if baseline is None else Decimal(baseline),
                "baseline_year": year,
                "disaggregations": breakdowns,
                "reference_vocabulary": reference[0],
                "reference_code": reference[1],
                "order": int(code.rsplit(".", 1)[-1]),
            },
        )
        created += new
        for period, value in zip(periods, targets, strict=False):
            _row, new = Target.objects.get_or_create(
                indicator=indicator,
                period=period,
                defaults={"target": None if value is None else Decimal(value)},
            )
            created += new

    goal = result("0", Result.Level.GOAL, None, *GOAL, 0)
    for number, (code, title_mn, title_en, outputs) in enumerate(OUTCOMES, start=1):
        outcome = result(code, Result.Level.OUTCOME, goal, title_mn, title_en, number)
        for order, (output_code, output_mn, output_en) in enumerate(outputs, start=1):
            result(output_code, Result.Level.OUTPUT, outcome, output_mn, output_en, order)
    return created
