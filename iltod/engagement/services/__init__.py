"""Every change to engagement records: atomic, audited, side effects on commit.

Split by subject: ``groups`` (groups, members, meetings, attendance, local issues, evidence,
prioritisation, projects) and ``plans`` (joint action plans, actions, updates and their approval,
outcome stories, overdue reminders). Import from here: ``from iltod.engagement import services``.
"""

from .groups import *  # noqa: F403
from .plans import *  # noqa: F403
