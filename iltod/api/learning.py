"""REST API of the learning network (``/api/v1/learning/``): the public member directory with
validated profiles, the competency frameworks, trainings (public fields only: no person is named),
the published library, the figures of people trained and, for a network's administrators or its
key, an assessment round's heat map.

Three writes, where a network's own systems need them, through learning's services and guards
only: the registration of people before a training and the attendance of its session from the
sign-in sheet (the organiser's read and write key, or a person who manages trainings), and one
person's assessment in a round, as a KoBo form would send it (an invited organisation's key for
its own people, or the network's). Objects are named
by their public codes; a key acts as its organisation (``iltod.api.access.Principal``)."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, generics, mixins, permissions, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from iltod.engagement.models import AgeBand, Sex, StakeholderType
from iltod.learning import stats
from iltod.learning.forms.trainings import PersonRowForm
from iltod.learning.models import (
    Assessment,
    AssessmentRound,
    Competency,
    CompetencyArea,
    Framework,
    LearnerRole,
    LibraryItem,
    OrganizationProfile,
    Training,
)
from iltod.learning.models.profiles import SATool
from iltod.learning.permissions import can_enter_assessment, can_read_round_results, can_take_attendance
from iltod.learning.services import assessments as assessment_services
from iltod.learning.services import trainings as training_services
from iltod.learning.services.library import search_library
from iltod.learning.services.members import directory
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector

from .access import Principal
from .fields import CODE_PATTERN, CodeFilter, CodeRelatedField
from .permissions import READ_ONLY_KEY, KnownCaller

TAG = "learning"
MAX_SHEET_ROWS = 500


def _invalid(error: ValidationError):
    return exceptions.ValidationError({"non_field_errors": error.messages})


# --- member directory ---------------------------------------------------------------------------


class ProfileToolSerializer(serializers.Serializer):
    tool = serializers.CharField(source="get_tool_display", read_only=True)
    code = serializers.CharField(source="tool", read_only=True, help_text="The tool's code, e.g. scorecard.")
    example = serializers.CharField(read_only=True)


class ValidatedProfileSerializer(serializers.ModelSerializer):
    validated_at = serializers.DateTimeField(source="reviewed_at", read_only=True, allow_null=True)
    sectors = CodeRelatedField(many=True, read_only=True)
    areas = CodeRelatedField(many=True, read_only=True)
    tools = ProfileToolSerializer(many=True, read_only=True)
    budget_range = serializers.CharField(read_only=True, help_text="lt10m, 10-50m, 50-200m, 200m-1b or gt1b.")
    funding_sources = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = OrganizationProfile
        fields = [
            "validated_at", "mission", "sectors", "areas", "staff", "volunteers", "budget_range", "funding_sources",
            "tools", "government_partnerships", "governance",
        ]  # fmt: skip


class MemberSerializer(serializers.ModelSerializer):
    home_area = CodeRelatedField(source="home_unit", read_only=True, allow_null=True)
    sectors = CodeRelatedField(many=True, read_only=True)
    profile = serializers.SerializerMethodField(help_text="The validated profile, or null while none is validated.")

    class Meta:
        model = Organization
        fields = ["code", "kind", "name", "name_mn", "name_en", "home_area", "sectors", "website", "profile"]

    @extend_schema_field(ValidatedProfileSerializer(allow_null=True))
    def get_profile(self, org):
        profiles = getattr(org, "current_profiles", [])
        return ValidatedProfileSerializer(profiles[0]).data if profiles else None


class MemberFilter(django_filters.FilterSet):
    network = CodeFilter(
        queryset=Organization.objects.public().networks(),
        required=True,
        method="no_op",
        help_text=_("Code of the network (or subnetwork) whose members are listed."),
    )
    aimag = CodeFilter(queryset=AdminUnit.objects.top_level(), method="no_op", help_text=_("Aimag code, e.g. 65."))
    sector = CodeFilter(queryset=Sector.objects.all(), method="no_op", help_text=_("Sector code."))
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices, method="no_op")
    tool = django_filters.ChoiceFilter(choices=SATool.choices, method="no_op")
    subnetwork = CodeFilter(
        queryset=Organization.objects.public().networks(), method="no_op", help_text=_("Code of a subnetwork.")
    )

    class Meta:
        model = Organization
        fields = ["network", "aimag", "sector", "kind", "tool", "subnetwork"]

    def no_op(self, queryset, name, value: str):
        return queryset  # the directory applies every filter at once (``filter_queryset``)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        subnetwork = data.get("subnetwork")
        if subnetwork is not None and subnetwork.parent_id != data["network"].pk:
            raise exceptions.ValidationError({"subnetwork": [_("This is not a subnetwork of the network.")]})
        members = directory(
            data["network"],
            aimag=data.get("aimag"),
            sector=data.get("sector"),
            kind=data.get("kind") or "",
            tool=data.get("tool") or "",
            subnetwork=subnetwork,
        )
        return members.prefetch_related("current_profiles__sectors", "current_profiles__areas")


@extend_schema_view(list=extend_schema(summary="Members of a network, with their validated profiles", tags=[TAG]))
class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The public member directory: active members of the network, its subnetworks and its member
    networks. A profile appears only once the network administrator validated it."""

    permission_classes = [permissions.AllowAny]
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    queryset = Organization.objects.none()  # the directory is built by the filter

    def get_queryset(self):
        return Organization.objects.public()


