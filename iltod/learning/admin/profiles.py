"""Back office: organisation profiles, read only. Validation happens on the site, through the
maker-checker of ``services.profiles``; the back office only shows the versions."""

from django.contrib import admin

from ..models import OrganizationProfile, ProfileTool


class ProfileToolInline(admin.TabularInline):
    model = ProfileTool
    extra = 0
    can_delete = False
    readonly_fields = ["tool", "example"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OrganizationProfile)
class OrganizationProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "status", "is_current", "submitted_at", "reviewed_at"]
    list_filter = ["status", "is_current"]
    search_fields = ["organization__name", "organization__code"]
    list_select_related = ["organization"]
    inlines = [ProfileToolInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["sectors", "areas"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
