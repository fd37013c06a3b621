"""Back office of the library (publishing goes through the review page and its service)."""

from django.contrib import admin

from ..models.library import LibraryItem, LibraryVersion


class VersionInline(admin.TabularInline):
    model = LibraryVersion
    extra = 0
    fields = ["number", "title_mn", "saved_by", "saved_at", "published_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(LibraryItem)
class LibraryItemAdmin(admin.ModelAdmin):
    list_display = ["title_mn", "kind", "status", "sa_tool", "aimag", "updated_at"]
    list_filter = ["kind", "status", "sa_tool"]
    search_fields = ["title_mn", "title_en", "code"]
    raw_id_fields = ["network", "training", "meeting", "author"]
    readonly_fields = ["status", "published"]
    inlines = [VersionInline]
