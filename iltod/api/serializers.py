"""What the API shows and accepts. Objects are named by public codes only.

Public feedback follows the public pages' rules: no reporter details of any kind, the text only
when moderation published it (the masked ``public_description``), duplicates never listed.
Staff feedback adds the internal fields and timeline, but never the reporter's identity: reading
it stays a web-only, audited action.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iltod.feedback.models import Category, Event, Feedback, Kind
from iltod.lib.phones import normalize_phone
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

from .fields import CodeRelatedField


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


# ---------------------------------------------------------------------------------------------
# Reference data


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "name_mn", "name_en"]


class CategorySerializer(serializers.ModelSerializer):
    sector = CodeRelatedField(read_only=True)

    class Meta:
        model = Category
        fields = ["code", "sector", "name", "name_mn", "name_en", "description"]


class AdminUnitSerializer(serializers.ModelSerializer):
    parent = CodeRelatedField(read_only=True, allow_null=True, help_text=_("Code of the unit above this one."))
    url = serializers.SerializerMethodField(help_text=_("The unit's public page."))

    class Meta:
        model = AdminUnit
        fields = [
            "code",
            "level",
            "name",
            "name_mn",
            "name_en",
            "parent",
            "iso_3166_2",
            "centre_name",
            "latitude",
            "longitude",
            "valid_from",
            "valid_to",
            "url",
        ]

    def get_url(self, unit) -> str:
        return _absolute(self.context, unit.get_absolute_url())


class AdminUnitDetailSerializer(AdminUnitSerializer):
    boundary = serializers.JSONField(
        read_only=True, allow_null=True, help_text=_("GeoJSON Polygon or MultiPolygon (WGS84), when known.")
    )

    class Meta(AdminUnitSerializer.Meta):
        fields = [*AdminUnitSerializer.Meta.fields, "boundary"]


class FacilitySerializer(serializers.ModelSerializer):
    sector = CodeRelatedField(read_only=True)
    area = CodeRelatedField(
        source="admin_unit",
        read_only=True,
        help_text=_("Code of the soum, district, khoroo or bag where the facility is."),
    )
    operator = serializers.SerializerMethodField(help_text=_("Code of the operating organisation, when it is public."))
    url = serializers.SerializerMethodField(help_text=_("The facility's public page."))

    class Meta:
        model = ServiceUnit
        fields = [
            "code",
            "name",
            "name_mn",
            "name_en",
            "kind",
            "sector",
            "area",
            "address",
            "latitude",
            "longitude",
            "registry_code",
            "phone",
            "email",
            "operator",
            "is_active",
            "url",
        ]

    def get_operator(self, facility) -> str | None:
        operator = facility.operator
        return operator.code if operator is not None and operator.is_public and operator.is_active else None

    def get_url(self, facility) -> str:
        return _absolute(self.context, facility.get_absolute_url())


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text=_("Code of the organisation above this one, when public."))
    sectors = CodeRelatedField(many=True, read_only=True)
    home_area = CodeRelatedField(
        source="home_unit",
        read_only=True,
        allow_null=True,
        help_text=_("Code of the unit where the organisation is based."),
    )
    url = serializers.SerializerMethodField(help_text=_("The organisation's public page."))

    class Meta:
        model = Organization
        fields = [
            "code",
            "kind",
            "name",
            "name_mn",
            "name_en",
            "short_name",
            "parent",
            "sectors",
            "home_area",
            "mission",
            "year_founded",
            "size",
            "address",
            "email",
            "phone",
            "website",
            "url",
        ]

    def get_parent(self, organization) -> str | None:
        parent = organization.parent
        return parent.code if parent is not None and parent.is_public and parent.is_active else None

    def get_url(self, organization) -> str:
        return _absolute(self.context, organization.get_absolute_url())


# ---------------------------------------------------------------------------------------------
# Statistics


class StatisticsSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["national", "admin_unit", "facility", "organization"])
    code = serializers.CharField(allow_null=True, help_text=_("Code of the unit, facility or organisation."))
    year = serializers.IntegerField(allow_null=True, help_text=_("The year, or null for all years."))
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()
    resolved_percent = serializers.FloatField(allow_null=True)
    on_time_percent = serializers.FloatField(allow_null=True)
    median_days = serializers.IntegerField(allow_null=True, help_text=_("Median days from receipt to resolution."))
    rating_count = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True, help_text=_("Average rating of the answers, 1 to 5."))
    solved_yes = serializers.IntegerField(help_text=_("Ratings that said the problem was really solved."))


# ---------------------------------------------------------------------------------------------
# Public feedback


class PublicFeedbackSerializer(serializers.ModelSerializer):
    category = CodeRelatedField(read_only=True)
    sector = CodeRelatedField(source="category.sector", read_only=True)
    facility = CodeRelatedField(source="service_unit", read_only=True, allow_null=True)
    area = CodeRelatedField(source="admin_unit", read_only=True)
    description = serializers.SerializerMethodField(
        help_text=_("The moderated text, with personal details masked; null until it is published.")
    )
    resolve_due = serializers.SerializerMethodField(help_text=_("The answer is due by then (open items only)."))
    url = serializers.SerializerMethodField(help_text=_("The item's public page."))

    class Meta:
        model = Feedback
        fields = [
            "tracking_code",
            "kind",
            "category",
            "sector",
            "status",
            "facility",
            "area",
            "received_at",
            "resolve_due",
            "resolved_at",
            "description",
            "public_response",
            "rating",
            "url",
        ]

    def get_description(self, feedback) -> str | None:
        return feedback.public_body if feedback.shows_text_publicly else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_resolve_due(self, feedback):
        if not feedback.is_open or feedback.resolve_due is None:
            return None
        return serializers.DateTimeField().to_representation(feedback.resolve_due)

    def get_url(self, feedback) -> str:
        return _absolute(self.context, feedback.get_absolute_url())


class PublicEventSerializer(serializers.ModelSerializer):
    """A public timeline entry. Text written by the handling body is public; the citizen's own
    words (a rating's comment, an update) only once a moderator published them, masked; a
    reopening's reason never (``Event.public_body``)."""

    status = serializers.CharField(source="new_status", help_text=_("The status after this event, if it changed it."))
    organization = serializers.SerializerMethodField(help_text=_("Name of the organisation concerned."))
    text = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["type", "created_at", "status", "organization", "text"]

    def get_organization(self, event) -> str:
        return str(event.organization) if event.organization_id else ""

    def get_text(self, event) -> str:
        return event.public_body


class PublicFeedbackDetailSerializer(PublicFeedbackSerializer):
    handled_by = serializers.SerializerMethodField(help_text=_("Name of the organisation that handles it."))
    timeline = serializers.SerializerMethodField()

    class Meta(PublicFeedbackSerializer.Meta):
        fields = [*PublicFeedbackSerializer.Meta.fields, "handled_by", "timeline"]

    def get_handled_by(self, feedback) -> str:
        return str(feedback.handling_organization or "")

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, feedback):
        events = feedback.events.public().select_related("organization").order_by("created_at", "pk")
        for event in events:
            event.feedback = feedback
        return PublicEventSerializer(events, many=True, context=self.context).data


