"""Back-office pages of records that hold a reporter's contact details (the outbox's recipients
and texts, the senders and payloads of inbound SMS and KoBo messages).

Lists and exports never show them unmasked. A record's page shows them only to people holding the
reporter-identity capability through a membership (a superuser without one sees them masked), and
each such view is an audited sensitive read; everyone else sees the masked form or nothing. Secret
links (``?key=``) are masked for everyone.
"""

from .audit import AuditAction
from .capabilities import Capability
from .permissions import memberships_with
from .services import log_event


def may_see_reporter_contacts(request) -> bool:
    """Only through a membership that holds the capability: being a superuser is not enough."""
    return memberships_with(request.user, Capability.VIEW_REPORTER_IDENTITY).exists()


class ReporterContactsAdminMixin:
    """``contact_fields``: the model's fields that identify a reporter, replaced in a record's
    page by ``masked_fields`` (display methods) for people without the capability. The page is
    read-only."""

    contact_fields: tuple[str, ...] = ()
    masked_fields: tuple[str, ...] = ()
    unmasked_fields: tuple[str, ...] = ()  # what holders see instead of the raw fields (e.g. links masked)
    audit_where = ""

    def get_fields(self, request, obj=None):
        others = [f.name for f in self.model._meta.fields if f.name not in {*self.contact_fields, "id"}]
        if may_see_reporter_contacts(request):
            return [*self.unmasked_fields, *others]
        return [*self.masked_fields, *others]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and may_see_reporter_contacts(request):
            record = self.get_object(request, object_id)
            if record is not None:
                log_event(
                    request.user,
                    AuditAction.FEEDBACK_IDENTITY_VIEWED,
                    record,
                    request=request,
                    sensitive_read=True,
                    where=self.audit_where,
                )
        return response

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
