from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from iltod.core.admin_tools import ExportMixin, ImportMixin, missing_translation_filter

from .models import AdminUnit, Sector, ServiceUnit
from .search import search_facilities
from .services import import_admin_units, import_service_units


@admin.register(Sector)
class SectorAdmin(ExportMixin, TabbedTranslationAdmin):
    list_display = ["code", "name", "order"]
    list_filter = [missing_translation_filter("name")]


@admin.register(AdminUnit)
class AdminUnitAdmin(ImportMixin, ExportMixin, TabbedTranslationAdmin):
    list_display = ["code", "name", "level", "parent", "iso_3166_2", "valid_from", "valid_to"]
    export_fields = [
        "code",
        "name_mn",
        "name_en",
        "level",
        "parent",
        "iso_3166_2",
        "latitude",
        "longitude",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["level", missing_translation_filter("name"), ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name_mn", "name_en", "search_key"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    list_per_page = 50
    importer = staticmethod(import_admin_units)
    import_columns = (
        "code, parent_code, level, name_mn, name_en, iso_3166_2, center_name_mn, center_name_en, lat, lon, "
        "valid_from, valid_to, boundary"
    )


@admin.register(ServiceUnit)
class ServiceUnitAdmin(ImportMixin, ExportMixin, TabbedTranslationAdmin):
    list_display = ["name", "code", "kind", "sector", "place", "operator", "is_active"]
    export_fields = [
        "code",
        "name_mn",
        "name_en",
        "kind",
        "sector",
        "admin_unit",
        "address_mn",
        "latitude",
        "longitude",
        "registry_code",
        "operator",
        "is_active",
    ]
    list_filter = [
        "sector",
        "kind",
        "is_active",
        missing_translation_filter("name"),
        ("admin_unit__parent", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code"]  # shows the search box; get_search_results searches as the public site does
    search_help_text = _("Name, place or kind, in Cyrillic or Latin letters, or a code.")
    list_select_related = ["sector", "admin_unit__parent", "operator"]
    raw_id_fields = ["admin_unit", "operator"]
    readonly_fields = ["code", "created_at", "updated_at"]
    list_per_page = 50
    importer = staticmethod(import_service_units)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("admin_unit__boundary", "admin_unit__parent__boundary")

    def get_search_results(self, request, queryset, search_term):
        """The facility search of the public site (inactive facilities included), so that staff
        find a facility however it is spelt; the list keeps its own ordering."""
        if not search_term.strip():
            return queryset, False
        return search_facilities(search_term, queryset=queryset), False

    @admin.display(description=_("place"), ordering="admin_unit__name")
    def place(self, facility):
        """The soum or district and its aimag: two facilities may share a name."""
        unit = facility.admin_unit
        parent = unit.parent
        return f"{unit.name}, {parent.name}" if parent is not None and parent.level != "country" else unit.name

    import_columns = (
        "code, name_mn, name_en, kind, sector, admin_unit_code, address_mn, address_en, lat, lon, registry_code, "
        "operator_code, phone, email, active"
    )