# --- competency frameworks ----------------------------------------------------------------------


class BehaviourSerializer(serializers.Serializer):
    level = serializers.IntegerField(read_only=True)
    text_mn = serializers.CharField(read_only=True)
    text_en = serializers.CharField(read_only=True)


class RequiredLevelSerializer(serializers.Serializer):
    role = serializers.CharField(read_only=True, help_text="director, coordinator, monitor, communication, volunteer.")
    level = serializers.IntegerField(read_only=True)


class CompetencySerializer(serializers.ModelSerializer):
    behaviours = BehaviourSerializer(many=True, read_only=True)
    required_levels = RequiredLevelSerializer(many=True, read_only=True)

    class Meta:
        model = Competency
        fields = ["code", "name_mn", "name_en", "behaviours", "required_levels"]


class CompetencyAreaSerializer(serializers.ModelSerializer):
    pillar = serializers.CharField(read_only=True, help_text="One of ANSA-EAP's four pillars.")
    competencies = CompetencySerializer(many=True, read_only=True)

    class Meta:
        model = CompetencyArea
        fields = ["position", "pillar", "name_mn", "name_en", "competencies"]


class CompetencyFrameworkSerializer(serializers.ModelSerializer):
    network = CodeRelatedField(read_only=True)
    areas = CompetencyAreaSerializer(many=True, read_only=True)
    frozen = serializers.BooleanField(source="is_frozen", read_only=True)

    class Meta:
        model = Framework
        fields = [
            "network", "version", "name_mn", "name_en", "description_mn", "description_en", "is_proposal", "frozen",
            "areas",
        ]  # fmt: skip


class CompetencyFrameworkFilter(django_filters.FilterSet):
    network = CodeFilter(queryset=Organization.objects.public().networks(), help_text=_("Code of the network."))
    version = django_filters.NumberFilter(min_value=1, max_value=32767)

    class Meta:
        model = Framework
        fields = ["network", "version"]


