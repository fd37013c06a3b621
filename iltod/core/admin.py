from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .admin_tools import ExportMixin, missing_translation_filter
from .forms import CalendarYearForm
from .models import Holiday, year_calendar


@admin.register(Holiday)
class HolidayAdmin(ExportMixin, TranslationAdmin):
    """Only what the government declares on top of the law; the calendar page shows a whole year
    as deadlines count it, the law's public holidays included."""

    list_display = ["date", "name", "kind"]
    list_filter = ["kind", missing_translation_filter("name")]
    search_fields = ["name_mn", "name_en"]
    date_hierarchy = "date"
    change_list_template = "admin/core/holiday/change_list.html"

    def get_urls(self):
        return [
            path("calendar/", self.admin_site.admin_view(self.calendar_view), name="core_holiday_calendar"),
            *super().get_urls(),
        ]

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = CalendarYearForm(request.GET or {"year": timezone.localdate().year})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Calendar of days off"),
        }
        if form.is_valid():
            year = form.cleaned_data["year"]
            days_off, worked, working_days = year_calendar(year, get_language() or "mn")
            context.update(year=year, days_off=days_off, worked=worked, working_days=working_days)
            context["title"] = _("Calendar of days off, %(year)s") % {"year": year}
        return render(request, "admin/core/holiday/calendar.html", context)
