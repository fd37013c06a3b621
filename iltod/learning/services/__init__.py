"""Every change to learning records: atomic, audited, side effects on commit. Split by part
(docs/learning.md); import from here: ``from iltod.learning import services``."""

from .trainings import *  # noqa: F403