@extend_schema_view(list=extend_schema(summary="Competency frameworks, every version", tags=[TAG]))
class CompetencyFrameworkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Areas → competencies → behaviour statements per level (1–4) and the level each role needs.
    A version is named by its network and number."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CompetencyFrameworkSerializer
    filterset_class = CompetencyFrameworkFilter

    def get_queryset(self):
        competencies = Competency.objects.order_by("position", "pk").prefetch_related("behaviours", "required_levels")
        areas = CompetencyArea.objects.order_by("position", "pk").prefetch_related(
            Prefetch("competencies", queryset=competencies)
        )
        return (
            Framework.objects.filter(network__is_public=True, network__is_active=True)
            .select_related("network")
            .prefetch_related(Prefetch("areas", queryset=areas))
            .order_by("network__code", "version")
        )


# --- trainings ------------------------------------------------------------------------------------


class TrainingSessionSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True, help_text="1 for the first session, in date order.")
    held_on = serializers.DateField(read_only=True)
    title = serializers.CharField(read_only=True)


class TrainingCompetencySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name_mn = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class TrainingSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="sac101, tool, mentoring, exchange or workshop.")
    status = serializers.CharField(read_only=True, help_text="planned, held or cancelled.")
    organiser = CodeRelatedField(read_only=True)
    aimag = CodeRelatedField(read_only=True, allow_null=True)
    competencies = TrainingCompetencySerializer(many=True, read_only=True)
    sessions = serializers.SerializerMethodField()
    people_trained = serializers.IntegerField(read_only=True, help_text="People who attended a session.")

    class Meta:
        model = Training
        fields = [
            "code", "title", "kind", "status", "description", "organiser", "trainers", "is_online", "venue", "aimag",
            "starts_on", "ends_on", "max_score", "competencies", "sessions", "people_trained",
        ]  # fmt: skip

    @extend_schema_field(TrainingSessionSerializer(many=True))
    def get_sessions(self, training):
        return [{"number": n, "held_on": s.held_on, "title": s.title} for n, s in enumerate(training.sessions.all(), 1)]


class TrainingFilter(django_filters.FilterSet):
    organiser = CodeFilter(queryset=Organization.objects.all(), help_text=_("Code of the organiser."))
    aimag = CodeFilter(queryset=AdminUnit.objects.top_level(), help_text=_("Aimag code, e.g. 65."))
    training_kind = django_filters.ChoiceFilter(field_name="kind", choices=Training.Kind.choices)
    starts_from = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Training
        fields = ["organiser", "aimag", "training_kind", "starts_from", "starts_to"]


class SheetRowSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=255)
    organization_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNDISCLOSED)
    age_group = serializers.ChoiceField(choices=AgeBand.choices, required=False, default=AgeBand.UNKNOWN)
    stakeholder_type = serializers.ChoiceField(
        choices=StakeholderType.choices, required=False, default=StakeholderType.CSO
    )


class AttendanceSerializer(serializers.Serializer):
    session = serializers.IntegerField(
        min_value=1, max_value=1000, help_text="The session's number (1 for the first, in date order)."
    )
    rows = SheetRowSerializer(many=True, allow_empty=False, max_length=MAX_SHEET_ROWS)


class RegistrationSerializer(serializers.Serializer):
    rows = SheetRowSerializer(many=True, allow_empty=False, max_length=MAX_SHEET_ROWS)


class RegistrationResultSerializer(serializers.Serializer):
    new_people = serializers.IntegerField()
    known_people = serializers.IntegerField(help_text="Rows that found a person already known (deduplicated).")
    registered = serializers.IntegerField(help_text="People newly registered (the others already were).")


