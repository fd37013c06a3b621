"""Every change to learning records: atomic, audited, side effects on commit. Split by part
(docs/learning.md); import from here: ``from iltod.learning import services``."""

from .library import *  # noqa: F403
from .resources import *  # noqa: F403
from .strategy import *  # noqa: F403
from .trainings import *  # noqa: F403
