from django.contrib import admin
from django.db import models
from modeltranslation.admin import TabbedTranslationAdmin

from iltod.core.admin_tools import ExportMixin, missing_translation_filter

from .models import NetworkMembership, Organization


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMembership
    fk_name = "network"
    raw_id_fields = ["member"]
    extra = 0
    verbose_name_plural = NetworkMembership._meta.verbose_name_plural
    # Suspensions and removals go through the network administrator's page, with a reason in the
    # membership's history and the audit log (iltod.organizations.services).
    readonly_fields = ["suspended_on", "left_on"]


@admin.register(Organization)
class OrganizationAdmin(ExportMixin, TabbedTranslationAdmin):
    list_display = ["name", "short_name", "kind", "home_unit", "parent", "is_public", "is_active"]
    export_fields = [
        "code",
        "name_mn",
        "name_en",
        "short_name",
        "kind",
        "home_unit",
        "parent",
        "year_founded",
        "email",
        "phone",
        "website",
        "is_public",
        "is_active",
    ]
    list_filter = [
        "kind",
        "sectors",
        "is_public",
        "is_active",
        missing_translation_filter("name"),
        missing_translation_filter("mission"),
    ]
    search_fields = ["code", "name_mn", "name_en", "short_name", "search_key", "registration_number"]
    list_select_related = ["home_unit", "parent"]
    raw_id_fields = ["parent", "home_unit"]
    autocomplete_fields = ["covered_admin_units", "covered_service_units"]
    filter_horizontal = ["sectors"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [NetworkMemberInline]
    list_per_page = 50
    # Websites are typed without a scheme; Django 6 will assume https, say so now (and stop its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["member", "network", "joined_on", "suspended_on", "left_on", "is_focal_point"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter), "is_focal_point"]
    search_fields = ["member__name_mn", "member__name_en", "network__name_mn", "network__name_en"]
    list_select_related = ["member", "network"]
    raw_id_fields = ["member", "network"]
    readonly_fields = ["suspended_on", "left_on"]  # with a reason, through the network's page
