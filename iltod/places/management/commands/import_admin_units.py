from iltod.lib.importing import ImportCommand
from iltod.places.services import import_admin_units


class Command(ImportCommand):
    help = (
        "Import administrative units (khoroos, bags, boundary changes) from CSV/XLSX. Columns: code, "
        "parent_code, level, name_mn, name_en, iso_3166_2, center_name_mn, center_name_en, lat, lon, "
        "valid_from, valid_to, boundary (GeoJSON)."
    )
    importer = staticmethod(import_admin_units)
