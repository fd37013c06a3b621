"""The competency framework: seeding the proposal, new versions, and freezing a version once a
round uses it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event

from ..framework_seed import AREAS, LEVEL_PATTERNS, ROLE_FOCUS
from ..models import Behaviour, Competency, CompetencyArea, Framework, LearnerRole, RequiredLevel
from ..permissions import can_edit_framework, can_manage_network

PROPOSAL_NAME = ("Нийгмийн хариуцлагын ур чадварын хүрээ", "Social accountability competency framework")
PROPOSAL_DESCRIPTION = (
    "ANSA-EAP-ийн дөрвөн тулгуурт суурилсан санал. Сүлжээ өөрийн нөхцөлд тохируулан өөрчилнө.",
    "A proposal built on ANSA-EAP's four pillars, for the network to adapt.",
)


@transaction.atomic
def seed_proposal(network, *, actor=None) -> Framework:
    """The proposed framework as ``network``'s next version (the first one, usually)."""
    version = (network.competency_frameworks.aggregate(v=Max("version"))["v"] or 0) + 1
    framework = Framework.objects.create(
        network=network,
        version=version,
        name_mn=PROPOSAL_NAME[0],
        name_en=PROPOSAL_NAME[1],
        description_mn=PROPOSAL_DESCRIPTION[0],
        description_en=PROPOSAL_DESCRIPTION[1],
        is_proposal=True,
    )
    behaviours, required = [], []
    for area_position, (pillar, area_mn, area_en, competencies) in enumerate(AREAS, start=1):
        area = CompetencyArea.objects.create(
            framework=framework, position=area_position, pillar=pillar, name_mn=area_mn, name_en=area_en
        )
        for position, (code, mn, en, level3_mn, level3_en) in enumerate(competencies, start=1):
            competency = Competency.objects.create(area=area, code=code, position=position, name_mn=mn, name_en=en)
            for level in (1, 2, 3, 4):
                if level == 3:
                    text_mn, text_en = level3_mn, level3_en
                else:
                    pattern_mn, pattern_en = LEVEL_PATTERNS[level]
                    text_mn = pattern_mn.format(mn=mn)
                    text_en = pattern_en.format(en_lower=en[0].lower() + en[1:])
                behaviours.append(Behaviour(competency=competency, level=level, text_mn=text_mn, text_en=text_en))
            for role in LearnerRole.values:
                level = 2 if role == "volunteer" else (3 if area_position in ROLE_FOCUS[role] else 2)
                required.append(RequiredLevel(competency=competency, role=role, level=level))
    Behaviour.objects.bulk_create(behaviours)
    RequiredLevel.objects.bulk_create(required)
    if actor is not None:
        log_event(actor, AuditAction.FRAMEWORK_VERSIONED, network, framework=framework.pk, version=version)
    return framework


