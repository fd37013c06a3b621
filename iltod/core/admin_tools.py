"""Back-office building blocks shared by every app's admin."""

from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from iltod.core.forms import ImportUploadForm
from iltod.lib.tabular import TabularError, read_rows, tabular_response


def missing_translation_filter(field: str, languages=("mn", "en")):
    """A list filter: rows whose ``field`` has no text in one of the languages."""

    class MissingTranslationFilter(admin.SimpleListFilter):
        title = _("missing translation")
        parameter_name = f"missing_{field}"

        def lookups(self, request, model_admin):
            return [(code, code.upper()) for code in languages]

        def queryset(self, request, queryset):
            code = self.value()
            if code not in languages:
                return queryset
            column = f"{field}_{code}"
            return queryset.filter(Q(**{f"{column}__isnull": True}) | Q(**{column: ""}))

    return MissingTranslationFilter


def _export_rows(modeladmin, queryset):
    fields = list(getattr(modeladmin, "export_fields", None) or modeladmin.list_display)
    fields = [f for f in fields if f != "__str__" and not callable(f)]
    header = [str(f) for f in fields]
    model = queryset.model

    def value(obj, name):
        try:
            field = model._meta.get_field(name)
        except Exception:
            field = None
        if field is not None and field.choices:
            return getattr(obj, f"get_{name}_display")()
        attr = getattr(obj, name, None)
        if attr is None and hasattr(modeladmin, name):
            attr = getattr(modeladmin, name)(obj)
        if callable(attr):
            attr = attr()
        if hasattr(attr, "pk"):
            return str(attr)
        return attr

    rows = ([value(obj, f) for f in fields] for obj in queryset.iterator(chunk_size=2000))
    return header, rows


@admin.action(description=_("Export selected as CSV"))
def export_csv(modeladmin, request, queryset):
    header, rows = _export_rows(modeladmin, queryset)
    return tabular_response(queryset.model._meta.model_name, header, rows, "csv")


@admin.action(description=_("Export selected as XLSX"))
def export_xlsx(modeladmin, request, queryset):
    header, rows = _export_rows(modeladmin, queryset)
    return tabular_response(queryset.model._meta.model_name, header, rows, "xlsx")


class ExportMixin:
    """Adds CSV/XLSX export of the selected rows (select all to export the filtered list)."""

    actions = [export_csv, export_xlsx]


class ImportMixin:
    """Adds an "Import from CSV/XLSX" page to a changelist, backed by a service importer."""

    change_list_template = "admin/iltod_change_list_import.html"
    importer = None  # service function(rows, *, actor, dry_run, source) -> ImportReport
    import_columns = ""

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_rows(upload)
            except TabularError as exc:
                form.add_error("file", str(exc))
            else:
                report = type(self).importer(
                    rows, actor=request.user, dry_run=form.cleaned_data["dry_run"], source=upload.name
                )
                if report.ok and not report.dry_run:
                    messages.success(
                        request,
                        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                    )
                    return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "columns": self.import_columns,
            "title": _("Import %(name)s") % {"name": self.model._meta.verbose_name_plural},
        }
        return render(request, "admin/iltod_import.html", context)
