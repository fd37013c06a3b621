from iltod.feedback.imports import COLUMNS, import_feedback
from iltod.lib.importing import ImportCommand


class Command(ImportCommand):
    help = f"Import legacy feedback records from CSV/XLSX (idempotent on external_id). Columns: {COLUMNS}."
    importer = staticmethod(import_feedback)
