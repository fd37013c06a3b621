"""Procurement red flags with exactly the semantics of the Open Contracting Partnership's Cardinal.

The engine needs no database: it reads compiled releases (dicts, or a JSON-lines file) and a
:class:`Settings` (Cardinal's INI file) and returns the dict Cardinal's ``indicators`` command
prints. See docs/procurement.md, "Red flags".
"""

from .engine import SKIP_REASONS
from .explain import explain, title
from .runner import BrokenLineError, LineError, Skipped, counts, dumps, finalize, run, run_file, run_lines
from .settings import INDICATORS, Settings, SettingsError

__all__ = [
    "INDICATORS",
    "SKIP_REASONS",
    "BrokenLineError",
    "LineError",
    "Settings",
    "SettingsError",
    "Skipped",
    "counts",
    "dumps",
    "explain",
    "finalize",
    "run",
    "run_file",
    "run_lines",
    "title",
]
