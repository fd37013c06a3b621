"""Back office of the library (publishing goes through the review page and its service). What a
version holds (text, type, tags, links) is read-only here: changing it on the item would bypass
the review, the version history and the search index; authors edit on the site."""

from django.contrib import admin

from ..forms.library import LibraryItemForm
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
    raw_id_fields = ["network", "author"]
    # what a member's draft holds changes only through the review (the site's form and its service)
    readonly_fields = ["status", "published", *LibraryItemForm.Meta.fields]

    def has_add_permission(self, request):
        return False  # items are written on the site, where each save is a version

    inlines = [VersionInline]
