"""Exports of a framework: a table (CSV/XLSX) and IATI activity XML (version 2.03) with one
``result`` per goal, outcome and output, and its indicators, baselines, periods, targets and actuals.

The XML follows the element order of IATI's activity schema (``iati-activities-schema.xsd``):
``result``: title, description, indicator…; ``indicator``: title, description, reference,
baseline, period…; ``period``: period-start, period-end, target, actual. The tests validate the
export with lxml against IATI's schema, vendored in ``iltod/results/schema/``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from .models import Framework, Indicator, Result, Target

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def table(framework: Framework):
    header = [
        _("Result"),
        _("Level"),
        _("Indicator"),
        _("Title (Mongolian)"),
        _("Title (English)"),
        _("Measure"),
        _("Higher is better"),
        _("Baseline"),
        _("Baseline year"),
        _("Period"),
        _("Target"),
        _("Actual"),
        _("Numerator"),
        _("Denominator"),
        _("Source"),
        _("Computed from"),
        _("Outside framework"),
        _("Code in that framework"),
    ]
    targets = (
        Target.objects.filter(indicator__result__framework=framework)
        .select_related("indicator__result", "period")
        .order_by(
            "indicator__result__order",
            "indicator__result__code",
            "indicator__order",
            "indicator__code",
            "period__start",
        )
    )

    def rows():
        for row in targets:
            indicator, result = row.indicator, row.indicator.result
            yield [
                result.code,
                result.get_level_display(),
                indicator.code,
                indicator.title_mn,
                indicator.title_en,
                indicator.get_measure_display(),
                _("yes") if indicator.ascending else _("no"),
                indicator.baseline,
                indicator.baseline_year,
                str(row.period),
                row.target,
                row.actual,
                row.numerator,
                row.denominator,
                row.get_source_display() if row.source else "",
                indicator.metric,
                indicator.get_reference_vocabulary_display() if indicator.reference_vocabulary else "",
                indicator.reference_code,
            ]

    return header, rows()


def _number(value) -> str:
    value = Decimal(value).normalize()
    return format(value, "f")


def _narratives(parent, tag: str, mn: str, en: str):
    element = etree.SubElement(parent, tag)
    if mn:
        etree.SubElement(element, "narrative").text = mn
    if en:
        etree.SubElement(element, "narrative", {XML_LANG: "en"}).text = en
    if not mn and not en:
        etree.SubElement(element, "narrative").text = "-"
    return element


def iati_xml(framework: Framework) -> bytes:
    results = list(Result.objects.filter(framework=framework).order_by("order", "code"))
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(result__framework=framework):
        indicators.setdefault(indicator.result_id, []).append(indicator)
    targets: dict[int, list[Target]] = {}
    for row in Target.objects.filter(indicator__result__framework=framework).select_related("period"):
        targets.setdefault(row.indicator_id, []).append(row)
    periods = list(framework.periods.all())

    root = etree.Element(
        "iati-activities",
        {"version": IATI_VERSION, "generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    activity = etree.SubElement(
        root,
        "iati-activity",
        {XML_LANG: "mn", "last-updated-datetime": framework.updated_at.replace(microsecond=0).isoformat()},
    )
    identifier = framework.iati_identifier or f"XX-ILTOD-{framework.code}"
    etree.SubElement(activity, "iati-identifier").text = identifier
    reporting = etree.SubElement(activity, "reporting-org", {"ref": identifier.rsplit("-", 1)[0], "type": "21"})
    etree.SubElement(reporting, "narrative").text = "Iltod"
    _narratives(activity, "title", framework.title_mn, framework.title_en)
    _narratives(activity, "description", framework.title_mn, framework.title_en)
    participating = etree.SubElement(activity, "participating-org", {"role": "4"})  # implementing
    etree.SubElement(participating, "narrative").text = "Iltod"
    etree.SubElement(activity, "activity-status", {"code": "2"})  # implementation
    if periods:
        etree.SubElement(activity, "activity-date", {"type": "1", "iso-date": periods[0].start.isoformat()})
        etree.SubElement(activity, "activity-date", {"type": "3", "iso-date": periods[-1].end.isoformat()})
    else:
        etree.SubElement(activity, "activity-date", {"type": "2", "iso-date": timezone.localdate().isoformat()})

    for result in results:
        own = sorted(indicators.get(result.pk, []), key=lambda i: (i.order, i.code))
        if not own:
            continue  # IATI's result needs at least one indicator
        element = etree.SubElement(
            activity, "result", {"type": Result.IATI_TYPE[result.level], "aggregation-status": "1"}
        )
        _narratives(
            element,
            "title",
            f"{result.code} {result.title_mn}",
            f"{result.code} {result.title_en}" if result.title_en else "",
        )
        for indicator in own:
            attributes = {"measure": indicator.measure, "ascending": "1" if indicator.ascending else "0"}
            if indicator.measure not in {Indicator.Measure.QUALITATIVE}:
                attributes["aggregation-status"] = "1"
            node = etree.SubElement(element, "indicator", attributes)
            _narratives(
                node,
                "title",
                f"{indicator.code} {indicator.title_mn}",
                f"{indicator.code} {indicator.title_en}" if indicator.title_en else "",
            )
            if indicator.reference_vocabulary and indicator.reference_code:
                etree.SubElement(
                    node, "reference", {"vocabulary": indicator.reference_vocabulary, "code": indicator.reference_code}
                )
            if indicator.baseline_year:
                baseline = {"year": str(indicator.baseline_year)}
                if indicator.baseline is not None and not indicator.is_qualitative:
                    baseline["value"] = _number(indicator.baseline)
                base = etree.SubElement(node, "baseline", baseline)
                if indicator.baseline_comment:
                    _narratives(base, "comment", indicator.baseline_comment, "")
            # IATI: @value is left out for qualitative measures, and given for every other one.
            numeric = not indicator.is_qualitative
            for row in sorted(targets.get(indicator.pk, []), key=lambda r: r.period.start):
                if row.target is None and row.actual is None and not row.narrative and not row.target_comment:
                    continue
                period = etree.SubElement(node, "period")
                etree.SubElement(period, "period-start", {"iso-date": row.period.start.isoformat()})
                etree.SubElement(period, "period-end", {"iso-date": row.period.end.isoformat()})
                if row.target is not None or row.target_comment:
                    target = etree.SubElement(
                        period, "target", {"value": _number(row.target)} if numeric and row.target is not None else {}
                    )
                    if row.target_comment:
                        _narratives(target, "comment", row.target_comment, "")
                if row.actual is not None or row.narrative:
                    actual = etree.SubElement(
                        period, "actual", {"value": _number(row.actual)} if numeric and row.actual is not None else {}
                    )
                    if row.narrative:
                        _narratives(actual, "comment", row.narrative, "")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
