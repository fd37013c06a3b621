"""Learning's models, one module per part (docs/learning.md): member profiles, the competency
framework and assessments, trainings and people, the network's strategic plan, the library of
lessons and the network's resources. Each module is imported here so that Django finds its models."""

from .competencies import *  # noqa: F403
from .library import *  # noqa: F403
from .profiles import *  # noqa: F403
from .strategy import *  # noqa: F403
from .trainings import *  # noqa: F403
