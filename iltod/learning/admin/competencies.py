"""Back office: the competency framework and assessment rounds. A framework version changes only
while ``permissions.can_edit_framework`` allows (its network's administrator, no round has used
it); rounds and their answers are read only (they come through the site, paper or KoBo)."""

from django.contrib import admin

from ..models import AssessmentRound, Behaviour, Competency, CompetencyArea, Framework
from ..permissions import can_edit_framework


def _framework_of(obj):
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, CompetencyArea):
        return obj.framework
    if isinstance(obj, Competency):
        return obj.area.framework
    return None


class FrameworkGuard:
    def has_change_permission(self, request, obj=None):
        framework = _framework_of(obj)
        if framework is None:
            return super().has_change_permission(request, obj)
        return can_edit_framework(request.user, framework)

    has_delete_permission = has_change_permission


class AreaInline(admin.TabularInline):
    model = CompetencyArea
    extra = 0
    fields = ["position", "pillar", "name_mn", "name_en"]


@admin.register(Framework)
class FrameworkAdmin(FrameworkGuard, admin.ModelAdmin):
    list_display = ["__str__", "network", "version", "is_proposal", "frozen_at"]
    list_filter = ["is_proposal"]
    readonly_fields = ["frozen_at", "based_on"]
    inlines = [AreaInline]


class BehaviourInline(admin.TabularInline):
    model = Behaviour
    extra = 0


@admin.register(Competency)
class CompetencyAdmin(FrameworkGuard, admin.ModelAdmin):
    list_display = ["code", "name_mn", "name_en", "area"]
    list_select_related = ["area__framework"]
    search_fields = ["code", "name_mn", "name_en"]
    inlines = [BehaviourInline]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "framework", "opens_on", "closes_on"]
    readonly_fields = ["code", "network", "framework", "previous", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
