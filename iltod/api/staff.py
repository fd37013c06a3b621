"""Staff endpoints: the inbox, a case with its internal timeline, and the handling actions.

Callers are people who handle feedback (session) or an organisation's API key. Items are fetched
through ``Principal`` (404 for anything not visible); each action checks the right to act (403),
validates the body (400) and calls the feedback service, exactly as the web case page does.
The reporter's identity is never part of the API.
"""

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from iltod.feedback import services
from iltod.feedback.models import Feedback
from iltod.feedback.permissions import can_oversee

from .access import Principal
from .fields import CODE_PATTERN
from .filters import StaffFeedbackFilter
from .permissions import HandlesFeedback
from .serializers import (
    AssignSerializer,
    ReferSerializer,
    ResponseSerializer,
    StaffFeedbackDetailSerializer,
    StaffFeedbackSerializer,
    StatusChangeSerializer,
)

NOT_HANDLER = _("Only the organisation that handles this item can do this.")
NOT_OVERSEER = _("Only the organisation that oversees this item, or to which it was escalated, can do this.")


class NoBodySerializer(serializers.Serializer):
    """An action that takes no data."""


def _action_schema(summary: str, request):
    return extend_schema(summary=summary, tags=["staff"], request=request, responses=StaffFeedbackDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary="Inbox: feedback your organisation handles or oversees", tags=["staff"]),
    retrieve=extend_schema(summary="A case with its internal timeline", tags=["staff"]),
)
class StaffFeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [HandlesFeedback]
    lookup_field = "tracking_code"
    lookup_value_regex = CODE_PATTERN
    filterset_class = StaffFeedbackFilter

    @cached_property
    def principal(self) -> Principal:
        return Principal.from_request(self.request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return Feedback.objects.none()
        queryset = self.principal.feedback().select_related(
            "category", "service_unit", "admin_unit", "handling_organization", "escalated_to", "assigned_to"
        )
        if self.action != "list":
            queryset = queryset.select_related("duplicate_of")
        return queryset

    def get_serializer_class(self):
        return StaffFeedbackSerializer if self.action == "list" else StaffFeedbackDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "principal": self.principal}

    def get_object(self):
        return self.principal.get_feedback(self.kwargs["tracking_code"], self.get_queryset())

    def _act(self, serializer_class, run, *, needs_handler=lambda data: True):
        feedback = self.get_object()
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        if needs_handler(serializer.validated_data) and not self.principal.can_handle(feedback):
            raise exceptions.PermissionDenied(NOT_HANDLER)
        run(feedback, serializer.validated_data, self.principal.service_actor())
        # Fresh from the database; after a referral the caller may no longer see the item, but
        # still gets the state it has just produced.
        feedback = Feedback.objects.select_related(
            "category",
            "service_unit",
            "admin_unit",
            "handling_organization",
            "escalated_to",
            "assigned_to",
            "duplicate_of",
        ).get(pk=feedback.pk)
        return Response(StaffFeedbackDetailSerializer(feedback, context=self.get_serializer_context()).data)

    @_action_schema("Change the status", StatusChangeSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, tracking_code=None):
        return self._act(
            StatusChangeSerializer,
            lambda feedback, data, actor: services.change_status(
                feedback, data["status"], actor=actor, text=data["text"]
            ),
        )

    @_action_schema("Respond publicly, or add an internal note", ResponseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, tracking_code=None):
        # An internal note only needs to see the item (as the oversight body may); a public
        # response is the handling organisation's.
        return self._act(
            ResponseSerializer,
            lambda feedback, data, actor: services.respond(
                feedback, actor=actor, text=data["text"], public=data["public"]
            ),
            needs_handler=lambda data: data["public"],
        )

    @_action_schema("Assign to a person of the handling organisation", AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, tracking_code=None):
        def run(feedback, data, actor):
            assignee = None
            if data["assignee"]:
                assignee = get_user_model().objects.filter(email__iexact=data["assignee"], is_active=True).first()
                if assignee is None:
                    raise exceptions.ValidationError(
                        {"assignee": [_("This person does not handle feedback for the handling organisation.")]}
                    )
            services.assign(feedback, actor=actor, assignee=assignee)

        return self._act(AssignSerializer, run)

    @_action_schema("Refer to another organisation", ReferSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request, tracking_code=None):
        return self._act(
            ReferSerializer,
            lambda feedback, data, actor: services.refer(
                feedback, actor=actor, organization=data["organization"], reason=data["reason"]
            ),
        )

    def _oversee(self, run):
        feedback = self.get_object()
        if not can_oversee(self.principal.actor, feedback):
            raise exceptions.PermissionDenied(NOT_OVERSEER)
        return self._act(NoBodySerializer, run, needs_handler=lambda data: False)

    @_action_schema("Take the item over (the oversight body becomes its handler)", NoBodySerializer)
    @action(detail=True, methods=["post"], url_path="take-over")
    def take_over(self, request, tracking_code=None):
        return self._oversee(lambda feedback, data, actor: services.take_over(feedback, actor=actor, request=request))

    @_action_schema("Escalate the item one level above the oversight body", NoBodySerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, tracking_code=None):
        return self._oversee(lambda feedback, data, actor: services.escalate(feedback, actor=actor, request=request))
