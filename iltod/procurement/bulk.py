"""Fast writes and reads for imports on PostgreSQL: ``COPY`` for new releases and processes, and
JSON read back as text and parsed with orjson. Django's JSONField encodes and decodes with the
standard library's json, which is most of an import's time; on SQLite (the embedded default) the
ORM's ``bulk_create`` is used.
"""

from __future__ import annotations

import orjson
from django.db import connection

from iltod.places.models import new_public_code

from .models import ContractingProcess, Release


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _value(field, obj):
    value = getattr(obj, field.attname)
    if value is not None and field.get_internal_type() == "JSONField":
        return orjson.dumps(value).decode()
    return value


def copy_rows(model, objects, field_names: list[str]) -> None:
    fields = [model._meta.get_field(name) for name in field_names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([_value(f, obj) for f in fields])


RELEASE_FIELDS = ["ocid", "release_id", "date", "hash", "data", "job"]


def insert_releases(releases: list[Release]) -> None:
    if on_postgresql():
        copy_rows(Release, releases, RELEASE_FIELDS)
    else:
        Release.objects.bulk_create(releases)


def read_releases(ocids: list[str]):
    """(ocid, release) of these OCIDs, oldest first."""
    if not on_postgresql():
        yield from Release.objects.filter(ocid__in=ocids).order_by("ocid", "date", "pk").values_list("ocid", "data")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ocid, data::text FROM procurement_release WHERE ocid = ANY(%s) ORDER BY ocid, date, id",
            [list(ocids)],
        )
        for ocid, text in cursor.fetchall():
            yield ocid, orjson.loads(text)


def upsert_processes(rows: list[ContractingProcess], columns: list[str]) -> None:
    """Insert new processes and update the columns of those that exist (by OCID)."""
    if not on_postgresql():
        ContractingProcess.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["ocid"], update_fields=columns
        )
        return
    for row in rows:
        row.code = new_public_code()
    names = ["ocid", "code", *columns]
    fields = [ContractingProcess._meta.get_field(name) for name in names]
    quoted = [connection.ops.quote_name(f.column) for f in fields]
    table = connection.ops.quote_name(ContractingProcess._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE procurement_process_load ON COMMIT DROP AS SELECT {', '.join(quoted)} FROM {table} "  # noqa: S608 - names from the model
            "WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY procurement_process_load ({', '.join(quoted)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_value(f, row) for f in fields])
        updates = ", ".join(f"{q} = EXCLUDED.{q}" for q in quoted[2:])
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quoted)}, updated_at) "  # noqa: S608 - names from the model
            f"SELECT {', '.join(quoted)}, now() FROM procurement_process_load "
            f"ON CONFLICT (ocid) DO UPDATE SET {updates}, updated_at = now()"
        )
        cursor.execute("DROP TABLE procurement_process_load")
