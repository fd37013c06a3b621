"""Import of legacy feedback records (registers kept in spreadsheets) with a row-by-row report."""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from iltod.lib.phones import normalize_phone
from iltod.lib.tabular import ImportReport, Row
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

from . import services, stats
from .models import Category, Event, Feedback, Kind
from .permissions import may_handle

IMPORTABLE_STATUSES = [
    Feedback.Status.RECEIVED,
    Feedback.Status.IN_PROGRESS,
    Feedback.Status.RESOLVED,
    Feedback.Status.NO_FURTHER_ACTION,
    Feedback.Status.CLOSED,
]
FINISHED_STATUSES = {Feedback.Status.RESOLVED, Feedback.Status.NO_FURTHER_ACTION, Feedback.Status.CLOSED}
COLUMNS = (
    "external_id, received_at, kind, category, facility, admin_unit_code, description, privacy, name, "
    "phone, email, status, response, resolved_at, handled_by"
)


class FeedbackRowForm(forms.Form):
    external_id = forms.CharField(label=_lazy("register number"), max_length=128)
    received_at = forms.DateTimeField(
        label=_lazy("received at"),
        input_formats=["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y", "%Y.%m.%d"],
    )
    kind = forms.ChoiceField(label=_lazy("type"), choices=Kind.choices)
    category = forms.ModelChoiceField(label=_lazy("category"), queryset=Category.objects.all(), to_field_name="code")
    facility = forms.CharField(label=_lazy("facility"), required=False)
    admin_unit_code = forms.CharField(label=_lazy("area code"), required=False)
    description = forms.CharField(label=_lazy("description"), max_length=5000)
    privacy = forms.ChoiceField(label=_lazy("privacy"), choices=Feedback.Privacy.choices, required=False)
    name = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=32, required=False)
    email = forms.EmailField(required=False)
    status = forms.ChoiceField(
        label=_lazy("status"), required=False, choices=[(s, Feedback.Status(s).label) for s in IMPORTABLE_STATUSES]
    )
    response = forms.CharField(label=_lazy("response"), required=False, max_length=5000)
    resolved_at = forms.DateTimeField(
        label=_lazy("resolved at"),
        required=False,
        input_formats=["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y", "%Y.%m.%d"],
    )
    handled_by = forms.CharField(label=_lazy("handled by"), required=False)

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        if raw and not normalize_phone(raw):
            raise forms.ValidationError(_("Not a valid phone number."))
        return normalize_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        if not data.get("facility") and not data.get("admin_unit_code"):
            self.add_error("facility", _("Give a facility or an area code."))
        received, resolved = data.get("received_at"), data.get("resolved_at")
        if received and received > timezone.now():
            self.add_error("received_at", _("This is in the future."))
        status = data.get("status") or Feedback.Status.RECEIVED
        if status in {Feedback.Status.RESOLVED, Feedback.Status.NO_FURTHER_ACTION, Feedback.Status.CLOSED}:
            if not data.get("response"):
                self.add_error("response", _("A finished item needs the response that was given."))
            if not resolved:
                self.add_error("resolved_at", _("A finished item needs the date it was resolved."))
        if resolved and received and resolved < received:
            self.add_error("resolved_at", _("Resolved before it was received."))
        return data


@transaction.atomic(durable=True)
def import_feedback(rows: list[Row], *, actor=None, dry_run=False, source="") -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    prepared = []
    seen: dict[str, int] = {}
    for row in rows:
        form = FeedbackRowForm(row.values)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    report.add_error(row.number, "" if field == "__all__" else field, error)
            continue
        data = form.cleaned_data
        if data["external_id"] in seen:
            report.add_error(
                row.number, "external_id", _("duplicate of row %(row)s") % {"row": seen[data["external_id"]]}
            )
            continue
        seen[data["external_id"]] = row.number
        facility = None
        if data["facility"]:
            key = data["facility"].strip()
            facility = (
                ServiceUnit.objects.filter(code=key.upper()).first()
                or ServiceUnit.objects.filter(registry_code=key).first()
            )
            if facility is None:
                report.add_error(row.number, "facility", _("no facility with code %(code)s") % {"code": key})
                continue
        area = None
        if data["admin_unit_code"] and facility is None:
            area = AdminUnit.objects.filter(code=data["admin_unit_code"].strip()).first()
            if area is None:
                report.add_error(
                    row.number,
                    "admin_unit_code",
                    _("no administrative unit with code %(code)s") % {"code": data["admin_unit_code"]},
                )
                continue
        handler = None
        if data["handled_by"]:
            handler = Organization.objects.filter(code=data["handled_by"].strip().upper()).first()
            if handler is None:
                report.add_error(
                    row.number, "handled_by", _("no organisation with code %(code)s") % {"code": data["handled_by"]}
                )
                continue
            privacy = data["privacy"] or Feedback.Privacy.NAME_HIDDEN
            if not may_handle(handler, Feedback(category=data["category"], privacy=privacy, service_unit=facility)):
                # the guard (permissions.py): never the facility a conduct or confidential item names
                report.add_error(row.number, "handled_by", _("this item cannot be handled by the facility it is about"))
                continue
        prepared.append((row, data, facility, area, handler))
    if not report.ok:
        transaction.set_rollback(True)
        return report

    for _row, data, facility, area, handler in prepared:
        feedback, created = services.store_feedback(
            services.Submission(
                kind=data["kind"],
                category=data["category"],
                description=data["description"],
                service_unit=facility,
                admin_unit=area,
                privacy=data["privacy"] or Feedback.Privacy.NAME_HIDDEN,
                reporter_name=data["name"],
                reporter_phone=data["phone"],
                reporter_email=data["email"],
                notify=False,
                channel=Feedback.Channel.IMPORT,
                external_id=data["external_id"],
                received_at=data["received_at"],
                quiet=True,
            ),
            actor=actor,
        )
        if not created:
            report.unchanged += 1
            continue
        report.created += 1
        _apply_legacy_outcome(feedback, data, handler)
    if dry_run:
        transaction.set_rollback(True)
    return report


def _apply_legacy_outcome(feedback: Feedback, data: dict, handler) -> None:
    fields = []
    routed_to = feedback.handling_organization_id
    if handler is not None and handler.pk != feedback.handling_organization_id:
        feedback.handling_organization = handler
        fields.append("handling_organization")
    status = data["status"] or Feedback.Status.RECEIVED
    if status != Feedback.Status.RECEIVED:
        old = feedback.status
        feedback.status = status
        fields.append("status")
        if data["resolved_at"] and status in FINISHED_STATUSES:  # an item in progress has no resolution yet
            feedback.resolved_at = data["resolved_at"]
            feedback.public_response = data["response"]
            fields += ["resolved_at", "public_response"]
            if status == Feedback.Status.CLOSED:
                feedback.closed_at = data["resolved_at"]
                fields.append("closed_at")
        Event.objects.create(
            feedback=feedback,
            type=Event.Type.STATUS,
            is_public=True,
            text=data["response"],
            old_status=old,
            new_status=status,
            data={"imported": True},
        )
    if fields:
        feedback.save(update_fields=fields)
    if "handling_organization" in fields:  # counted for the organisation that handled it
        stats.record_referred(feedback, routed_to)
    if feedback.resolved_at:
        stats.record_resolved(feedback)
