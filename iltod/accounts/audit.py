"""The one list of what the audit log records.

Every ``log_event`` call names a member of ``AuditAction``; ``log_event`` refuses any other
value (it raises outside production and logs an error in production, so that a forgotten member
never loses the event). The values are the strings stored in ``AuditEvent.action``: renaming one
needs a data migration, adding one does not. The label is what the back office and the
histories show.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # --- sign-in and two-step verification (accounts.views)
    LOGIN = "auth.login", _("Signed in")  # password accepted (and the second step, when it is on)
    LOGOUT = "auth.logout", _("Signed out")
    SECOND_FACTOR_FAILED = "auth.second_factor_failed", _("Wrong verification code")  # actor: nobody yet
    SECOND_FACTOR_ENABLED = "auth.second_factor_enabled", _("Two-step verification switched on")
    SECOND_FACTOR_DISABLED = "auth.second_factor_disabled", _("Two-step verification switched off")

    # --- accounts, memberships and API keys (accounts, organizations)
    ACCOUNT_CREATED = "account.created", _("Account created")  # by an organisation for a new member
    MEMBERSHIP_GRANTED = "membership.granted", _("Membership granted")
    MEMBERSHIP_CHANGED = "membership.changed", _("Membership changed")  # role, title or capabilities
    MEMBERSHIP_REVOKED = "membership.revoked", _("Membership revoked")
    API_KEY_CREATED = "api_key.created", _("API key created")
    API_KEY_REVOKED = "api_key.revoked", _("API key revoked")
    NETWORK_MEMBER_ADDED = "network.member_added", _("Organisation added to the network")
    NETWORK_MEMBER_REMOVED = "network.member_removed", _("Organisation removed from the network")

    # --- reference data imports (places)
    ADMIN_UNITS_IMPORTED = "places.admin_units_imported", _("Administrative units imported")
    FACILITIES_IMPORTED = "places.facilities_imported", _("Facilities imported")

    # --- feedback (what its own timeline does not hold, or holds for the citizen)
    FEEDBACK_TAKEN_OVER = "feedback.taken_over", _("Feedback taken over")  # by the oversight body
    FEEDBACK_ESCALATED = "feedback.escalated", _("Feedback escalated")  # by staff, not by the deadline job
    FEEDBACK_MODERATED = "feedback.moderated", _("Feedback text moderated")
    FEEDBACK_EVENT_MODERATED = "feedback.event_moderated", _("Citizen's update moderated")
    FEEDBACK_IDENTITY_VIEWED = "feedback.identity_viewed", _("Reporter's identity viewed")  # a sensitive read
    FEEDBACK_INBOUND_RETRIED = "feedback.inbound_retried", _("Inbound message retried")  # SMS or KoBo

    # --- multi-stakeholder groups, meetings, issues, projects (engagement.services.groups)
    GROUP_CREATED = "engagement.group_created", _("Group created")
    GROUP_UPDATED = "engagement.group_updated", _("Group details changed")
    MEMBER_ADDED = "engagement.member_added", _("Member added")
    MEMBER_UPDATED = "engagement.member_updated", _("Member changed")
    MEMBER_LEFT = "engagement.member_left", _("Member left")
    MEETING_CREATED = "engagement.meeting_created", _("Meeting created")
    MEETING_UPDATED = "engagement.meeting_updated", _("Meeting changed")
    ATTENDANCE_RECORDED = "engagement.attendance_recorded", _("Attendance recorded")
    ATTENDANCE_COUNTED = "engagement.attendance_counted", _("Participants counted")  # counts, no names
    GUEST_ADDED = "engagement.guest_added", _("Guest added")
    ATTENDEE_REMOVED = "engagement.attendee_removed", _("Participant removed")
    DOCUMENT_ADDED = "engagement.document_added", _("Document added")
    DOCUMENT_REMOVED = "engagement.document_removed", _("Document removed")
    ISSUE_CREATED = "engagement.issue_created", _("Issue raised")
    ISSUE_UPDATED = "engagement.issue_updated", _("Issue changed")
    ISSUE_RANKED = "engagement.issue_ranked", _("Issue ranked")  # after a prioritisation vote
    EVIDENCE_ADDED = "engagement.evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "engagement.evidence_removed", _("Evidence removed")
    VOTES_RECORDED = "engagement.votes_recorded", _("Prioritisation votes recorded")
    PROJECT_CREATED = "engagement.project_created", _("Project created")
    PROJECT_UPDATED = "engagement.project_updated", _("Project changed")

    # --- joint action plans (engagement.services.plans)
    PLAN_CREATED = "engagement.plan_created", _("Plan created")
    PLAN_EDITED = "engagement.plan_edited", _("Plan edited")
    PLAN_STATUS = "engagement.plan_status", _("Plan status changed")  # also set by an approved update
    ACTION_ADDED = "engagement.action_added", _("Action added")
    ACTION_EDITED = "engagement.action_edited", _("Action edited")
    ACTION_REMINDED = "engagement.action_reminded", _("Overdue reminder sent")  # by the periodic job
    UPDATE_POSTED = "engagement.update_posted", _("Update posted")
    UPDATE_APPROVED = "engagement.update_approved", _("Update approved")  # maker-checker
    UPDATE_REJECTED = "engagement.update_rejected", _("Update rejected")
    STORY_ADDED = "engagement.story_added", _("Outcome story added")

    # --- community score cards (scorecards.services)
    CYCLE_CREATED = "scorecards.cycle_created", _("Score card cycle started")
    CYCLE_PLAN_CHANGED = "scorecards.plan_changed", _("Stage dates planned")
    STAGE_CHANGED = "scorecards.stage_changed", _("Moved to the next stage")
    STAGE_SKIPPED = "scorecards.stage_skipped", _("Stage skipped")  # with a reason
    INDICATOR_ADDED = "scorecards.indicator_added", _("Indicator added")
    INPUT_RECORDED = "scorecards.input_recorded", _("Input recorded")  # input tracking
    FOCUS_GROUP_ADDED = "scorecards.group_added", _("Focus group added")
    SCORES_SAVED = "scorecards.scores_saved", _("Scores entered")
    SHEET_SUBMITTED = "scorecards.sheet_submitted", _("Sheet sent for approval")
    SHEET_APPROVED = "scorecards.sheet_approved", _("Sheet approved")
    SHEET_RETURNED = "scorecards.sheet_returned", _("Sheet returned for correction")
    INTERFACE_MEETING_HELD = "scorecards.interface_meeting_held", _("Interface meeting held and action plan created")

    # --- disclosure obligations and compliance (disclosure.services.obligations)
    DISCLOSURE_PUBLISHED = "disclosure.published", _("Disclosure published")  # on time or late
    DISCLOSURE_REPLACED = "disclosure.replaced", _("Published disclosure replaced")
    DISCLOSURE_EXPLAINED = "disclosure.explained", _("Late disclosure explained")  # public
    DISCLOSURE_EVENT_RECORDED = "disclosure.event_recorded", _("Event to disclose recorded")
    DISCLOSURE_REMINDED = "disclosure.reminded", _("Disclosure reminder sent")  # by the periodic job

    # --- facility data that citizens check (disclosure.services.facility_data)
    FACILITY_VALUES_PUBLISHED = "disclosure.values_published", _("Facility data published")  # form or API
    FACILITY_VALUES_IMPORTED = "disclosure.values_imported", _("Facility data imported")  # a file
    FACILITY_VALUE_CHECKED = "disclosure.value_checked", _("Facility data confirmed or disputed")
    FACILITY_CHECK_MODERATED = "disclosure.check_moderated", _("Check of facility data moderated")
    FACILITY_VALUE_CORRECTED = "disclosure.value_corrected", _("Facility data corrected after a dispute")
    VALIDATION_CAMPAIGN_CREATED = "disclosure.campaign_created", _("Validation campaign created")
    VALIDATION_VOLUNTEER_ASSIGNED = "disclosure.volunteer_assigned", _("Volunteer assigned to a facility")

    # --- budgets, transfers and Local Development Fund projects (disclosure.services.budgets, .projects)
    BUDGET_LINES_IMPORTED = "disclosure.budget_imported", _("Budget lines imported")  # a file or a fiscal data package
    TRANSFERS_IMPORTED = "disclosure.transfers_imported", _("Transfers imported")
    LDF_PROJECTS_IMPORTED = "disclosure.ldf_imported", _("Local Development Fund projects imported")
    LDF_PROJECT_SAVED = "disclosure.ldf_saved", _("Local Development Fund project saved")  # form or API
    LDF_MILESTONE_ADDED = "disclosure.ldf_milestone", _("Project milestone recorded")
    LDF_REPORT_SUBMITTED = "disclosure.ldf_report", _("Citizen's project report received")
    LDF_REPORT_MODERATED = "disclosure.ldf_report_moderated", _("Citizen's project report moderated")

    # --- procurement monitoring (procurement.services)
    OCDS_IMPORTED = "procurement.imported", _("OCDS file imported")  # or refused, with its report
    PARTY_LINKED = "procurement.party_linked", _("Procurement party linked to an organisation")
    FLAG_SETTINGS_CHANGED = "procurement.flag_settings", _("Red flag settings changed")
    PROCESS_FEEDBACK = "procurement.feedback", _("Feedback on a contracting process")
    CASE_OPENED = "procurement.case_opened", _("Monitoring case opened")
    CASE_STEP_ADDED = "procurement.case_step", _("Monitoring case step added")
    CASE_STEP_MODERATED = "procurement.case_step_moderated", _("Monitoring case step moderated")

    # --- learning: network members, profiles, competency framework, assessments (learning.services)
    NETWORK_MEMBER_SUSPENDED = "network.member_suspended", _("Network member suspended")  # with a reason
    NETWORK_MEMBER_REINSTATED = "network.member_reinstated", _("Network member reinstated")
    SUBNETWORK_CREATED = "network.subnetwork_created", _("Subnetwork created")
    PROFILE_SUBMITTED = "learning.profile_submitted", _("Organisation profile submitted for validation")
    PROFILE_VALIDATED = "learning.profile_validated", _("Organisation profile validated")  # maker-checker
    PROFILE_RETURNED = "learning.profile_returned", _("Organisation profile returned")  # with a reason
    FRAMEWORK_CHANGED = "learning.framework_changed", _("Competency framework changed")
    FRAMEWORK_VERSIONED = "learning.framework_versioned", _("Competency framework version created")
    ASSESSMENT_ROUND_CREATED = "learning.round_created", _("Assessment round created")
    ASSESSMENT_SUBMITTED = "learning.assessment_submitted", _("Learning-needs assessment submitted")
    CAPACITY_RECORDED = "learning.capacity_recorded", _("Organisational capacity recorded")
    ASSESSMENT_INVITED = "learning.assessment_invited", _("Person invited to an assessment round")

    # --- learning: trainings and people, strategic plan, library, resources (learning.services)
    TRAINING_CREATED = "learning.training_created", _("Training created")
    TRAINING_UPDATED = "learning.training_updated", _("Training changed")
    TRAINING_SESSION_ADDED = "learning.session_added", _("Training session added")
    TRAINING_REGISTERED = "learning.registered", _("Participant registered for a training")
    TRAINING_ATTENDANCE = "learning.attendance", _("Training attendance recorded")
    TRAINING_SHEET_ENTERED = "learning.sheet_entered", _("Sign-in sheet entered")
    TRAINING_SCORES = "learning.scores", _("Test scores entered")
    CERTIFICATE_ISSUED = "learning.certificate_issued", _("Certificate issued")
    FOLLOW_UP_RECORDED = "learning.follow_up", _("Training follow-up recorded")
    TRAINING_REMINDED = "learning.reminded", _("Training reminder sent")  # by the periodic job
    PERSON_UPDATED = "learning.person_updated", _("Participant's details changed")
    PEOPLE_MERGED = "learning.people_merged", _("Duplicate participants merged")
    STRATEGY_CHANGED = "learning.strategy_changed", _("Strategic plan changed")
    STRATEGY_REVIEWED = "learning.strategy_reviewed", _("Strategic plan reviewed")
    LIBRARY_SAVED = "learning.library_saved", _("Library item saved")
    LIBRARY_REVIEWED = "learning.library_reviewed", _("Library item reviewed")
    RESOURCE_SAVED = "learning.resource_saved", _("Resource recorded")

    # --- results: framework, targets and actuals, subscriptions (results.services)
    RESULTS_FRAMEWORK_CHANGED = "results.framework_changed", _("Results framework changed")  # a new version
    RESULTS_TARGET_SET = "results.target_set", _("Indicator target set")
    RESULTS_ACTUAL_SUBMITTED = "results.actual_submitted", _("Manual actual submitted")  # maker
    RESULTS_ACTUAL_REVIEWED = "results.actual_reviewed", _("Manual actual approved or returned")  # checker
    RESULTS_RECOMPUTED = "results.recomputed", _("Computed actuals and ranking recomputed")
