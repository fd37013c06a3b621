"""Back office of the strategic plan and the network's resources."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ..models.strategy import FocusArea, Objective, Resource, StrategicPlan, StrategyReview


class FocusAreaInline(TranslationTabularInline):
    model = FocusArea
    extra = 0


@admin.register(StrategicPlan)
class StrategicPlanAdmin(TranslationAdmin):
    list_display = ["title", "network", "starts_on", "ends_on", "visibility"]
    raw_id_fields = ["network"]
    inlines = [FocusAreaInline]


@admin.register(Objective)
class ObjectiveAdmin(TranslationAdmin):
    list_display = ["title", "focus_area", "action_plan"]
    readonly_fields = ["action_plan"]


@admin.register(StrategyReview)
class StrategyReviewAdmin(admin.ModelAdmin):
    list_display = ["plan", "held_on"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "amount", "starts_on", "network"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "source"]
    raw_id_fields = ["network"]
