"""Learning-needs assessment rounds: people rate their current level and the importance of each
competency for their role; the gap is the role's required level minus the current level, the
priority the gap (when positive) times the importance.

Each submission adds its ratings to ``GapSummary`` in four scopes (its organisation, its aimag, the
subnetworks the organisation belongs to, the network), so the heat map reads at most a few
thousand sums whatever the number of people. ``rebuild_summaries`` recomputes them from the
ratings (for imports and for checking)."""

import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_templated
from iltod.organizations.models import NetworkMembership, Organization
from iltod.places.models import AdminUnit

from ..models import (
    Assessment,
    AssessmentRound,
    CapacityRating,
    Competency,
    GapSummary,
    LearnerRole,
    Rating,
    RequiredLevel,
    RoundInvitee,
)
from ..permissions import can_manage_network, can_manage_round, can_record_capacity

Scope = GapSummary.Scope
LEVELS = range(1, 5)


@transaction.atomic(durable=True)
def create_round(
    *, actor, network, framework, name, opens_on, closes_on, organizations, previous=None, request=None
) -> AssessmentRound:
    """A new round; its framework version is frozen from now on."""
    if not can_manage_network(actor, network) or framework.network_id != network.pk:
        raise PermissionDenied
    if closes_on < opens_on:
        raise ValidationError(_("The round cannot close before it opens."), code="dates")
    round_ = AssessmentRound.objects.create(
        network=network,
        framework=framework,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        previous=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    round_.invited_organizations.set(organizations)
    if framework.frozen_at is None:
        type(framework).objects.filter(pk=framework.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
        framework.frozen_at = timezone.now()
    log_event(actor, AuditAction.ASSESSMENT_ROUND_CREATED, network, request=request, round=round_.code, name=name)
    return round_


def competencies_of(round_) -> list[Competency]:
    return list(
        Competency.objects.filter(area__framework_id=round_.framework_id)
        .select_related("area")
        .order_by("area__position", "position", "pk")
    )


def scopes_for(round_, organization) -> list[tuple[str, int]]:
    """The summary scopes one organisation's answers count in."""
    keys = [(Scope.ORGANIZATION, organization.pk), (Scope.NETWORK, round_.network_id)]
    aimag = aimag_of(organization)
    if aimag is not None:
        keys.append((Scope.AIMAG, aimag.pk))
    subnetworks = NetworkMembership.objects.current().filter(
        member=organization, network__parent_id=round_.network_id, network__kind=Organization.Kind.NETWORK
    )
    keys += [(Scope.SUBNETWORK, pk) for pk in subnetworks.values_list("network_id", flat=True)]
    return keys


def aimag_of(organization) -> AdminUnit | None:
    unit = organization.home_unit
    return unit.top_level_unit if unit is not None else None


@dataclass
class Answer:
    current: int
    importance: int


def _clean_level(value, label) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in LEVELS:
        raise ValidationError(_("%(what)s must be a whole number from 1 to 4.") % {"what": label}, code="range")
    return number


def submit_assessment(
    *,
    round_: AssessmentRound,
    organization,
    full_name: str,
    role: str,
    answers: dict,
    user=None,
    entered_by=None,
    source=Assessment.Source.WEB,
    external_id: str = "",
    request=None,
) -> Assessment:
    """Record one person's assessment and add it to the summaries.

    ``answers``: competency key → (current, importance). Every competency of the round's framework
    must be rated once, each value 1–4. A second answer of the same account, or the same external
    submission, is refused (an external submission seen before returns the first one)."""
    if external_id:
        existing = Assessment.objects.filter(round=round_, external_id=external_id).first()
        if existing is not None:
            return existing
    errors = []
    if not round_.invited_organizations.filter(pk=organization.pk).exists():
        errors.append(ValidationError(_("This organisation is not invited to the round."), code="not_invited"))
    if source == Assessment.Source.WEB and not round_.opens_on <= timezone.localdate() <= round_.closes_on:
        # Paper and KoBo answers collected in time may arrive later; the site takes them while open.
        message = _("This round takes answers from %(opens)s to %(closes)s.") % {
            "opens": round_.opens_on.isoformat(),
            "closes": round_.closes_on.isoformat(),
        }
        errors.append(ValidationError(message, code="closed"))
    if role not in LearnerRole.values:
        errors.append(ValidationError(_("Choose a role."), code="role"))
    full_name = (full_name or "").strip()
    if not full_name:
        errors.append(ValidationError(_("Give the person's name."), code="name"))
    competencies = competencies_of(round_)
    by_pk = {c.pk: c for c in competencies}
    cleaned: dict[int, Answer] = {}
    seen: set[int] = set()
    for key, pair in answers.items():
        try:
            competency = by_pk[int(key)]
        except (KeyError, TypeError, ValueError):
            errors.append(ValidationError(_("An answer names a competency that is not in this round."), code="unknown"))
            continue
        seen.add(competency.pk)
        try:
            current, importance = pair
            cleaned[competency.pk] = Answer(
                _clean_level(current, _("Current level in %(code)s") % {"code": competency.code}),
                _clean_level(importance, _("Importance of %(code)s") % {"code": competency.code}),
            )
        except ValidationError as error:
            errors.append(error)
        except (TypeError, ValueError):
            errors.append(ValidationError(_("Every competency needs a level and an importance."), code="shape"))
    missing = [c.code for c in competencies if c.pk not in seen]
    if missing:
        errors.append(
            ValidationError(
                _("Rate every competency; missing: %(codes)s.") % {"codes": ", ".join(missing)}, code="missing"
            )
        )
    if user is not None and Assessment.objects.filter(round=round_, user=user).exists():
        errors.append(ValidationError(_("You have already answered this round."), code="duplicate"))
    if errors:
        raise ValidationError(errors)
    required = dict(
        RequiredLevel.objects.filter(competency__in=competencies, role=role).values_list("competency_id", "level")
    )
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                round=round_,
                organization=organization,
                aimag=aimag_of(organization),
                user=user,
                full_name=full_name,
                role=role,
                source=source,
                external_id=external_id,
                entered_by=entered_by if getattr(entered_by, "is_authenticated", False) else None,
            )
            ratings = []
            for competency in competencies:
                answer = cleaned[competency.pk]
                need = required.get(competency.pk, 2)
                gap = need - answer.current
                ratings.append(
                    Rating(
                        assessment=assessment,
                        competency=competency,
                        current=answer.current,
                        importance=answer.importance,
                        required=need,
                        gap=gap,
                        priority=max(gap, 0) * answer.importance,
                    )
                )
            Rating.objects.bulk_create(ratings)
            _add_to_summaries(round_, scopes_for(round_, organization), ratings)
            log_event(
                entered_by or user,
                AuditAction.ASSESSMENT_SUBMITTED,
                organization,
                request=request,
                round=round_.code,
                assessment=assessment.pk,
                source=source,
            )
    except IntegrityError as error:
        raise ValidationError(_("This answer was already recorded."), code="duplicate") from error
    return assessment


def _add_to_summaries(round_, scopes, ratings) -> None:
    """Add one assessment's ratings to the sums: the rows are created when missing (a conflict
    with a concurrent submission is harmless), then incremented in the database."""
    GapSummary.objects.bulk_create(
        [
            GapSummary(round=round_, scope=scope, scope_id=scope_id, competency_id=r.competency_id)
            for scope, scope_id in scopes
            for r in ratings
        ],
        ignore_conflicts=True,
    )
    in_scopes = Q()
    for scope, scope_id in scopes:
        in_scopes |= Q(scope=scope, scope_id=scope_id)
    for r in ratings:
        GapSummary.objects.filter(in_scopes, round=round_, competency_id=r.competency_id).update(
            respondents=F("respondents") + 1,
            sum_current=F("sum_current") + r.current,
            sum_required=F("sum_required") + r.required,
            sum_gap=F("sum_gap") + max(r.gap, 0),
            sum_priority=F("sum_priority") + r.priority,
            sum_importance=F("sum_importance") + r.importance,
        )


@transaction.atomic
def rebuild_summaries(round_) -> int:
    """Recompute the round's sums from its ratings; returns the number of summary rows."""
    GapSummary.objects.filter(round=round_).delete()
    per_org = (
        Rating.objects.filter(assessment__round=round_)
        .values("assessment__organization_id", "assessment__aimag_id", "competency_id")
        .annotate(
            n=Count("pk"),
            cur=Sum("current"),
            req=Sum("required"),
            gap=Sum(Greatest(F("gap"), 0)),
            pri=Sum("priority"),
            imp=Sum("importance"),
        )
    )
    subnetworks = defaultdict(list)
    for member_id, network_id in (
        NetworkMembership.objects.current()
        .filter(network__parent_id=round_.network_id, network__kind=Organization.Kind.NETWORK)
        .values_list("member_id", "network_id")
    ):
        subnetworks[member_id].append(network_id)
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for row in per_org:
        org = row["assessment__organization_id"]
        keys = [(Scope.ORGANIZATION, org), (Scope.NETWORK, round_.network_id)]
        if row["assessment__aimag_id"]:
            keys.append((Scope.AIMAG, row["assessment__aimag_id"]))
        keys += [(Scope.SUBNETWORK, s) for s in subnetworks.get(org, [])]
        values = (row["n"], row["cur"], row["req"], row["gap"], row["pri"], row["imp"])
        for scope, scope_id in keys:
            total = sums[(scope, scope_id, row["competency_id"])]
            for i, v in enumerate(values):
                total[i] += v
    GapSummary.objects.bulk_create(
        [
            GapSummary(
                round=round_,
                scope=scope,
                scope_id=scope_id,
                competency_id=competency_id,
                respondents=v[0],
                sum_current=v[1],
                sum_required=v[2],
                sum_gap=v[3],
                sum_priority=v[4],
                sum_importance=v[5],
            )
            for (scope, scope_id, competency_id), v in sums.items()
        ],
        batch_size=2000,
    )
    return len(sums)


@transaction.atomic(durable=True)
def invite_person(*, actor, round_, organization, full_name: str, email: str = "", request=None) -> RoundInvitee:
    """Invite one person of an invited organisation: they get a private link where they answer
    once and then see their answers (sent by e-mail through the outbox when an address is given)."""
    if not can_manage_round(actor, round_):
        raise PermissionDenied
    errors = []
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors.append(ValidationError(_("Give the person's name."), code="name"))
    if not round_.invited_organizations.filter(pk=organization.pk).exists():
        errors.append(ValidationError(_("This organisation is not invited to the round."), code="not_invited"))
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(ValidationError(_("Enter a valid e-mail address."), code="email"))
        else:
            if RoundInvitee.objects.filter(round=round_, email=email).exists():
                errors.append(ValidationError(_("This e-mail is already invited to the round."), code="duplicate"))
    if errors:
        raise ValidationError(errors)
    invitee = RoundInvitee.objects.create(
        round=round_,
        organization=organization,
        full_name=full_name,
        email=email,
        token=secrets.token_urlsafe(16),
    )
    if email:
        queue_templated(
            channel=OutboundMessage.Channel.EMAIL,
            recipient=email,
            template="learning/messages/invitation",
            context={"invitee": invitee, "round": round_, "site_url": settings.SITE_URL},
            language="mn",
            related=invitee,
            dedupe_key=f"learning:invitation:{invitee.pk}",
        )
    log_event(actor, AuditAction.ASSESSMENT_INVITED, organization, request=request, round=round_.code)
    return invitee


@transaction.atomic
def answer_invitation(invitee: RoundInvitee, *, full_name: str, role: str, answers: dict, request=None) -> Assessment:
    """The invited person's own answers, through their private link: once."""
    invitee = RoundInvitee.objects.select_for_update().select_related("round", "organization").get(pk=invitee.pk)
    if invitee.assessment_id is not None:
        raise ValidationError(_("You have already answered this round."), code="duplicate")
    assessment = submit_assessment(
        round_=invitee.round,
        organization=invitee.organization,
        full_name=full_name or invitee.full_name,
        role=role,
        answers=answers,
        user=invitee.user,
        request=request,
    )
    RoundInvitee.objects.filter(pk=invitee.pk).update(assessment=assessment)
    return assessment


@transaction.atomic
def record_capacity(*, actor, round_, organization, levels: dict[str, tuple[int, str]], request=None) -> int:
    """The organisation's capacity block (item → (level, note)); a second entry replaces the first."""
    if not can_record_capacity(actor, round_, organization):
        raise PermissionDenied
    for item, (value, note) in levels.items():
        CapacityRating.objects.update_or_create(
            round=round_,
            organization=organization,
            item=item,
            defaults={"level": _clean_level(value, item), "note": note},
        )
    log_event(actor, AuditAction.CAPACITY_RECORDED, organization, request=request, round=round_.code)
    return len(levels)


# --- Reading the sums ---------------------------------------------------------------------------


@dataclass
class Cell:
    respondents: int
    mean_gap: float | None
    mean_priority: float | None
    mean_current: float | None

    @property
    def band(self) -> int:
        """0 (no gap) to 4 (a gap of 1.5 levels or more on average): the colour of the cell."""
        if self.mean_gap is None:
            return -1
        return min(4, int(self.mean_gap / 0.375 + 0.0001)) if self.mean_gap > 0 else 0


@dataclass
class HeatRow:
    scope_id: int
    label: str
    cells: list[Cell]


EMPTY = Cell(0, None, None, None)


def _cell(values) -> Cell:
    """A cell from (respondents, sum_gap, sum_priority, sum_current)."""
    if not values or not values[0]:
        return EMPTY
    n, gap, priority, current = values
    return Cell(n, gap / n, priority / n, current / n)


def heat_map(round_, scope: str, competencies: list[Competency], scope_ids=None, names=None) -> list[HeatRow]:
    """Rows of the heat map for ``scope`` (one per organisation, aimag, subnetwork or the network),
    columns in the order of ``competencies``. Reads the sums as tuples: no model per cell.
    ``names`` (scope id → label, from ``scope_names``) saves the query of the labels."""
    summaries = GapSummary.objects.filter(round=round_, scope=scope)
    if scope_ids is not None:
        summaries = summaries.filter(scope_id__in=scope_ids)
    by_key = {
        (scope_id, competency_id): rest
        for scope_id, competency_id, *rest in summaries.values_list(
            "scope_id", "competency_id", "respondents", "sum_gap", "sum_priority", "sum_current"
        )
    }
    ids = sorted({k[0] for k in by_key}) if scope_ids is None else list(scope_ids)
    if names is None:
        model = AdminUnit if scope == Scope.AIMAG else Organization
        names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [HeatRow(i, names.get(i, "—"), [_cell(by_key.get((i, c.pk))) for c in competencies]) for i in ids]
    return sorted(rows, key=lambda r: r.label)


def scope_names(round_, scope: str, competencies: list[Competency]) -> list[tuple[int, str]]:
    """(id, name) of the scopes with answers, in name order, in one query (for paging the heat
    map and labelling its rows)."""
    if not competencies:
        return []
    # Every answer rates every competency, so one competency's rows name every scope with answers;
    # the key (round, scope, scope_id, competency) finds them.
    ids = GapSummary.objects.filter(round=round_, scope=scope, competency_id=competencies[0].pk).values("scope_id")
    model = AdminUnit if scope == Scope.AIMAG else Organization
    # Both columns as they are, the fallback done here: modeltranslation's own fallback costs a
    # descriptor call per value, which was most of the page's time for 1 000 organisations.
    rows = model.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name_mn", "name_en")
    english = (get_language() or "mn").startswith("en")
    return [(pk, ((en or mn) if english else (mn or en)) or "—") for pk, mn, en in rows]


def scope_ids(round_, scope: str) -> list[int]:
    """The scopes with answers, in name order."""
    return [pk for pk, _name in scope_names(round_, scope, competencies_of(round_))]


def network_row(round_, competencies: list[Competency]) -> HeatRow | None:
    """The network's own sums per competency (one query): the proposed topics and the number of
    people who answered are read from it."""
    rows = heat_map(round_, Scope.NETWORK, competencies, scope_ids=[round_.network_id], names={round_.network_id: ""})
    return rows[0] if rows and any(cell.respondents for cell in rows[0].cells) else None


def top_gaps(round_, competencies: list[Competency], limit=5, row=None) -> list[tuple[Competency, Cell]]:
    """The network's competencies with the highest mean priority: proposed training topics."""
    row = row if row is not None else network_row(round_, competencies)
    if row is None:
        return []
    pairs = [(c, cell) for c, cell in zip(competencies, row.cells, strict=True) if cell.mean_priority]
    pairs.sort(key=lambda p: (-p[1].mean_priority, p[0].code))
    return pairs[:limit]


def change_since_previous(
    round_, competencies: list[Competency], row=None
) -> list[tuple[Competency, float | None, float | None]]:
    """Per competency (matched by code across framework versions): the network's mean current
    level in the previous round and in this one (``row``: this round's network row, if read)."""
    if round_.previous_id is None:
        return []
    row = row if row is not None else network_row(round_, competencies)
    now = dict(zip([c.pk for c in competencies], row.cells, strict=True)) if row is not None else {}
    before = {
        code: (n, current)
        for code, n, current in GapSummary.objects.filter(
            round_id=round_.previous_id, scope=Scope.NETWORK, scope_id=round_.previous.network_id
        ).values_list("competency__code", "respondents", "sum_current")
    }
    result = []
    for c in competencies:
        a, b = before.get(c.code), now.get(c.pk)
        mean_before = a[1] / a[0] if a and a[0] else None
        mean_now = b.mean_current if b is not None else None
        delta = mean_now - mean_before if mean_before is not None and mean_now is not None else None
        result.append((c, mean_before, mean_now, delta))
    return result


def respondents(round_, row=None) -> int:
    """How many people answered: the network's count, read from its sums (or from ``row``, the
    network's row of the heat map)."""
    if row is not None:
        return max((cell.respondents for cell in row.cells), default=0)
    row = (
        GapSummary.objects.filter(round=round_, scope=Scope.NETWORK, scope_id=round_.network_id)
        .order_by("competency_id")
        .values_list("respondents", flat=True)
        .first()
    )
    return row or 0
