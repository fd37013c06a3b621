"""The annual petition statistics a body must publish under the petitions law."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Category, Event, Feedback, Kind


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    return start, end


@dataclass
class AnnualReport:
    organization: object
    year: int
    totals: dict = field(default_factory=dict)
    by_kind: list = field(default_factory=list)
    by_category: list = field(default_factory=list)
    by_channel: list = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [_("Section"), _("Item"), _("Count")]

    def rows(self):
        for label, value in self.totals.items():
            yield [_("Totals"), label, value]
        for label, value in self.by_kind:
            yield [_("By type"), label, value]
        for label, value in self.by_category:
            yield [_("By category"), label, value]
        for label, value in self.by_channel:
            yield [_("By channel"), label, value]


def annual_report(organization, year: int) -> AnnualReport:
    start, end = _year_bounds(year)
    items = Feedback.objects.filter(handling_organization=organization, received_at__gte=start, received_at__lt=end)
    now = timezone.now()
    counts = items.aggregate(
        received=Count("id"),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_due"))),
        extended=Count("id", filter=~Q(extension_reason="")),
        open=Count("id", filter=Q(status__in=Feedback.OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=Feedback.OPEN_STATUSES, resolve_due__lt=now)),
        duplicates=Count("id", filter=Q(status=Feedback.Status.DUPLICATE)),
    )
    referred_away = Event.objects.filter(
        type=Event.Type.REFERRED, data__from_org=organization.pk, created_at__gte=start, created_at__lt=end
    ).count()
    report = AnnualReport(organization, year)
    report.totals = {
        _("Received"): counts["received"],
        _("Resolved"): counts["resolved"],
        _("Resolved within the deadline"): counts["on_time"],
        _("Deadline extended"): counts["extended"],
        _("Referred to another body"): referred_away,
        _("Merged as duplicates"): counts["duplicates"],
        _("Still open"): counts["open"],
        _("Overdue now"): counts["overdue"],
    }
    kind_labels = dict(Kind.choices)
    report.by_kind = [
        (kind_labels.get(r["kind"], r["kind"]), r["n"])
        for r in items.values("kind").annotate(n=Count("id")).order_by("-n")
    ]
    names = {c.pk: c.name for c in Category.objects.all()}
    report.by_category = [
        (names.get(r["category"], "—"), r["n"]) for r in items.values("category").annotate(n=Count("id")).order_by("-n")
    ]
    channel_labels = dict(Feedback.Channel.choices)
    report.by_channel = [
        (channel_labels.get(r["channel"], r["channel"]), r["n"])
        for r in items.values("channel").annotate(n=Count("id")).order_by("-n")
    ]
    return report
