from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.lib.jsonbody import JsonBodyError, read_json

from .models import AdminUnit, Sector, ServiceUnit

# Which level a unit's parent must have.
PARENT_LEVELS = {
    AdminUnit.Level.COUNTRY: set(),
    AdminUnit.Level.CAPITAL: {AdminUnit.Level.COUNTRY},
    AdminUnit.Level.AIMAG: {AdminUnit.Level.COUNTRY},
    AdminUnit.Level.DISTRICT: {AdminUnit.Level.CAPITAL},
    AdminUnit.Level.SOUM: {AdminUnit.Level.AIMAG},
    AdminUnit.Level.KHOROO: {AdminUnit.Level.DISTRICT},
    AdminUnit.Level.BAG: {AdminUnit.Level.SOUM},
}
LEVEL_ORDER = list(PARENT_LEVELS)
DATE_FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]


def _geometry(value: str):
    if not value:
        return None
    try:
        geometry = read_json(value.encode(), max_bytes=None)  # a cell: its size is the file's limit
    except JsonBodyError:
        raise forms.ValidationError(_("Not valid GeoJSON.")) from None
    if not isinstance(geometry, dict):
        raise forms.ValidationError(_("Not valid GeoJSON."))
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise forms.ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    return geometry


class AdminUnitRowForm(forms.Form):
    """One row of an administrative-unit import (CSV/XLSX columns of the same names)."""

    code = forms.RegexField(regex=r"^[0-9A-Za-z-]{1,16}$", label=_("code"))
    parent_code = forms.CharField(required=False, label=_("parent code"))
    level = forms.ChoiceField(choices=AdminUnit.Level.choices, label=_("level"))
    name_mn = forms.CharField(max_length=150, label=_("name (Mongolian)"))
    name_en = forms.CharField(max_length=150, required=False, label=_("name (English)"))
    iso_3166_2 = forms.CharField(max_length=10, required=False)
    center_name_mn = forms.CharField(max_length=150, required=False)
    center_name_en = forms.CharField(max_length=150, required=False)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, label=_("latitude"))
    lon = forms.FloatField(min_value=-180, max_value=180, required=False, label=_("longitude"))
    # Year first only: "01/02/2024" would otherwise be read the American way, whatever the language.
    valid_from = forms.DateField(required=False, label=_("valid from"), input_formats=DATE_FORMATS)
    valid_to = forms.DateField(required=False, label=_("valid to"), input_formats=DATE_FORMATS)
    boundary = forms.CharField(required=False, label=_("boundary"))

    def clean_boundary(self):
        return _geometry(self.cleaned_data.get("boundary", ""))

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end of validity is before its start."))
        level = data.get("level")
        if level and PARENT_LEVELS.get(level) and not data.get("parent_code"):
            self.add_error("parent_code", _("A unit of this level needs a parent."))
        return data


class ServiceUnitRowForm(forms.Form):
    """One row of a facility import."""

    code = forms.CharField(required=False, label=_("public code"))
    name_mn = forms.CharField(max_length=255, label=_("name (Mongolian)"))
    name_en = forms.CharField(max_length=255, required=False, label=_("name (English)"))
    kind = forms.ChoiceField(choices=ServiceUnit.Kind.choices, label=_("kind"))
    sector = forms.CharField(required=False, label=_("sector"))
    admin_unit_code = forms.CharField(label=_("administrative unit code"))
    address_mn = forms.CharField(max_length=255, required=False)
    address_en = forms.CharField(max_length=255, required=False)
    lat = forms.FloatField(min_value=41, max_value=53, required=False, label=_("latitude"))
    lon = forms.FloatField(min_value=87, max_value=120, required=False, label=_("longitude"))
    registry_code = forms.CharField(max_length=64, required=False, label=_("registry code"))
    operator_code = forms.CharField(required=False, label=_("operator code"))
    phone = forms.CharField(max_length=32, required=False, label=_("phone"))
    email = forms.EmailField(required=False, label=_("e-mail"))
    active = forms.CharField(required=False, label=_("active"))

    def clean_kind(self):
        return self.cleaned_data["kind"]

    def clean_active(self):
        value = (self.cleaned_data.get("active") or "").strip().lower()
        if value in {"", "1", "true", "yes", "y", "тийм"}:
            return True
        if value in {"0", "false", "no", "n", "үгүй"}:
            return False
        raise forms.ValidationError(_("Write yes or no."))

    def clean(self):
        data = super().clean()
        has_errors = "lat" in self.errors or "lon" in self.errors  # already reported: say it once
        if not has_errors and (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon", _("Give both latitude and longitude, or neither."))
        return data


class FacilitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 5-р сургууль or surguuli")}),
    )
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(),
        required=False,
        to_field_name="code",
        label=_("Sector"),
        empty_label=_("All sectors"),
    )
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *ServiceUnit.Kind.choices], required=False, label=_("Kind"))
    area = forms.ModelChoiceField(
        # Any place: the list offers the aimags, a link from a soum's page keeps the soum.
        queryset=AdminUnit.objects.exclude(level=AdminUnit.Level.COUNTRY).without_shapes(),
        required=False,
        to_field_name="code",
        label=_("Aimag or capital"),
        empty_label=_("All of Mongolia"),
    )
    near = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = list(AdminUnit.objects.top_level().without_shapes().order_by("level", "name"))
        chosen = self.data.get("area") if self.is_bound else None
        if chosen and chosen not in {u.code for u in offered}:
            offered += list(self.fields["area"].queryset.filter(code=chosen))
        self.fields["area"].widget.choices = [("", self.fields["area"].empty_label)] + [
            (u.code, u.name) for u in offered
        ]

    def clean_near(self):
        """``latitude,longitude`` from the browser (facilities near me), inside Mongolia."""
        value = self.cleaned_data.get("near", "").strip()
        if not value:
            return None
        try:
            latitude, longitude = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(_("The position could not be read.")) from None
        if not (41 <= latitude <= 53 and 87 <= longitude <= 120):
            raise forms.ValidationError(_("This position is outside Mongolia."))
        return latitude, longitude

    def position(self):
        """The browser's (latitude, longitude) when "near me" was asked, else None."""
        return self.cleaned_data.get("near") if self.is_valid() else None