@transaction.atomic
def new_version(*, actor, framework: Framework, request=None) -> Framework:
    """Copy ``framework`` (areas, competencies, behaviours, required levels) as the network's next
    version, editable again."""
    if not can_manage_network(actor, framework.network):
        raise PermissionDenied
    network = framework.network
    version = (network.competency_frameworks.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
    copy = Framework.objects.create(
        network=network,
        version=version,
        name_mn=framework.name_mn,
        name_en=framework.name_en,
        description_mn=framework.description_mn,
        description_en=framework.description_en,
        is_proposal=framework.is_proposal,
        based_on=framework,
    )
    behaviours, required = [], []
    for area in framework.areas.prefetch_related("competencies__behaviours", "competencies__required_levels"):
        new_area = CompetencyArea.objects.create(
            framework=copy, position=area.position, pillar=area.pillar, name_mn=area.name_mn, name_en=area.name_en
        )
        for competency in area.competencies.all():
            new_competency = Competency.objects.create(
                area=new_area,
                code=competency.code,
                position=competency.position,
                name_mn=competency.name_mn,
                name_en=competency.name_en,
            )
            behaviours += [
                Behaviour(competency=new_competency, level=b.level, text_mn=b.text_mn, text_en=b.text_en)
                for b in competency.behaviours.all()
            ]
            required += [
                RequiredLevel(competency=new_competency, role=r.role, level=r.level)
                for r in competency.required_levels.all()
            ]
    Behaviour.objects.bulk_create(behaviours)
    RequiredLevel.objects.bulk_create(required)
    log_event(actor, AuditAction.FRAMEWORK_VERSIONED, network, request=request, framework=copy.pk, version=version)
    return copy


def check_editable(actor, framework: Framework) -> None:
    """Raise unless ``actor`` may change ``framework`` now (used by the back office and the pages)."""
    if framework.is_frozen:
        raise ValidationError(
            _("This version is used by an assessment round and cannot change; create a new version."), code="frozen"
        )
    if not can_edit_framework(actor, framework):
        raise PermissionDenied


@transaction.atomic
def save_competency(*, actor, area: CompetencyArea, data: dict, competency: Competency | None = None, request=None):
    """Create or change a competency of an editable framework version: its code and names, the
    behaviour statement of each level (an empty Mongolian statement removes it) and the level
    each role needs. ``data``: the cleaned ``CompetencyForm``."""
    framework = area.framework
    check_editable(actor, framework)
    clash = Competency.objects.filter(area__framework=framework, code=data["code"])
    if competency is not None:
        clash = clash.exclude(pk=competency.pk)
    if clash.exists():
        raise ValidationError(_("Another competency of this version has the code %(code)s.") % {"code": data["code"]})
    if competency is None:
        competency = Competency(area=area, position=area.competencies.count() + 1)
    competency.code, competency.name_mn, competency.name_en = data["code"], data["name_mn"], data.get("name_en", "")
    competency.save()
    for level in (1, 2, 3, 4):
        text_mn = (data.get(f"behaviour_{level}_mn") or "").strip()
        text_en = (data.get(f"behaviour_{level}_en") or "").strip()
        if text_mn:
            Behaviour.objects.update_or_create(
                competency=competency, level=level, defaults={"text_mn": text_mn, "text_en": text_en}
            )
        else:
            Behaviour.objects.filter(competency=competency, level=level).delete()
    for role in LearnerRole.values:
        RequiredLevel.objects.update_or_create(
            competency=competency, role=role, defaults={"level": data[f"required_{role}"]}
        )
    log_event(actor, AuditAction.FRAMEWORK_CHANGED, framework.network, request=request, competency=competency.code)
    return competency


@transaction.atomic
def adopt_framework(*, actor, framework: Framework, request=None) -> Framework:
    """The network adopts this version: it is no longer a proposal (and its next versions are not).
    Adopting changes no competency, so a version already used by a round may be adopted too."""
    if not can_manage_network(actor, framework.network):
        raise PermissionDenied
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.is_proposal:
        raise ValidationError(_("This version is already adopted."))
    framework.is_proposal = False
    framework.save(update_fields=["is_proposal"])
    log_event(
        actor,
        AuditAction.FRAMEWORK_CHANGED,
        framework.network,
        request=request,
        framework=framework.pk,
        version=framework.version,
        adopted=True,
    )
    return framework


@transaction.atomic
def save_area(*, actor, framework: Framework, data: dict, area: CompetencyArea | None = None, request=None):
    """Create or change a competency area of an editable version: its names, pillar and position.
    ``data``: the cleaned ``AreaForm``."""
    check_editable(actor, framework)
    if area is None:
        area = CompetencyArea(framework=framework)
    area.name_mn, area.name_en = data["name_mn"], data.get("name_en", "")
    area.pillar, area.position = data["pillar"], data["position"]
    area.save()
    log_event(actor, AuditAction.FRAMEWORK_CHANGED, framework.network, request=request, area=area.name_mn)
    return area
