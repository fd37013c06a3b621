"""The open datasets: what the open data page lists and serves as CSV, XLSX and JSON.

A part of disclosure (or a module above it) registers a dataset once, in ``AppConfig.ready``::

    register_dataset("facility_values", label, rows, header, date)

- ``rows()`` yields the rows, lists in the order of ``header`` (a generator: large datasets are
  streamed, never held in memory);
- ``header`` is a list of column names (lazy translations are fine), or a function returning one;
- ``date()`` returns the date of the data (the last change), or None when there is none yet.

Registering the same code again replaces the dataset, so ``ready`` may run twice. Codes are
public (they name the files), lower case with underscores.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class Dataset:
    code: str
    label: object  # a lazy translation
    rows_function: Callable[[], Iterable[list]]
    header: object  # a list, or a function returning one
    date_function: Callable[[], object]
    description: object = ""

    def columns(self) -> list[str]:
        header = self.header() if callable(self.header) else self.header
        return [str(column) for column in header]

    def rows(self) -> Iterable[list]:
        return self.rows_function()

    def date(self):
        return self.date_function()


_DATASETS: dict[str, Dataset] = {}


def register_dataset(  # noqa: PLR0917 - the five of the docstring, in order, then the description
    code: str,
    label,
    rows_function: Callable[[], Iterable[list]],
    header,
    date_function: Callable[[], object],
    description="",
) -> None:
    if not CODE.match(code):
        raise ValueError(f"A dataset's code is lower case letters, digits and underscores, not {code!r}")
    _DATASETS[code] = Dataset(code, label, rows_function, header, date_function, description)


def datasets() -> list[Dataset]:
    return sorted(_DATASETS.values(), key=lambda dataset: dataset.code)


def get_dataset(code: str) -> Dataset | None:
    return _DATASETS.get(code)