class SubmissionSerializer(serializers.Serializer):
    """New feedback, as on the web form. Name a facility, or a soum/district/khoroo/bag."""

    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    category = CodeRelatedField(
        queryset=Category.objects.filter(is_active=True).select_related("sector"),
        help_text=_("Category code (see /api/v1/categories/)."),
    )
    facility = CodeRelatedField(
        queryset=ServiceUnit.objects.active().select_related("admin_unit", "sector"),
        required=False,
        allow_null=True,
        help_text=_("Code of the facility the feedback is about."),
    )
    area = CodeRelatedField(
        queryset=AdminUnit.objects.current().exclude(
            level__in=[AdminUnit.Level.COUNTRY, AdminUnit.Level.CAPITAL, AdminUnit.Level.AIMAG]
        ),
        required=False,
        allow_null=True,
        help_text=_("Code of the soum, district, khoroo or bag, for feedback about a place without a facility."),
    )
    description = serializers.CharField(min_length=10, max_length=5000)
    location_text = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    privacy = serializers.ChoiceField(choices=Feedback.Privacy.choices, default=Feedback.Privacy.NAME_HIDDEN)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    notify = serializers.BooleanField(default=True, help_text=_("Send the reporter updates by SMS or e-mail."))
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Language of the messages to the reporter; default: the request's."),
    )
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Your system's id for this item (API keys only): sending it again returns the same item."),
    )

    def validate_phone(self, value):
        value = value.strip()
        if not value:
            return ""
        phone = normalize_phone(value)
        if not phone:
            raise serializers.ValidationError(_("This is not a valid phone number. Example: 9911 2233."))
        return phone

    def validate(self, data):
        facility, area = data.get("facility"), data.get("area")
        if bool(facility) == bool(area):
            raise serializers.ValidationError({"facility": [_("Name either a facility or an area, not both.")]})
        category = data["category"]
        if facility is not None and category.sector_id != facility.sector_id and category.sector.code != "other":
            raise serializers.ValidationError({"category": [_("This category is not about this facility's sector.")]})
        if data["privacy"] == Feedback.Privacy.ANONYMOUS:
            data["name"] = data["phone"] = data["email"] = ""  # nothing about the reporter is stored
        elif data["privacy"] == Feedback.Privacy.PUBLIC and not data["name"].strip():
            raise serializers.ValidationError({"name": [_("Write your name, or choose another privacy option.")]})
        return data


class SubmissionResultSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(help_text=_("Give it to the citizen: it follows the item."))
    status = serializers.ChoiceField(choices=Feedback.Status.choices)
    received_at = serializers.DateTimeField()
    resolve_due = serializers.DateTimeField(allow_null=True)
    track_url = serializers.URLField(help_text=_("The citizen's page for this item."))
    created = serializers.BooleanField(help_text=_("False when the external_id was seen before."))


# ---------------------------------------------------------------------------------------------
# Staff


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class StaffFeedbackSerializer(serializers.ModelSerializer):
    category = CodeRelatedField(read_only=True)
    facility = CodeRelatedField(source="service_unit", read_only=True, allow_null=True)
    area = CodeRelatedField(source="admin_unit", read_only=True)
    handled_by = CodeRelatedField(
        source="handling_organization",
        read_only=True,
        allow_null=True,
        help_text=_("Code of the handling organisation."),
    )
    escalated_to = CodeRelatedField(read_only=True, allow_null=True)
    assigned_to = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "tracking_code",
            "kind",
            "category",
            "status",
            "channel",
            "privacy",
            "moderation",
            "facility",
            "area",
            "handled_by",
            "escalated_to",
            "escalation_level",
            "assigned_to",
            "received_at",
            "acknowledge_due",
            "resolve_due",
            "is_overdue",
            "rating",
        ]

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assigned_to(self, feedback):
        user = feedback.assigned_to
        return {"name": user.get_full_name(), "email": user.email} if user is not None else None


class StaffEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text=_("The person who did it, if a person did."))
    api_key = serializers.SerializerMethodField(help_text=_("Prefix of the API key that did it, if a key did."))
    organization = CodeRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "type",
            "created_at",
            "is_public",
            "old_status",
            "new_status",
            "text",
            "actor",
            "api_key",
            "organization",
        ]

    def get_actor(self, event) -> str | None:
        return event.actor.get_full_name() if event.actor_id else None

    def get_api_key(self, event) -> str | None:
        return (event.data or {}).get("api_key")


class StaffFeedbackDetailSerializer(StaffFeedbackSerializer):
    duplicate_of = CodeRelatedField(slug_field="tracking_code", read_only=True, allow_null=True)
    next_statuses = serializers.SerializerMethodField(help_text=_("Statuses the item may change to."))
    can_act = serializers.SerializerMethodField(
        help_text=_("Whether you may change its status, respond publicly, assign and refer it.")
    )
    timeline = serializers.SerializerMethodField()

    class Meta(StaffFeedbackSerializer.Meta):
        fields = [
            *StaffFeedbackSerializer.Meta.fields,
            "description",
            "public_description",
            "language",
            "location_text",
            "latitude",
            "longitude",
            "public_response",
            "problem_solved",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "duplicate_of",
            "next_statuses",
            "can_act",
            "timeline",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Feedback.Status.choices)))
    def get_next_statuses(self, feedback):
        from iltod.feedback.services import TRANSITIONS

        return sorted(TRANSITIONS.get(feedback.status, set()))

    def get_can_act(self, feedback) -> bool:
        principal = self.context.get("principal")
        return bool(principal and principal.can_handle(feedback))

    @extend_schema_field(StaffEventSerializer(many=True))
    def get_timeline(self, feedback):
        events = feedback.events.select_related("actor", "organization").order_by("created_at", "pk")
        return StaffEventSerializer(events, many=True, context=self.context).data


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Feedback.Status.choices)
    text = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Public response: required to resolve, schedule action or close without action."),
    )


class ResponseSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    public = serializers.BooleanField(
        default=False, help_text=_("True: a public response the citizen sees; false: an internal note.")
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.EmailField(
        allow_null=True,
        help_text=_("E-mail of a person who handles feedback for the handling organisation; null to unassign."),
    )


# The bodies an item can be referred to, as on the staff case page (iltod.feedback.staff).
NOT_REFERRAL_TARGETS = [
    Organization.Kind.CSO,
    Organization.Kind.NETWORK,
    Organization.Kind.MEDIA,
    Organization.Kind.DONOR,
    Organization.Kind.ACADEMIA,
]


class ReferSerializer(serializers.Serializer):
    organization = CodeRelatedField(
        queryset=Organization.objects.filter(is_active=True).exclude(kind__in=NOT_REFERRAL_TARGETS),
        help_text=_("Code of the organisation that should handle it."),
    )
    reason = serializers.CharField(max_length=2000)