class AttendanceResultSerializer(serializers.Serializer):
    new_people = serializers.IntegerField()
    known_people = serializers.IntegerField(help_text="Rows that found a person already known (deduplicated).")
    registered = serializers.IntegerField(help_text="People newly registered for the training.")
    present = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="Trainings (public ones)", tags=[TAG]),
    retrieve=extend_schema(summary="A training, by code", tags=[TAG]),
)
class TrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public trainings with their sessions and the number of people trained; no participant is
    named here."""

    permission_classes = [permissions.AllowAny]
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN

    def get_queryset(self):
        return (
            Training.objects.filter(is_public=True)
            .select_related("organiser", "aimag")
            .prefetch_related("sessions", Prefetch("competencies", queryset=Competency.objects.order_by("code")))
            .annotate(people_trained=Count("participations", filter=Q(participations__sessions_attended__gt=0)))
            .order_by("-starts_on", "-pk")
        )

    def _rows(self, training, rows):
        """Each row through the same checks as the typed sheet on the site."""
        details, errors = [], {}
        for number, values in enumerate(rows):
            form = PersonRowForm(values)
            if form.is_valid():
                details.append(form.details(training.aimag))
            else:
                for name, messages in form.errors.items():
                    errors[f"rows.{number}.{name}"] = messages
        if errors:
            raise exceptions.ValidationError(errors)
        return details

    def _organisers_training(self, request, code):
        principal = Principal.from_request(request)
        training = Training.objects.select_related("aimag").filter(code=code).first()
        if training is None or not can_take_attendance(principal.actor, training, write=False):
            raise Http404
        if not can_take_attendance(principal.actor, training):
            raise exceptions.PermissionDenied(READ_ONLY_KEY)
        return principal, training

    @extend_schema(
        summary="Register people before a training (the organiser's system)",
        tags=[TAG],
        request=RegistrationSerializer,
        responses={200: RegistrationResultSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[KnownCaller])
    def registrations(self, request, code=None):
        """Each row is a person registered for the training before it: found again by phone, e-mail
        or name and organisation, or created. The sign-in sheet then lists them and the reminder
        before the training reaches them. People already registered are counted, not registered
        twice; nothing is saved unless every row is valid."""
        principal, training = self._organisers_training(request, code)
        serializer = RegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = self._rows(training, serializer.validated_data["rows"])
        try:
            result = training_services.register_people(training, details, actor=principal.actor, request=request)
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(RegistrationResultSerializer(result).data)

    @extend_schema(
        summary="Enter a session's sign-in sheet (the organiser's system)",
        tags=[TAG],
        request=AttendanceSerializer,
        responses={200: AttendanceResultSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[KnownCaller])
    def attendance(self, request, code=None):
        """Each row is a person present at the session: found again by phone, e-mail or name and
        organisation, or created; registered for the training if they were not. Nothing is saved
        unless every row is valid."""
        principal, training = self._organisers_training(request, code)
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sessions = list(training.sessions.order_by("held_on", "order", "pk"))
        if data["session"] > len(sessions):
            raise exceptions.ValidationError({"session": [_("The training has no session with this number.")]})
        details = self._rows(training, data["rows"])
        try:
            result = training_services.enter_sheet(
                sessions[data["session"] - 1], details, actor=principal.actor, request=request
            )
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(AttendanceResultSerializer(result).data)


# --- library ------------------------------------------------------------------------------------


class LibraryItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="definition, guide, case_study, lesson, workshop or other.")
    title_mn = serializers.CharField(source="published.title_mn", read_only=True)
    title_en = serializers.CharField(source="published.title_en", read_only=True)
    text_mn = serializers.CharField(source="published.body_mn", read_only=True)
    text_en = serializers.CharField(source="published.body_en", read_only=True)
    version = serializers.IntegerField(source="published.number", read_only=True)
    published_at = serializers.DateTimeField(source="published.published_at", read_only=True, allow_null=True)
    sa_tool = serializers.CharField(read_only=True, help_text="The SA tool it is about, or empty.")
    sectors = CodeRelatedField(many=True, read_only=True)
    aimag = CodeRelatedField(read_only=True, allow_null=True)
    training = CodeRelatedField(read_only=True, allow_null=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = LibraryItem
        fields = [
            "code", "kind", "title_mn", "title_en", "text_mn", "text_en", "version", "published_at", "sa_tool",
            "sectors", "aimag", "training", "has_document",
        ]  # fmt: skip

    def get_has_document(self, item) -> bool:
        return bool(item.file)


class LibraryFilter(django_filters.FilterSet):
    item_kind = django_filters.ChoiceFilter(field_name="kind", choices=LibraryItem.Kind.choices)
    tool = django_filters.ChoiceFilter(field_name="sa_tool", choices=SATool.choices)
    sector = CodeFilter(queryset=Sector.objects.all(), field_name="sectors", help_text=_("Sector code."))
    aimag = CodeFilter(queryset=AdminUnit.objects.top_level(), help_text=_("Aimag code, e.g. 65."))
    q = django_filters.CharFilter(
        method="search", max_length=100, help_text=_("Words of the text, in Cyrillic or Latin letters.")
    )

    class Meta:
        model = LibraryItem
        fields = ["item_kind", "tool", "sector", "aimag", "q"]

    def search(self, queryset, name, value):
        return search_library(queryset, value)


@extend_schema_view(
    list=extend_schema(summary="The library: published items", tags=[TAG]),
    retrieve=extend_schema(summary="A published library item, by code", tags=[TAG]),
)
class LibraryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published versions only: a newer draft waiting for review is not shown."""

    permission_classes = [permissions.AllowAny]
    serializer_class = LibraryItemSerializer
    filterset_class = LibraryFilter
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN

    def get_queryset(self):
        return (
            LibraryItem.objects.filter(published__isnull=False)
            .select_related("published", "aimag", "training")
            .prefetch_related("sectors")
            .order_by("-published__published_at", "-pk")
        )


