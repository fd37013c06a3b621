from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .admin_tools import ExportMixin, missing_translation_filter
from .models import Holiday


@admin.register(Holiday)
class HolidayAdmin(ExportMixin, TranslationAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind", missing_translation_filter("name")]
    search_fields = ["name_mn", "name_en"]
    date_hierarchy = "date"
