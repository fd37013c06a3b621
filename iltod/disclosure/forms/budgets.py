"""Forms of budgets and transfers: one row of an import (CSV/XLSX or a Fiscal Data Package), the
upload, and the public filters. Every amount is in tögrög and never negative."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.places.forms import DATE_FORMATS

YEAR_FIELD = {"min_value": 2000, "max_value": 2100}
AMOUNT_FIELD = {"min_value": Decimal(0), "max_digits": 16, "decimal_places": 2}

BUDGET_COLUMNS = [
    "body",
    "facility",
    "fiscal_year",
    "code",
    "administrative_code",
    "functional_code",
    "functional_label",
    "economic_code",
    "economic_label",
    "approved",
    "adjusted",
    "executed",
]

TRANSFER_COLUMNS = [
    "from_body",
    "fiscal_year",
    "code",
    "purpose",
    "previous_step",
    "to_body",
    "to_facility",
    "area",
    "allocated",
    "released",
    "received",
    "allocated_on",
    "expected_on",
    "released_on",
    "received_on",
]


def _no_future_year(year):
    if year is not None and year > timezone.localdate().year + 1:
        raise forms.ValidationError(_("The fiscal year is too far in the future."))
    return year


def _amount(**extra):
    return forms.DecimalField(**AMOUNT_FIELD, **extra)


class BudgetLineRowForm(forms.Form):
    """One budget line (CSV/XLSX columns of the same names)."""

    body = forms.CharField(max_length=12, label=_("budget body"))
    facility = forms.CharField(max_length=12, required=False, label=_("facility"))
    fiscal_year = forms.IntegerField(**YEAR_FIELD, label=_("fiscal year"))
    code = forms.RegexField(regex=r"^[\w.\-/]{1,64}$", label=_("line code"))
    administrative_code = forms.CharField(max_length=32, required=False)
    functional_code = forms.CharField(max_length=32, required=False)
    functional_label = forms.CharField(max_length=200, required=False)
    economic_code = forms.CharField(max_length=32, required=False)
    economic_label = forms.CharField(max_length=200, required=False)
    approved = _amount(label=_("approved"))
    adjusted = _amount(required=False, label=_("adjusted"))
    executed = _amount(required=False, label=_("executed"))

    def clean_fiscal_year(self):
        return _no_future_year(self.cleaned_data["fiscal_year"])

    def clean_body(self):
        return self.cleaned_data["body"].strip().upper()

    def clean_facility(self):
        return self.cleaned_data["facility"].strip().upper()


class TransferRowForm(forms.Form):
    """One step of a transfer (CSV/XLSX columns of the same names)."""

    from_body = forms.CharField(max_length=12, label=_("from"))
    fiscal_year = forms.IntegerField(**YEAR_FIELD, label=_("fiscal year"))
    code = forms.RegexField(regex=r"^[\w.\-/]{1,64}$", label=_("transfer code"))
    purpose = forms.CharField(max_length=255, label=_("purpose"))
    previous_step = forms.CharField(max_length=140, required=False, label=_("previous step"))
    to_body = forms.CharField(max_length=12, required=False, label=_("to body"))
    to_facility = forms.CharField(max_length=12, required=False, label=_("to facility"))
    area = forms.CharField(max_length=16, required=False, label=_("receiving area"))
    allocated = _amount(label=_("allocated"))
    released = _amount(required=False, label=_("released"))
    received = _amount(required=False, label=_("received"))
    allocated_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("allocated on"))
    expected_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("expected on"))
    released_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("released on"))
    received_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("received on"))

    def clean_fiscal_year(self):
        return _no_future_year(self.cleaned_data["fiscal_year"])

    def clean(self):
        data = super().clean()
        for key in ("from_body", "to_body", "to_facility"):
            if data.get(key):
                data[key] = data[key].strip().upper()
        if not data.get("to_body") and not data.get("to_facility"):
            self.add_error("to_body", _("Name the receiving body or facility."))
        allocated, released, received = data.get("allocated"), data.get("released"), data.get("received")
        if allocated is not None and released is not None and released > allocated:
            self.add_error("released", _("More was released than allocated."))
        if released is not None and received is not None and received > released:
            self.add_error("received", _("More was received than released."))
        if received is not None and released is None and allocated is not None and received > allocated:
            self.add_error("received", _("More was received than allocated."))
        today = timezone.localdate()
        for key in ("allocated_on", "released_on", "received_on"):
            if data.get(key) and data[key] > today:
                self.add_error(key, _("This date is in the future."))
        if data.get("released_on") and data.get("received_on") and data["received_on"] < data["released_on"]:
            self.add_error("received_on", _("The money was received before it was released."))
        if data.get("received") is not None and not data.get("received_on"):
            self.add_error("received_on", _("Give the date the money was received."))
        if data.get("released") is not None and not data.get("released_on"):
            self.add_error("released_on", _("Give the date the money was released."))
        return data


class ImportForm(forms.Form):
    """An upload of a CSV or XLSX file, checked before anything is saved."""

    file = forms.FileField(label=_("CSV or XLSX file"))
    dry_run = forms.BooleanField(required=False, label=_("Only check the file, save nothing"))


class FiscalDataPackageForm(forms.Form):
    file = forms.FileField(
        label=_("Fiscal Data Package (ZIP)"),
        help_text=_("A ZIP file with datapackage.json and its CSV tables."),
    )
    dry_run = forms.BooleanField(required=False, label=_("Only check the file, save nothing"))


class BudgetFilterForm(forms.Form):
    year = forms.IntegerField(**YEAR_FIELD, required=False, label=_("fiscal year"))
    body = forms.CharField(max_length=12, required=False, label=_("budget body (public code)"))
