"""Running the red flags: over parsed releases (:func:`run`) or over a JSON-lines file (:func:`run_file`).

:func:`run_file` is the fast path: the file is cut into parts at line boundaries, each part is
parsed (orjson) and folded in its own process (both cores), and the parts are merged in file
order, so the result does not depend on how the file was cut. When no ``currency`` is set, the
main currency is the first one met in the file: a part that met another one first is folded again
with the main currency (only files that mix currencies pay for this).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from dataclasses import dataclass, field

import numpy as np
import orjson

from . import stats
from .engine import GROUPS, MAP_KEYS, SKIP_REASONS, Partial, make_fold
from .release import decoder, from_dict
from .settings import Settings
from .text import gettext as _

SMALL_FILE = 4 * 1024 * 1024  # below this, one process is faster than starting others
PARTS_PER_WORKER = 1  # more parts balanced a loaded machine no better and cost a merge and a pickle each


@dataclass
class Skipped:
    """Processes an indicator left out, by reason, in file order (Cardinal drops them silently).

    Reasons: ``lots`` (more than one active award), ``consortium`` (a bid by several tenderers),
    ``multiple_suppliers`` (an award to several suppliers), ``currency`` (amounts in another
    currency than the main one).
    """

    ocids: dict[str, list[str]] = field(default_factory=lambda: {reason: [] for reason in SKIP_REASONS})
    currency: str | None = None
    # reason: {ocid: the indicators (codes, sorted) the process was not checked for}
    codes: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {reason: {} for reason in SKIP_REASONS})

    def counts(self) -> dict[str, int]:
        return {reason: len(ocids) for reason, ocids in self.ocids.items()}

    @staticmethod
    def label(reason: str) -> str:
        labels = {
            "lots": _("Several lots: more than one active award"),
            "consortium": _("A bid by several tenderers (a consortium)"),
            "multiple_suppliers": _("An award to several suppliers"),
            "currency": _("Amounts in another currency than the main one"),
        }
        return labels[reason]


@dataclass
class LineError:
    """A line that is not JSON: skipped, as Cardinal skips it, and reported with its number."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d is not valid JSON and was skipped: %(error)s") % {
            "line": self.line,
            "error": self.message,
        }


class BrokenLineError(ValueError):
    """Raised instead of skipping a broken line when the caller asks to be strict."""

    def __init__(self, error: LineError):
        super().__init__(str(error))
        self.error = error


# --- In memory -------------------------------------------------------------------------------------


def run(releases, settings: Settings, *, meta: bool = True, maps: bool = False, skipped: Skipped | None = None):
    """Cardinal's ``indicators`` output for an iterable of compiled releases (parsed JSON)."""
    partial = Partial()
    fold = make_fold(settings, partial, maps=maps)
    for release in releases:
        fold(from_dict(release))
    return finalize(partial, settings, meta=meta, maps=maps, skipped=skipped)


def run_lines(
    lines,
    settings: Settings,
    *,
    meta: bool = True,
    maps: bool = False,
    skipped: Skipped | None = None,
    errors: list | None = None,
    strict: bool = False,
):
    """Cardinal's ``indicators`` output for lines of JSON text (bytes or str), e.g. standard input."""
    partial = Partial()
    fold = make_fold(settings, partial, maps=maps)
    for number, line in enumerate(lines, start=1):
        try:
            release = parse(line)
        except orjson.JSONDecodeError as exc:
            if line.strip():
                error = LineError(number, str(exc))
                if strict:
                    raise BrokenLineError(error)
                if errors is not None:
                    errors.append(error)
        else:
            fold(release)
    return finalize(partial, settings, meta=meta, maps=maps, skipped=skipped)


# --- From a file -----------------------------------------------------------------------------------


def run_file(
    path,
    settings: Settings,
    *,
    meta: bool = True,
    maps: bool = False,
    skipped: Skipped | None = None,
    errors: list | None = None,
    strict: bool = False,
    workers: int | None = None,
):
    """Cardinal's ``indicators`` output for a JSON-lines file of compiled releases.

    Broken lines are skipped and appended to ``errors`` as :class:`LineError` (or, if ``strict``,
    the first one raises :class:`BrokenLineError`). ``workers`` defaults to the number of cores (at
    most 2, what the benchmark machine has); small files are read in this process.
    """
    path = os.fspath(path)
    size = os.path.getsize(path)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if workers <= 1 or size < SMALL_FILE:
        parts = [(0, size)]
    else:
        parts = _cut(path, size, workers * PARTS_PER_WORKER)
    jobs = [(path, start, end, settings, maps, strict, None) for start, end in parts]

    total = Partial()
    if maps:
        total.maps = {key: {} for key in MAP_KEYS}
    main_currency = settings.currency
    lines_before = 0

    def take(result, job):
        nonlocal main_currency, lines_before
        partial, lines, line_errors = result
        if settings.currency is None and partial.currency_seen:
            if main_currency is None:
                main_currency = partial.currency
            elif partial.currency != main_currency:
                partial, lines, line_errors = _fold_part((*job[:-1], main_currency))
        for number, message in line_errors:
            error = LineError(lines_before + number, message)
            if strict:
                raise BrokenLineError(error)
            if errors is not None:
                errors.append(error)
        lines_before += lines
        total.merge(partial)

    if len(jobs) == 1:
        take(_fold_part(jobs[0]), jobs[0])
    else:
        # This process folds the first part while the others fold the rest: one result fewer to
        # pickle and no core left waiting.
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers, len(jobs)) - 1 or 1) as pool:
            pending = pool.map_async(_fold_part, jobs[1:], chunksize=1)
            take(_fold_part(jobs[0]), jobs[0])
            for job, result in zip(jobs[1:], pending.get(), strict=True):
                take(result, job)
    total.currency = main_currency
    return finalize(total, settings, meta=meta, maps=maps, skipped=skipped)