# --- figures --------------------------------------------------------------------------------------


class PeopleCountSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The code (sex, age group) or the aimag's code; empty: not stated.")
    people = serializers.IntegerField()


class LabelledPeopleCountSerializer(PeopleCountSerializer):
    label = serializers.CharField(help_text="The value's display name, in the language asked for.")


class PeopleTrainedSerializer(serializers.Serializer):
    people = serializers.IntegerField(help_text="Unique people trained since the start.")
    participations = serializers.IntegerField(help_text="Participations with at least one session attended.")
    by_sex = PeopleCountSerializer(many=True)
    by_age_group = PeopleCountSerializer(many=True)
    by_aimag = PeopleCountSerializer(many=True)
    by_stakeholder_type = LabelledPeopleCountSerializer(many=True)
    follow_ups = serializers.IntegerField()
    changed_practice = serializers.IntegerField(help_text="Follow-ups that report a change in practice.")


class PeopleTrainedView(generics.GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = PeopleTrainedSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="People trained: unique people next to participations", tags=[TAG])
    def get(self, request):
        """The network's headline, from the indexed first-training date: each person counted once."""
        from iltod.learning.models import Person

        headline = stats.headline()
        trained = Person.objects.filter(first_trained_on__isnull=False)
        rows = trained.values_list("sex", "age_group").annotate(n=Count("pk")).order_by()
        by_sex, by_age = {}, {}
        for sex, age, n in rows:
            by_sex[sex] = by_sex.get(sex, 0) + n
            by_age[age] = by_age.get(age, 0) + n
        by_aimag = trained.values_list("aimag__code").annotate(n=Count("pk")).order_by("aimag__code")
        by_type = dict(trained.values_list("stakeholder_type").annotate(n=Count("pk")).order_by())
        return Response(
            {
                "people": headline["people"],
                "participations": headline["participations"],
                "by_sex": [{"value": v, "people": by_sex.get(v, 0)} for v in Sex.values],
                "by_age_group": [{"value": v, "people": by_age.get(v, 0)} for v in AgeBand.values],
                "by_aimag": [{"value": code or "", "people": n} for code, n in by_aimag],
                "by_stakeholder_type": [
                    {"value": value, "label": str(label), "people": by_type.get(value, 0)}
                    for value, label in StakeholderType.choices
                ],
                "follow_ups": headline["follow_ups"],
                "changed_practice": headline["changed"],
            }
        )


