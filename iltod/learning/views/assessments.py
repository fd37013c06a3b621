"""Assessment rounds: the administrator creates them and reads the heat map; invited people
answer on the site, on paper (printable A4) or in KoBo."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from iltod.lib import webhooks
from iltod.lib.tabular import XLSX_CONTENT_TYPE
from iltod.lib.xlsform import XLSFormError
from iltod.organizations.models import Organization

from .. import fieldforms
from ..forms.assessments import AssessmentForm, CapacityForm, InviteForm, RoundForm
from ..models import (
    Assessment,
    AssessmentRound,
    CapacityRating,
    GapSummary,
    LearnerRole,
    ProficiencyLevel,
    RoundInvitee,
)
from ..permissions import (
    answering_organizations,
    can_manage_round,
    can_record_capacity,
    can_view_round_results,
    get_network_to_manage,
    member_ids_of,
    networks_under,
)
from ..services import assessments as services

Scope = GapSummary.Scope
HEAT_ROWS = 30


@login_required
def round_list(request, code):
    network = get_network_to_manage(request.user, code)
    members = Organization.objects.filter(is_active=True, pk__in=member_ids_of(networks_under([network.pk]))).order_by(
        "name"
    )
    form = RoundForm(request.POST or None, network=network, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.create_round(
                actor=request.user,
                network=network,
                framework=data["framework"],
                name=data["name"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                organizations=data["organizations"],
                previous=data["previous"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Round created."))
            return redirect(round_.get_absolute_url())
    rounds = network.assessment_rounds.select_related("framework").order_by("-opens_on", "-pk")
    return render(
        request,
        "learning/assessments/round_list.html",
        {"network": network, "rounds": rounds, "form": form},
        status=400 if form.errors else 200,
    )


def _round(code):
    return get_object_or_404(AssessmentRound.objects.select_related("network", "framework", "previous"), code=code)


@login_required
def round_detail(request, code):
    round_ = _round(code)
    answering = answering_organizations(request.user, round_)
    results = can_view_round_results(request.user, round_)
    if not results and not answering.exists():
        raise Http404
    context = {"round": round_, "answering": answering, "results": results}
    if results:
        competencies = services.competencies_of(round_)
        scope = request.GET.get("scope")
        if scope not in Scope.values:
            scope = Scope.AIMAG
        # Few queries whatever the number of people: the scopes' names in order, the sums of the
        # page's scopes, and the network's own sums (topics, change and the number of people).
        page = Paginator(services.scope_names(round_, scope, competencies), HEAT_ROWS).get_page(request.GET.get("page"))
        names = dict(page.object_list)
        network = services.network_row(round_, competencies)
        rows = services.heat_map(round_, scope, competencies, scope_ids=list(names), names=names) if names else []
        context.update(
            competencies=competencies,
            scope=scope,
            scopes=Scope.choices,
            page=page,
            query=f"scope={scope}",
            heat_rows=heat_rows_html(rows),
            top=services.top_gaps(round_, competencies, row=network) if network else [],
            change=services.change_since_previous(round_, competencies, row=network),
            respondents=services.respondents(round_, row=network) if network else 0,
            bands=range(5),
        )
    own = Assessment.objects.filter(round=round_, user=request.user).first()
    context["own"] = own
    context["capacity_orgs"] = [o for o in answering if can_record_capacity(request.user, round_, o)]
    return render(request, "learning/assessments/round_detail.html", context)


def heat_rows_html(rows) -> SafeString:
    """The heat map's body rows, written here rather than by the template language: a page
    of 30 organisations by 20 competencies is 600 cells, and the template engine spent most of the
    page's time on them. Each cell: the mean gap, the number of people, and its colour band."""
    separator = get_format("DECIMAL_SEPARATOR")
    out = []
    for row in rows:
        cells = []
        for cell in row.cells:
            if cell.respondents:
                mean = f"{cell.mean_gap:.1f}".replace(".", separator)
                text = f'{mean} <span class="small">({cell.respondents})</span>'
            else:
                text = "—"
            cells.append(f'<td class="heat-{cell.band}">{text}</td>')
        out.append(f'<tr><th scope="row">{escape(row.label)}</th>{"".join(cells)}</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - labels escaped, the rest are numbers


@login_required
def round_answer(request, code):
    round_ = _round(code)
    organizations = answering_organizations(request.user, round_)
    if not organizations.exists():
        raise Http404
    if Assessment.objects.filter(round=round_, user=request.user).exists():
        messages.info(request, _("You have already answered this round."))
        return redirect(round_.get_absolute_url())
    competencies = services.competencies_of(round_)
    form = AssessmentForm(
        request.POST or None,
        competencies=competencies,
        organizations=organizations,
        initial={"full_name": request.user.full_name, "organization": organizations.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_assessment(
                round_=round_,
                organization=form.cleaned_data["organization"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                answers=form.answers(),
                user=request.user,
                entered_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your answers are recorded."))
            return redirect(round_.get_absolute_url())
    return render(
        request,
        "learning/assessments/answer.html",
        {"round": round_, "form": form, "levels": ProficiencyLevel.choices},
        status=400 if form.errors else 200,
    )


@login_required
def round_invite(request, code):
    """The network administrator invites people of the invited organisations and sees who was
    invited and who answered (a page of its own: a round may invite a thousand organisations)."""
    round_ = _round(code)
    if not can_manage_round(request.user, round_):
        raise Http404
    organizations = round_.invited_organizations.order_by("name", "pk")
    form = InviteForm(request.POST or None, organizations=organizations, prefix="invite")
    if request.method == "POST" and form.is_valid():
        try:
            invitee = services.invite_person(
                actor=request.user,
                round_=round_,
                organization=form.cleaned_data["organization"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            link = request.build_absolute_uri(invitee.get_absolute_url())
            messages.success(
                request,
                _("%(name)s is invited. Their private link: %(link)s") % {"name": invitee.full_name, "link": link},
            )
            return redirect("learning:round_invite", round_.code)
    invitees = round_.invitees.select_related("organization").order_by("-invited_at", "-pk")
    page = Paginator(invitees, HEAT_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/assessments/invite.html",
        {"round": round_, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


def _invitee(token: str) -> RoundInvitee:
    invitee = (
        RoundInvitee.objects.select_related("round__network", "round__framework", "organization", "assessment")
        .filter(token=token[:32])
        .exclude(token__isnull=True)
        .first()
    )
    if invitee is None:
        raise Http404
    return invitee


def invitation(request, token):
    """The invited person's own page, through their private link: the invitation and the form
    while they have not answered, then their answers with the gap to their role's level."""
    invitee = _invitee(token)
    round_ = invitee.round
    context = {"invitee": invitee, "round": round_, "levels": ProficiencyLevel.choices}
    if invitee.assessment_id is not None:
        context["ratings"] = invitee.assessment.ratings.select_related("competency").order_by(
            "competency__area__position", "competency__position", "competency__pk"
        )
        return render(request, "learning/assessments/invitation.html", context)
    competencies = services.competencies_of(round_)
    organizations = Organization.objects.filter(pk=invitee.organization_id)
    form = AssessmentForm(
        request.POST or None,
        competencies=competencies,
        organizations=organizations,
        initial={"full_name": invitee.full_name, "organization": invitee.organization},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_invitation(
                invitee,
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                answers=form.answers(),
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your answers are recorded."))
            return redirect(invitee.get_absolute_url())
    context["form"] = form
    return render(request, "learning/assessments/invitation.html", context, status=400 if form.errors else 200)


@login_required
def round_capacity(request, code, org_code):
    round_ = _round(code)
    organization = get_object_or_404(Organization, code=org_code)
    if not can_record_capacity(request.user, round_, organization):
        raise Http404
    existing = {c.item: c for c in CapacityRating.objects.filter(round=round_, organization=organization)}
    initial = {}
    for item, c in existing.items():
        initial[f"level_{item}"], initial[f"note_{item}"] = c.level, c.note
    form = CapacityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_capacity(
            actor=request.user, round_=round_, organization=organization, levels=form.levels(), request=request
        )
        messages.success(request, _("Organisational capacity recorded."))
        return redirect(round_.get_absolute_url())
    return render(
        request,
        "learning/assessments/capacity.html",
        {"round": round_, "organization": organization, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def round_print(request, code):
    """The A4 paper form of the round, for people who answer offline."""
    round_ = _round(code)
    if not (can_manage_round(request.user, round_) or answering_organizations(request.user, round_).exists()):
        raise Http404
    areas = round_.framework.areas.prefetch_related("competencies")
    return render(
        request,
        "learning/assessments/print.html",
        {"round": round_, "areas": areas, "levels": ProficiencyLevel.choices, "roles": LearnerRole.choices},
    )


@login_required
def round_xlsform(request, code):
    """The round's XLSForm for KoBoToolbox or ODK Collect."""
    round_ = _round(code)
    if not can_manage_round(request.user, round_):
        raise Http404
    try:
        content, version = fieldforms.generate_xlsform(round_)
    except XLSFormError as error:
        messages.error(request, _("The field form could not be made: %(error)s") % {"error": error})
        return redirect(round_.get_absolute_url())
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{fieldforms.form_id(round_)}-{version}.xlsx"'
    return response


@csrf_exempt
def kobo_webhook(request):
    """KoBoToolbox REST Service: one assessment per POST, with the secret of the other KoBo forms."""
    refused = webhooks.refuse(request, settings.KOBO_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = webhooks.read_body(request)
    if body is None:
        return webhooks.too_big()
    payload, error = webhooks.json_object(body)
    if payload is None:
        return JsonResponse({"status": "error", "errors": [error]}, status=400)
    with translation.override(settings.LANGUAGE_CODE):
        outcome = fieldforms.receive(payload)
        data = outcome.as_json()
    return JsonResponse(data, status=outcome.status, json_dumps_params={"ensure_ascii": False})