def _cut(path: str, size: int, count: int) -> list[tuple[int, int]]:
    """About ``count`` byte ranges of the file, each starting at the start of a line."""
    starts = [0]
    with open(path, "rb") as handle:
        for index in range(1, count):
            handle.seek(size * index // count)
            handle.readline()
            position = handle.tell()
            if position >= size:
                break
            if position > starts[-1]:
                starts.append(position)
    return list(zip(starts, [*starts[1:], size], strict=True))


def _fold_part(job):
    """Parse and fold the lines of one byte range; returns (partial, number of lines, errors)."""
    path, start, end, settings, maps, strict, currency = job
    partial = Partial(currency)
    fold = make_fold(settings, partial, maps=maps)
    budget = end - start
    # Parsed JSON holds no reference cycles: the cycle collector would only walk the growing sums.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _fold_lines(path, start, budget, fold, partial, strict=strict)
    finally:
        if collecting:
            gc.enable()


def parse(line, *, decode=decoder.decode, loads=orjson.loads):
    """One line as a :class:`~.release.Release` (or the other JSON value it holds).

    msgspec reads the fields the indicators need (see :mod:`.release`). Whatever it refuses, orjson
    parses whole, as before, and raises its own error for a broken line; a line that is not valid
    UTF-8 goes that way too, since msgspec does not check the text of the fields it skips.
    """
    if type(line) is bytes and (line.isascii() or _is_utf8(line)):
        with contextlib.suppress(Exception):  # msgspec's errors, its nesting limit: orjson decides
            return decode(line)
    return from_dict(loads(line))


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode()
    except UnicodeDecodeError:
        return False
    return True


def _fold_lines(path, start, budget, fold, partial, *, strict):
    decode = decoder.decode
    decode_error = orjson.JSONDecodeError
    line_errors = []
    lines = 0
    with open(path, "rb") as handle:
        handle.seek(start)
        for line in handle:
            lines += 1
            # The common case inline (an ASCII line msgspec reads); anything else through parse().
            release = None
            if line.isascii():
                try:
                    release = decode(line)
                except Exception:  # what msgspec refuses goes through parse()
                    release = None
            if release is None:
                try:
                    release = parse(line)
                except decode_error as error:
                    if line.strip():
                        line_errors.append((lines, str(error)))
                        if strict:
                            break
                    release = None
            fold(release)
            budget -= len(line)
            if budget <= 0:
                break
    partial.compact()
    return partial, lines, line_errors


# --- Quartiles, fences and the output --------------------------------------------------------------


def finalize(partial: Partial, settings: Settings, *, meta: bool = True, maps: bool = False, skipped=None) -> dict:
    """Cardinal's ``finalize`` of every indicator, then its JSON output as a dict."""
    partial.compact()
    enabled = settings.indicators
    results = {"OCID": partial.ocid, "Buyer": {}, "ProcuringEntity": {}, "Tenderer": partial.tenderer}
    meta_block = {}
    the_maps = partial.maps

    def put(group: str, key: str, code: str, value: float) -> None:
        entry = results[group].get(key)
        if entry is None:
            results[group][key] = {code: value}
        else:
            entry[code] = value

    if "R024" in enabled or "R058" in enabled:
        ocids = list(partial.ratios)
        triples = list(partial.ratios.values())
        ratios = np.fromiter((triple[0] for triple in triples), dtype=np.float64, count=len(triples))
        if "R024" in enabled:
            threshold = settings.option("R024", "threshold")
            block = {}
            if threshold is None:
                q1, q3 = stats.quartiles(ratios)
                block = {"q1": q1, "q3": q3}
                fence = stats.lower_fence(q1, q3)
            else:
                fence, q1 = float(threshold), 1.0  # Cardinal's dummy Q1 to pass the guard
            block["lower_fence"] = fence
            meta_block["R024"] = block
            # Skip when Q1 and the fence are 0: otherwise 75 % of processes would be flagged.
            if q1 > 0.0 and fence > 0.0:
                for index in np.flatnonzero(ratios <= fence):
                    ocid = ocids[index]
                    ratio, winner, second = triples[index]
                    put("OCID", ocid, "R024", ratio)
                    for key in (winner, second):
                        put("Tenderer", key, "R024", 0.0)
                        if maps:
                            the_maps["ocid_tenderer_r024"].setdefault(ocid, set()).add(key)
        if "R058" in enabled:
            threshold = settings.option("R058", "threshold")
            block = {}
            if threshold is None:
                q1, q3 = stats.quartiles(ratios)
                block = {"q1": q1, "q3": q3}
                fence = stats.upper_fence(q1, q3)
            else:
                fence = float(threshold)
            block["upper_fence"] = fence
            meta_block["R058"] = block
            if fence > 0.0:
                for index in np.flatnonzero(ratios >= fence):
                    ocid = ocids[index]
                    ratio, winner, _second = triples[index]
                    put("OCID", ocid, "R058", ratio)
                    put("Tenderer", winner, "R058", 0.0)
                    if maps:
                        the_maps["ocid_tenderer_r058"].setdefault(ocid, set()).add(winner)

    if "R025" in enabled:
        keys = list(partial.r025)
        fractions = np.array(list(partial.r025.values()), dtype=np.float64).reshape(-1, 2)
        denominators = fractions[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            values = fractions[:, 0] / denominators
        upper = stats.quantile(denominators, settings.option("R025", "percentile", 75) / 100.0)
        threshold = settings.option("R025", "threshold")
        block = {}
        if threshold is None:
            q1, q3 = stats.quartiles(values)
            block = {"q1": q1, "q3": q3}
            lower = stats.lower_fence(q1, q3)
        else:
            lower, q1 = float(threshold), 1.0
        block["upper_fence"] = upper
        block["lower_fence"] = lower
        meta_block["R025"] = block
        # Skip when 75 % of tenderers never win: otherwise most top tenderers would be flagged.
        if q1 > 0.0 and lower > 0.0:
            for index in np.flatnonzero((denominators >= upper) & (values <= lower)):
                put("Tenderer", keys[index], "R025", float(values[index]))

    if "R038" in enabled:
        threshold = settings.option("R038", "threshold")
        minimum_processes = settings.option("R038", "minimum_contracting_processes", 2)
        minimum_bids = settings.option("R038", "minimum_submitted_bids", 2)
        block = {}
        for group, sums, minimum in (
            ("Buyer", partial.r038_buyer, minimum_processes),
            ("ProcuringEntity", partial.r038_procuring_entity, minimum_processes),
            ("Tenderer", partial.r038_tenderer, minimum_bids),
        ):
            ratios_by_key = {key: n / d for key, (n, d) in sums.items() if d >= minimum}
            if not ratios_by_key:
                continue
            if threshold is None:
                q1, q3 = stats.quartiles(np.fromiter(ratios_by_key.values(), np.float64, len(ratios_by_key)))
                block[f"{group}_q1"] = q1
                block[f"{group}_q3"] = q3
                fence = stats.upper_fence(q1, q3)
            else:
                fence = float(threshold)
            block[f"{group}_upper_fence"] = fence
            # Skip when 75 % have no disqualified bids: otherwise 75 % would be flagged.
            if fence > 0.0:
                for key, ratio in ratios_by_key.items():
                    if ratio >= fence:
                        put(group, key, "R038", ratio)
        if block:
            meta_block["R038"] = block

    if "R048" in enabled:
        minimum = settings.option("R048", "minimum_contracting_processes", 20)
        lengths = {key: float(len(codes)) for key, (count, codes) in partial.r048.items() if count >= minimum}
        threshold = settings.option("R048", "threshold")
        block = {}
        if threshold is None:
            q1, q3 = stats.quartiles(np.fromiter(lengths.values(), np.float64, len(lengths)))
            block = {"q1": q1, "q3": q3}
            fence = stats.upper_fence(q1, q3)
        else:
            fence = float(threshold)
        block["upper_fence"] = fence
        meta_block["R048"] = block
        for key, length in lengths.items():
            if length >= fence:
                put("Tenderer", key, "R048", length)

    output = {group: results[group] for group in GROUPS if results[group]}
    if meta:
        output["Meta"] = {
            code: {key: stats.round4(value) for key, value in block.items()} for code, block in meta_block.items()
        }
    if maps:
        the_maps = the_maps or {key: {} for key in MAP_KEYS}
        output["Maps"] = {
            key: (
                dict(the_maps[key])
                if key.startswith("ocid_buyer") or key.startswith("ocid_procuringentity")
                else {ocid: sorted(ids) for ocid, ids in the_maps[key].items()}
            )
            for key in MAP_KEYS
        }
    if skipped is not None:
        for reason in SKIP_REASONS:
            skipped.ocids[reason] = list(partial.skipped[reason])
            skipped.codes[reason] = {ocid: sorted(codes or ()) for ocid, codes in partial.skipped[reason].items()}
        skipped.currency = partial.currency
    return output


def dumps(output: dict) -> bytes:
    """The output as Cardinal prints it: compact JSON, ``1.0`` for whole floats, ``null`` for NaN."""
    return orjson.dumps(output)


def counts(output: dict) -> list[tuple[str, int]]:
    """What ``--count`` prints: the number of results per group."""
    return [(group, len(output[group])) for group in GROUPS if group in output]