# --- assessment rounds ---------------------------------------------------------------------------


class HeatCellSerializer(serializers.Serializer):
    competency = serializers.CharField(help_text="The competency's code, e.g. 4.2.")
    respondents = serializers.IntegerField()
    mean_gap = serializers.FloatField(allow_null=True, help_text="Required level minus current, when positive.")
    mean_priority = serializers.FloatField(allow_null=True)
    mean_current = serializers.FloatField(allow_null=True)


class HeatRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The aimag's or the organisation's code.")
    name = serializers.CharField()
    cells = HeatCellSerializer(many=True)


class AssessmentRoundSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    network = serializers.CharField()
    framework_version = serializers.IntegerField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    previous = serializers.CharField(allow_null=True)
    respondents = serializers.IntegerField()
    top_gaps = HeatCellSerializer(many=True, help_text="The network's competencies with the highest mean priority.")


class AssessmentAnswerSerializer(serializers.Serializer):
    competency = serializers.CharField(max_length=16, help_text="The competency's code, e.g. 4.2.")
    current = serializers.IntegerField(min_value=1, max_value=4)
    importance = serializers.IntegerField(min_value=1, max_value=4)


class AssessmentInSerializer(serializers.Serializer):
    organization = CodeRelatedField(queryset=Organization.objects.filter(is_active=True))
    full_name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=LearnerRole.choices)
    answers = AssessmentAnswerSerializer(many=True, allow_empty=False, max_length=200)
    submission_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The form's own identifier (KoBo's _uuid): the same submission sent twice is recorded once.",
    )


class AssessmentOutSerializer(serializers.Serializer):
    round = serializers.CharField()
    organization = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    source = serializers.CharField()
    recorded_before = serializers.BooleanField(help_text="True when this submission had been recorded already.")


SCOPE = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=list(assessment_services.Scope.values),
    description="Rows by aimag (default), organisation, subnetwork or the network.",
)


def _cells(competencies, cells) -> list[dict]:
    return [
        {
            "competency": c.code,
            "respondents": cell.respondents,
            "mean_gap": cell.mean_gap,
            "mean_priority": cell.mean_priority,
            "mean_current": cell.mean_current,
        }
        for c, cell in zip(competencies, cells, strict=True)
    ]


