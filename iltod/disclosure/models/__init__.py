"""Disclosure's models, one module per part of the module (docs/disclosure.md):
obligations and compliance, facility data that citizens check, budgets and transfers, Local
Development Fund projects. Each module is imported here so that Django finds its models."""

from .budgets import *  # noqa: F403
from .facility_data import *  # noqa: F403
from .obligations import *  # noqa: F403
from .projects import *  # noqa: F403
