"""The back office for disclosure: one module per part, imported here so that Django registers it."""

from . import budgets, facility_data, obligations, projects  # noqa: F401
