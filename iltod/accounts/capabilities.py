"""The one place where capabilities and the roles that grant them are defined.

A membership (user × organisation × role) carries one boolean per capability. Choosing a role
fills in its defaults; an organisation admin may then switch single capabilities on or off.
Code asks ``membership.has(Capability.HANDLE_FEEDBACK)`` or the helpers in ``permissions.py``,
never the role name.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    MANAGE_MEMBERS = "can_manage_members", _("manage the organisation's members")
    EDIT_PROFILE = "can_edit_profile", _("edit the organisation's profile and facilities")
    HANDLE_FEEDBACK = "can_handle_feedback", _("handle feedback")
    VIEW_REPORTER_IDENTITY = "can_view_reporter_identity", _("see who reported (confidential)")
    PUBLISH = "can_publish", _("publish disclosures and data")
    COORDINATE_GROUPS = "can_coordinate_groups", _("coordinate multi-stakeholder groups")
    RUN_SCORECARDS = "can_run_scorecards", _("run community score cards")
    MANAGE_NETWORK = "can_manage_network", _("manage the network and learning")
    VIEW_STATISTICS = "can_view_statistics", _("see internal statistics and exports")
    MONITOR_PROCUREMENT = "can_monitor_procurement", _("monitor procurement and open monitoring cases")
    MANAGE_RESULTS = "can_manage_results", _("manage the results framework and its actuals")


class Role(models.TextChoices):
    ADMIN = "admin", _("organisation administrator")  # everything in the organisation
    OFFICER = "officer", _("officer")  # handles feedback for the organisation's area
    CASE_MANAGER = "case_manager", _("case manager")  # officer who may see confidential identities
    PROVIDER_STAFF = "provider_staff", _("service provider staff")  # answers for own facility
    MONITOR = "monitor", _("monitor / facilitator")  # CSO field work: score cards, monitoring
    COORDINATOR = "coordinator", _("group coordinator")  # runs a multi-stakeholder group
    NETWORK_ADMIN = "network_admin", _("network administrator")
    ANALYST = "analyst", _("M&E officer / analyst")  # reads statistics and exports
    MEMBER = "member", _("member")  # belongs, no special rights


ROLE_CAPABILITIES: dict[str, set[str]] = {
    Role.ADMIN: set(Capability.values),
    Role.OFFICER: {Capability.HANDLE_FEEDBACK, Capability.PUBLISH, Capability.VIEW_STATISTICS},
    Role.CASE_MANAGER: {
        Capability.HANDLE_FEEDBACK,
        Capability.VIEW_REPORTER_IDENTITY,
        Capability.VIEW_STATISTICS,
    },
    Role.PROVIDER_STAFF: {Capability.HANDLE_FEEDBACK, Capability.PUBLISH, Capability.EDIT_PROFILE},
    Role.MONITOR: {Capability.RUN_SCORECARDS, Capability.MONITOR_PROCUREMENT, Capability.VIEW_STATISTICS},
    Role.COORDINATOR: {
        Capability.COORDINATE_GROUPS,
        Capability.RUN_SCORECARDS,
        Capability.VIEW_STATISTICS,
    },
    Role.NETWORK_ADMIN: {
        Capability.MANAGE_NETWORK,
        Capability.MANAGE_MEMBERS,
        Capability.EDIT_PROFILE,
        Capability.VIEW_STATISTICS,
    },
    Role.ANALYST: {Capability.VIEW_STATISTICS, Capability.MANAGE_RESULTS},
    Role.MEMBER: set(),
}
