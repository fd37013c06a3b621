"""OCDS without the network: the vendored release schema (1.1.4 with the bids extension applied as a
JSON Merge Patch), the merger and the validator built from it, and readers that stream a file of
any shape (release or record package, JSON lines, spreadsheet) one release at a time.

Nothing here fetches anything: ``ocdsmerge.Merger`` is given the schema as a dict, and the
validator's ``$ref``s are all local (``#/definitions/...``)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import ijson
import orjson

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    result = dict(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@functools.cache
def release_schema() -> dict:
    base = json.loads((SCHEMA_DIR / "release-schema-1.1.4.json").read_text())
    bids = json.loads((SCHEMA_DIR / "bid_extension" / "release-schema.json").read_text())
    return merge_patch(base, bids)


@functools.cache
def merger():
    import ocdsmerge

    return ocdsmerge.Merger(schema=release_schema())


@functools.cache
def fast_validator():
    """The Rust validator (jsonschema_rs): answers valid or not in ~0.1 ms per release, where the
    Python one takes ~15 ms. Only an invalid release is checked again by ``validator()``, whose
    errors read better. Formats (dates, URIs) are not checked, as with the Python one."""
    import jsonschema_rs

    return jsonschema_rs.Draft4Validator(release_schema(), validate_formats=False)


@functools.cache
def validator():
    import jsonschema

    schema = release_schema()
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    return cls(schema, format_checker=None)


@functools.cache
def currencies() -> frozenset[str]:
    return frozenset(release_schema()["definitions"]["Value"]["properties"]["currency"]["enum"]) - {None}


def release_hash(release: dict) -> str:
    return hashlib.sha256(orjson.dumps(release, option=orjson.OPT_SORT_KEYS)).hexdigest()


def simple(value) -> bool:
    """Whether ocdsmerge, given this release alone, returns it unchanged but for its ``id`` and
    ``tag``: no null, no empty object or array, no array of arrays, no two objects of an array
    with the same ``id`` (those are what merging rewrites)."""
    if type(value) is dict:
        return bool(value) and all(v is not None and simple(v) for v in value.values())
    if type(value) is list:
        if not value:
            return False
        ids = set()
        for item in value:
            if type(item) is list or item is None:
                return False
            if type(item) is dict:
                if "id" in item:
                    if item["id"] in ids:
                        return False
                    ids.add(item["id"])
                if not simple(item):
                    return False
        return True
    return True


# A null, an empty object or array shows in a release's JSON without spaces as one of these
# (inside a string they only send the release to the full check).
_NOT_SIMPLE_TEXT = ("null", "{}", "[]")


def _simple_rest(value: dict) -> bool:
    """``simple`` for a release whose JSON text holds no null and no empty object or array: no
    array of arrays, no two objects of an array with the same ``id``."""
    for item in value.values():
        kind = type(item)
        if kind is dict:
            if not _simple_rest(item):
                return False
        elif kind is list:
            ids = set()
            for element in item:
                kind = type(element)
                if kind is dict:
                    if "id" in element:
                        if element["id"] in ids:
                            return False
                        ids.add(element["id"])
                    if not _simple_rest(element):
                        return False
                elif kind is list:
                    return False
    return True


def simple_text(release: dict, text: str) -> bool:
    """``simple(release)``, faster, given the release as JSON without spaces (``orjson.dumps``)."""
    if not release or any(marker in text for marker in _NOT_SIMPLE_TEXT):
        return simple(release)
    return _simple_rest(release)


def compile_releases(releases: list[dict], *, text: str | None = None) -> dict:
    """The compiled release of one OCID's releases (oldest first), as ocdsmerge makes it; a process
    published as one simple release takes the short way (the same result, checked in the tests).
    ``text``: the one release as JSON, when the caller has it (a faster check)."""
    if len(releases) == 1 and isinstance(releases[0].get("date"), str):
        release = releases[0]
        if simple_text(release, text) if text is not None else simple(release):
            compiled = dict(release)
            compiled["id"] = f"{compiled['ocid']}-{compiled['date']}"
            compiled["tag"] = ["compiled"]
            return compiled
    return merger().create_compiled_release(releases)


def is_compiled(release: dict) -> bool:
    return "compiled" in (release.get("tag") or [])


def upgrade(release: dict, version: str | None) -> dict:
    """A release of OCDS 1.0 (a package without ``version``, or a release without ``parties``)
    upgraded to 1.1 with ocdskit."""
    from ocdskit.upgrade import get_ocds_minor_version, upgrade_release_10_11

    if version == "1.0" or (version is None and get_ocds_minor_version(release) == "1.0"):
        upgrade_release_10_11(release, reorder=False)
    return release


class ReadError(ValueError):
    """The file cannot be read as OCDS; the message is translated."""


class CountingReader:
    """A binary file wrapper counting the bytes read (the import's progress bar)."""

    def __init__(self, raw, on_progress=None):
        self.raw = raw
        self.bytes_read = 0
        self.on_progress = on_progress

    def read(self, size=-1):
        data = self.raw.read(size)
        self.bytes_read += len(data)
        if self.on_progress is not None:
            self.on_progress(self.bytes_read)
        return data

    def seek(self, offset, whence=0):
        self.bytes_read = offset if whence == 0 else self.bytes_read
        return self.raw.seek(offset, whence)

    def tell(self):
        return self.raw.tell()

    def __iter__(self):
        for line in self.raw:
            self.bytes_read += len(line)
            yield line


def _first_bytes(handle, size=4096) -> bytes:
    position = handle.tell()
    head = handle.read(size)
    handle.seek(position)
    return head


def detect(handle) -> str:
    """``"package"`` (a JSON object with ``releases`` or ``records``), ``"lines"`` (one JSON value
    per line) or ``"spreadsheet"`` (XLSX, by its zip signature)."""
    from django.utils.translation import gettext as _

    head = _first_bytes(handle)
    if not head.strip():
        raise ReadError(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return "spreadsheet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        raise ReadError(_("The file is not JSON: it should start with “{”."))
    first_line = text.split(b"\n", 1)[0]
    try:
        value = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        return "package"
    if isinstance(value, dict) and ("releases" in value or "records" in value):
        return "package"
    return "lines"


def iter_releases(handle, kind: str | None = None) -> Iterator[dict]:
    """Every release in the file, one at a time, upgraded to OCDS 1.1 where needed. Compiled
    releases (JSON lines of compiled releases, a record's ``compiledRelease`` when it has no
    embedded releases) come out with their ``compiled`` tag."""
    from django.utils.translation import gettext as _

    kind = kind or detect(handle)
    try:
        if kind == "lines":
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    value = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise ReadError(_("Line %(line)s is not valid JSON (%(error)s).") % {"line": number, "error": exc})
                if not isinstance(value, dict):
                    raise ReadError(_("Line %(line)s is not a JSON object.") % {"line": number})
                yield upgrade(value, None)
            return
        version, found = _package_head(handle)
        if found is None:
            raise ReadError(_("This JSON is not OCDS: it has neither “releases” nor “records”."))
        handle.seek(0)
        if found == "releases":
            for release in ijson.items(handle, "releases.item", use_float=True):
                if not isinstance(release, dict):
                    raise ReadError(_("A release is not a JSON object."))
                yield upgrade(release, version)
            return
        for record in ijson.items(handle, "records.item", use_float=True):
            if not isinstance(record, dict):
                raise ReadError(_("A record is not a JSON object."))
            embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "url" not in r]
            if embedded:
                for release in embedded:
                    yield upgrade(release, version)
            elif isinstance(record.get("compiledRelease"), dict):
                compiled = upgrade(record["compiledRelease"], version)
                compiled.setdefault("tag", ["compiled"])
                yield compiled
            else:
                raise ReadError(
                    _("Record %(ocid)s has neither embedded releases nor a compiled release.")
                    % {"ocid": record.get("ocid", "?")}
                )
    except ijson.common.IncompleteJSONError as exc:
        raise ReadError(_("The file is not valid JSON (%(error)s).") % {"error": exc}) from None
    except UnicodeDecodeError:
        raise ReadError(_("The file is not UTF-8 text.")) from None


def _package_head(handle) -> tuple[str | None, str | None]:
    """The package's ``version`` and which list it holds (``releases`` or ``records``), read by
    streaming up to that list. Without a ``version`` before the list, each release is judged alone
    (OCDS 1.0 if it has no ``parties``, as ocdskit judges a release)."""
    version = found = None
    for prefix, event, value in ijson.parse(handle):
        if prefix == "version" and event == "string":
            version = value
        elif event == "map_key" and prefix == "" and value in ("releases", "records"):
            found = value
            break
    handle.seek(0)
    if found is None:
        return version, None
    return version, found


def spreadsheet_to_package(path: str, output: str) -> None:
    """A spreadsheet in OCDS's flattened layout (flattentool's "releases" sheets) unflattened into a
    release package, with the vendored schema."""
    import tempfile

    import flattentool

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as schema_file:
        json.dump(release_schema(), schema_file)
    flattentool.unflatten(
        path,
        input_format="xlsx",
        output_name=output,
        root_list_path="releases",
        root_id="ocid",
        id_name="id",
        schema=schema_file.name,
        disable_local_refs=False,
    )
    Path(schema_file.name).unlink(missing_ok=True)