class RoundViewSet(viewsets.GenericViewSet):
    """An assessment round's results name organisations' weaknesses: the network's administrators
    (session) or the network's own key read them; anyone else gets a 404."""

    permission_classes = [permissions.AllowAny]
    serializer_class = AssessmentRoundSerializer
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN
    filter_backends = []

    def get_queryset(self):
        return AssessmentRound.objects.select_related("network", "framework", "previous")

    def _round(self, code, *, results=True) -> AssessmentRound:
        round_ = self.get_queryset().filter(code=code).first()
        principal = Principal.from_request(self.request)
        if round_ is None or principal is None:
            raise Http404
        if results and not can_read_round_results(principal.actor, round_):
            raise Http404
        return round_

    @extend_schema(summary="An assessment round: people who answered, proposed topics", tags=[TAG])
    def retrieve(self, request, code=None):
        round_ = self._round(code)
        competencies = assessment_services.competencies_of(round_)
        row = assessment_services.network_row(round_, competencies)
        top = assessment_services.top_gaps(round_, competencies, row=row) if row else []
        return Response(
            {
                "code": round_.code,
                "name": round_.name,
                "network": round_.network.code,
                "framework_version": round_.framework.version,
                "opens_on": round_.opens_on,
                "closes_on": round_.closes_on,
                "previous": round_.previous.code if round_.previous_id else None,
                "respondents": assessment_services.respondents(round_, row=row) if row else 0,
                "top_gaps": _cells([c for c, _cell in top], [cell for _c, cell in top]),
            }
        )

    @extend_schema(
        summary="The round's heat map: mean gap per competency, by aimag or organisation",
        tags=[TAG],
        parameters=[SCOPE],
        responses={200: HeatRowSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="heat-map")
    def heat_map(self, request, code=None):
        """Read from the round's pre-aggregated sums, a page of rows at a time (the rows in name order)."""
        round_ = self._round(code)
        scope = request.query_params.get("scope") or assessment_services.Scope.AIMAG
        if scope not in assessment_services.Scope.values:
            raise exceptions.ValidationError({"scope": [_("Choose aimag, organization, subnetwork or network.")]})
        competencies = assessment_services.competencies_of(round_)
        names = assessment_services.scope_names(round_, scope, competencies)
        page = self.paginate_queryset(names)
        shown = dict(page)
        rows = assessment_services.heat_map(round_, scope, competencies, scope_ids=list(shown), names=shown)
        model = AdminUnit if scope == assessment_services.Scope.AIMAG else Organization
        codes = dict(model.objects.filter(pk__in=list(shown)).values_list("pk", "code"))
        data = [
            {"code": codes.get(r.scope_id, ""), "name": r.label, "cells": _cells(competencies, r.cells)} for r in rows
        ]
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Record one person's assessment, as a KoBo or ODK form sends it",
        tags=[TAG],
        request=AssessmentInSerializer,
        responses={201: AssessmentOutSerializer, 200: AssessmentOutSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[KnownCaller])
    def assessments(self, request, code=None):
        """An invited organisation's read and write key for its own people, or the network's
        administrators and key for any invited organisation. Every competency of the round is
        rated once (current level and importance, 1–4). A ``submission_id`` sent again returns the
        first answer (200)."""
        round_ = self._round(code, results=False)
        principal = Principal.from_request(request)
        serializer = AssessmentInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = data["organization"]
        if not can_enter_assessment(principal.actor, round_, organization, write=False):
            raise Http404
        if not can_enter_assessment(principal.actor, round_, organization):
            raise exceptions.PermissionDenied(READ_ONLY_KEY)
        by_code = {c.code: c.pk for c in assessment_services.competencies_of(round_)}
        answers, unknown = {}, []
        for answer in data["answers"]:
            key = by_code.get(answer["competency"])
            if key is None or key in answers:
                unknown.append(answer["competency"])
            else:
                answers[key] = (answer["current"], answer["importance"])
        if unknown:
            message = _("Each competency of the round once; not in this round or repeated: %(codes)s.")
            raise exceptions.ValidationError({"answers": [message % {"codes": ", ".join(unknown)}]})
        external_id = data["submission_id"].strip()
        seen = external_id and Assessment.objects.filter(round=round_, external_id=external_id).exists()
        try:
            assessment = assessment_services.submit_assessment(
                round_=round_,
                organization=organization,
                full_name=data["full_name"],
                role=data["role"],
                answers=answers,
                user=None,
                entered_by=principal.user,
                source=Assessment.Source.API,
                external_id=external_id,
                request=request,
            )
        except ValidationError as error:
            raise _invalid(error) from None
        body = {
            "round": round_.code,
            "organization": assessment.organization.code,
            "full_name": assessment.full_name,
            "role": assessment.role,
            "source": assessment.source,
            "recorded_before": bool(seen),
        }
        return Response(body, status=status.HTTP_200_OK if seen else status.HTTP_201_CREATED)


router = routers.SimpleRouter()
router.include_format_suffixes = False
router.register("members", MemberViewSet, basename="learning-member")
router.register("frameworks", CompetencyFrameworkViewSet, basename="learning-framework")
router.register("trainings", TrainingViewSet, basename="learning-training")
router.register("library", LibraryViewSet, basename="learning-library")
router.register("rounds", RoundViewSet, basename="learning-round")

urlpatterns = [
    path("people-trained/", PeopleTrainedView.as_view(), name="learning-people-trained"),
    *router.urls,
]
