"""The back office for learning: one module per part, imported here so that Django registers it."""

from . import competencies, library, profiles, strategy, trainings  # noqa: F401
