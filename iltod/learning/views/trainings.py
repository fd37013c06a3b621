"""Pages of trainings and people: the list with the network's headline (unique people trained next
to participations), a training with its sessions, the printable sign-in sheet, attendance ticked or
entered from the sheet, scores, certificates and their public check, follow-ups (entered by the
administrator or answered by the participant through a private link), people, their figures and
the merge of duplicates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.engagement.views.shared import page_of, query_without_page
from iltod.lib.tabular import tabular_response

from .. import services, stats
from ..forms.trainings import (
    AttendanceForm,
    FollowUpForm,
    MergeForm,
    PeopleFilterForm,
    PersonForm,
    PublicFollowUpForm,
    RegisterPeopleForm,
    ScoresForm,
    SessionForm,
    SheetFormSet,
    SheetUploadForm,
    TrainingForm,
)
from ..models.trainings import Participation, Person, Training, TrainingSession
from ..permissions import can_manage_trainings, get_person, get_training

PER_PAGE = 25
DUPLICATE_GROUPS_PER_PAGE = 50
BLANK_SIGN_IN_ROWS = 15


def _done(request, message, url):
    messages.success(request, message)
    return redirect(url)


def _session(training, session_id):
    session = TrainingSession.objects.filter(training=training, pk=session_id).first()
    if session is None:
        raise Http404
    return session


def _participation(training, person_code):
    participation = (
        Participation.objects.select_related("person", "training").filter(training=training, person__code=person_code)
    ).first()
    if participation is None:
        raise Http404
    return participation


# --- trainings ----------------------------------------------------------------------------------


def training_list(request):
    manager = can_manage_trainings(request.user)
    trainings = Training.objects.select_related("organiser", "aimag").annotate(
        people=Count("participations", filter=Q(participations__sessions_attended__gt=0))
    )
    if not manager:
        trainings = trainings.filter(is_public=True)
    kind = request.GET.get("kind", "")
    if kind in Training.Kind.values:
        trainings = trainings.filter(kind=kind)
    page = Paginator(trainings.order_by("-starts_on", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/training_list.html",
        {
            "page": page,
            "kinds": Training.Kind.choices,
            "kind": kind,
            "headline": stats.headline(),
            "manager": manager,
        },
    )


@login_required
def training_create(request):
    if not can_manage_trainings(request.user):
        raise Http404
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.create_training(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The training was created."), training.get_absolute_url())
    return render(
        request,
        "learning/training_form.html",
        {"form": form, "training": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def training_edit(request, code):
    training = get_training(request.user, code, manage=True)
    form = TrainingForm(request.POST or None, instance=training)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        training.refresh_from_db()
        try:
            services.update_training(training, actor=request.user, request=request, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The training was saved."), training.get_absolute_url())
    return render(
        request,
        "learning/training_form.html",
        {"form": form, "training": training},
        status=400 if request.method == "POST" else 200,
    )


def training_detail(request, code):
    training = get_training(request.user, code)
    manager = can_manage_trainings(request.user)
    sessions = list(training.sessions.annotate(present=Count("attendances")))
    context = {
        "training": training,
        "sessions": sessions,
        "manager": manager,
        "trained": training.participations.trained().count(),
        "registered": training.participations.count(),
        # workshop documentation and other published library items tied to the training
        "documents": training.library_items.filter(published__isnull=False)
        .select_related("published")
        .order_by("-published__published_at", "-pk"),
    }
    if manager:
        context["participations"] = training.participations.select_related(
            "person", "person__organization", "follow_up"
        ).order_by("person__full_name", "pk")
        context["session_form"] = SessionForm()
    return render(request, "learning/training_detail.html", context)


@login_required
@require_POST
def session_add(request, code):
    training = get_training(request.user, code, manage=True)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.add_session(training, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The session was added."))
    else:
        messages.error(request, _("Give the session's date."))
    return redirect(training.get_absolute_url())


@login_required
def sign_in_sheet(request, code, session_id):
    """The sheet people sign at the door: registered people, then blank rows. Prints on A4."""
    training = get_training(request.user, code, manage=True)
    session = _session(training, session_id)
    participations = list(
        training.participations.select_related("person", "person__organization").order_by("person__full_name", "pk")
    )
    if request.GET.get("format") == "xlsx":
        header = [
            _("No."),
            _("Name"),
            _("Organisation"),
            _("Phone"),
            _("E-mail"),
            _("Sex"),
            _("Age group"),
            _("Stakeholder type"),
            _("Signature"),
        ]
        rows = [
            [
                n,
                p.person.full_name,
                p.person.organization_label,
                p.person.phone,
                p.person.email,
                p.person.get_sex_display(),
                p.person.get_age_group_display(),
                p.person.get_stakeholder_type_display(),
                "",
            ]
            for n, p in enumerate(participations, start=1)
        ]
        rows += [[len(rows) + n, "", "", "", "", "", "", "", ""] for n in range(1, BLANK_SIGN_IN_ROWS + 1)]
        return tabular_response(f"iltod-sign-in-{training.code}-{session.held_on:%Y%m%d}", header, rows, "xlsx")
    return render(
        request,
        "learning/sign_in_sheet.html",
        {
            "training": training,
            "session": session,
            "participations": participations,
            "blank_rows": range(len(participations) + 1, len(participations) + BLANK_SIGN_IN_ROWS + 1),
        },
    )


@login_required
def session_attendance(request, code, session_id):
    """Who came to a session: tick registered people, type the sheet's other rows, or upload it."""
    training = get_training(request.user, code, manage=True)
    session = _session(training, session_id)
    tick_form = AttendanceForm(session=session)
    sheet = SheetFormSet(prefix="row")
    upload_form = SheetUploadForm()
    back = reverse("learning:session_attendance", args=[training.code, session.pk])
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "tick":
                tick_form = AttendanceForm(request.POST, session=session)
                if tick_form.is_valid():
                    services.set_session_attendance(
                        session, actor=request.user, participations=tick_form.cleaned_data["present"], request=request
                    )
                    return _done(request, _("Attendance was saved."), back)
            elif action == "sheet":
                sheet = SheetFormSet(request.POST, prefix="row")
                if sheet.is_valid():
                    rows = [form.details(training.aimag) for form in sheet.forms if form.has_changed()]
                    result = services.enter_sheet(session, rows, actor=request.user, request=request)
                    return _done(request, _sheet_message(result), back)
            elif action == "upload":
                upload_form = SheetUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    rows = [form.details(training.aimag) for form in upload_form.row_forms]
                    result = services.enter_sheet(session, rows, actor=request.user, request=request)
                    return _done(request, _sheet_message(result), back)
            else:
                messages.error(request, _("Choose what to save."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "learning/session_attendance.html",
        {
            "training": training,
            "session": session,
            "tick_form": tick_form,
            "sheet": sheet,
            "upload_form": upload_form,
        },
        status=400 if request.method == "POST" else 200,
    )


REGISTER_SEARCH_LIMIT = 30  # people shown for a search on the registration page: narrow it to see others


@login_required
def training_register(request, code):
    """Register people before the training (the sign-in sheet then lists them, and the reminder
    before the training reaches them): pick people already known, type rows as on a sign-in
    sheet, or upload one."""
    training = get_training(request.user, code, manage=True)
    pick_form = RegisterPeopleForm()
    sheet = SheetFormSet(prefix="row")
    upload_form = SheetUploadForm()
    back = reverse("learning:training_register", args=[training.code])
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            rows, people = None, ()
            if action == "pick":
                pick_form = RegisterPeopleForm(request.POST)
                if pick_form.is_valid():
                    rows, people = [], pick_form.cleaned_data["people"]
            elif action == "sheet":
                sheet = SheetFormSet(request.POST, prefix="row")
                if sheet.is_valid():
                    rows = [form.details(training.aimag) for form in sheet.forms if form.has_changed()]
            elif action == "upload":
                upload_form = SheetUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    rows = [form.details(training.aimag) for form in upload_form.row_forms]
            else:
                messages.error(request, _("Choose what to save."))
            if rows is not None:
                result = services.register_people(training, rows, people=people, actor=request.user, request=request)
                return _done(
                    request,
                    _("%(registered)s people newly registered (%(new)s new, %(known)s found again).")
                    % {"registered": result.registered, "new": result.new_people, "known": result.known_people},
                    back,
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    search = PeopleFilterForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        found = list(
            services.has_people_matching(search.cleaned_data["q"])
            .exclude(participations__training=training)
            .select_related("organization")
            .order_by("full_name", "pk")[:REGISTER_SEARCH_LIMIT]
        )
    registered = training.participations.select_related("person", "person__organization").order_by(
        "person__full_name", "pk"
    )
    return render(
        request,
        "learning/training_register.html",
        {
            "training": training,
            "sessions": training.sessions.all(),
            "registered": registered,
            "search": search,
            "found": found,
            "pick_form": pick_form,
            "sheet": sheet,
            "upload_form": upload_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _sheet_message(result) -> str:
    return _(
        "%(present)s people marked present: %(new)s new, %(known)s found again (%(registered)s newly registered)."
    ) % {
        "present": result.present,
        "new": result.new_people,
        "known": result.known_people,
        "registered": result.registered,
    }


@login_required
def training_scores(request, code):
    training = get_training(request.user, code, manage=True)
    participations = list(training.participations.select_related("person").order_by("person__full_name", "pk"))
    form = ScoresForm(request.POST or None, training=training, participations=participations)
    if request.method == "POST" and form.is_valid():
        try:
            for participation, pre, post in form.changed_scores():
                services.record_scores(
                    participation, actor=request.user, pre_score=pre, post_score=post, request=request
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The scores were saved."), training.get_absolute_url())
    return render(
        request,
        "learning/training_scores.html",
        {"training": training, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def certificate_issue(request, code, person_code):
    training = get_training(request.user, code, manage=True)
    participation = _participation(training, person_code)
    try:
        participation = services.issue_certificate(participation, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(training.get_absolute_url())
    return redirect("learning:certificate_print", training.code, person_code)


@login_required
def certificate_print(request, code, person_code):
    training = get_training(request.user, code, manage=True)
    participation = _participation(training, person_code)
    if not participation.certificate_code:
        raise Http404
    return render(
        request,
        "learning/certificate.html",
        {"training": training, "participation": participation, "check_url": _check_url(request, participation)},
    )


def _check_url(request, participation) -> str:
    return request.build_absolute_uri(reverse("learning:certificate_check", args=[participation.certificate_code]))


def certificate_check(request, code):
    """Public: is this certificate real? Shows the name, the training and its dates only."""
    participation = (
        Participation.objects.select_related("person", "training", "training__organiser")
        .filter(certificate_code=code.strip().upper()[:12])
        .first()
    )
    return render(
        request,
        "learning/certificate_check.html",
        {"participation": participation, "code": code[:12]},
        status=200 if participation else 404,
    )


@login_required
def follow_up_edit(request, code, person_code):
    training = get_training(request.user, code, manage=True)
    participation = _participation(training, person_code)
    existing = getattr(participation, "follow_up", None)
    initial = None
    if existing:
        initial = {
            "answered_on": existing.answered_on,
            "applied": "yes" if existing.applied else "no",
            "with_whom": existing.with_whom,
            "what_changed": existing.what_changed,
            "changed_practice": existing.changed_practice,
            "cited_records": existing.cited_records,
        }
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(participation, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The follow-up was saved."), training.get_absolute_url())
    return render(
        request,
        "learning/follow_up_form.html",
        {"training": training, "participation": participation, "form": form, "public": False},
        status=400 if request.method == "POST" else 200,
    )


def follow_up_answer(request, token):
    """The participant's own answer, through the private link of their reminder."""
    participation = (
        Participation.objects.select_related("person", "training")
        .filter(follow_up_token=token[:32])
        .exclude(follow_up_token__isnull=True)
        .first()
    )
    if participation is None or not token:
        raise Http404
    if hasattr(participation, "follow_up"):
        return render(request, "learning/follow_up_thanks.html", {"participation": participation})
    form = PublicFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                participation, actor=None, request=request, answered_on=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "learning/follow_up_thanks.html", {"participation": participation})
    return render(
        request,
        "learning/follow_up_form.html",
        {"training": participation.training, "participation": participation, "form": form, "public": True},
        status=400 if request.method == "POST" else 200,
    )


# --- people -------------------------------------------------------------------------------------


@login_required
def people_list(request):
    if not can_manage_trainings(request.user):
        raise Http404
    form = PeopleFilterForm(request.GET or None)
    people = Person.objects.active().select_related("organization", "aimag")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            people = services.has_people_matching(data["q"])
            people = people.select_related("organization", "aimag")
        if data["aimag"]:
            people = people.filter(aimag=data["aimag"])
        if data["sex"]:
            people = people.filter(sex=data["sex"])
        if data["stakeholder_type"]:
            people = people.filter(stakeholder_type=data["stakeholder_type"])
    people = people.annotate(trainings=Count("participations", filter=Q(participations__sessions_attended__gt=0)))
    page = Paginator(people.order_by("full_name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "learning/people_list.html", {"form": form, "page": page, "query": query.urlencode()})


def people_figures(request):
    """The network's headline, public: unique people trained, disaggregated, next to participations."""
    dimensions = [
        ("sex", _("Sex")),
        ("age_group", _("Age group")),
        ("aimag", _("Aimag or capital")),
        ("stakeholder_type", _("Stakeholder type")),
    ]
    if can_manage_trainings(request.user):
        # groups and disability are told with consent: only counts, and only to the administrators
        dimensions += [("group", _("Poor or marginalised group")), ("disability", _("Disability"))]
    headline = stats.headline()
    known = {"sex": headline["by_sex"], "age_group": headline["by_age"]}  # counted with the headline
    tables = [(label, known.get(dimension) or stats.disaggregation(dimension)) for dimension, label in dimensions]
    return render(request, "learning/people_figures.html", {"headline": headline, "tables": tables})


@login_required
def person_detail(request, code):
    person = get_person(request.user, code)
    if person.merged_into_id:
        messages.info(request, _("This record was merged into another person."))
        return redirect(person.merged_into.get_absolute_url())
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        person.refresh_from_db()
        try:
            services.update_person(person, actor=request.user, request=request, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The details were saved."), person.get_absolute_url())
    participations = person.participations.select_related("training", "follow_up").order_by("-held_on")
    return render(
        request,
        "learning/person_detail.html",
        {"person": person, "form": form, "participations": participations, "merge_form": MergeForm(keep=person)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def person_merge(request, code):
    keep = get_person(request.user, code)
    form = MergeForm(request.POST, keep=keep)
    if form.is_valid():
        try:
            services.merge_people(keep, form.cleaned_data["duplicate"], actor=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The two records were merged."))
    else:
        messages.error(request, " ".join(form.errors["duplicate"]))
    return redirect(keep.get_absolute_url())


@login_required
def people_duplicates(request):
    """Likely duplicates: active people sharing a name in the same organisation."""
    if not can_manage_trainings(request.user):
        raise Http404
    keys = (
        Person.objects.active()
        .exclude(name_key="")
        .values("name_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n", "name_key")
    )
    page = page_of(request, keys, DUPLICATE_GROUPS_PER_PAGE)
    wanted = [k["name_key"] for k in page]
    people = Person.objects.active().filter(name_key__in=wanted).select_related("organization")
    by_key = {}
    for person in people.order_by("pk"):
        by_key.setdefault(person.name_key, []).append(person)
    groups = [by_key[key] for key in wanted if key in by_key]
    return render(
        request,
        "learning/people_duplicates.html",
        {"groups": groups, "page": page, "query": query_without_page(request)},
    )


urlpatterns = [
    path("trainings/", training_list, name="training_list"),
    path("trainings/new/", training_create, name="training_create"),
    path("trainings/<str:code>/", training_detail, name="training_detail"),
    path("trainings/<str:code>/edit/", training_edit, name="training_edit"),
    path("trainings/<str:code>/register/", training_register, name="training_register"),
    path("trainings/<str:code>/sessions/", session_add, name="session_add"),
    path("trainings/<str:code>/sessions/<int:session_id>/sign-in/", sign_in_sheet, name="sign_in_sheet"),
    path("trainings/<str:code>/sessions/<int:session_id>/attendance/", session_attendance, name="session_attendance"),
    path("trainings/<str:code>/scores/", training_scores, name="training_scores"),
    path("trainings/<str:code>/people/<str:person_code>/certificate/", certificate_print, name="certificate_print"),
    path(
        "trainings/<str:code>/people/<str:person_code>/certificate/issue/", certificate_issue, name="certificate_issue"
    ),
    path("trainings/<str:code>/people/<str:person_code>/follow-up/", follow_up_edit, name="follow_up_edit"),
    path("certificates/<str:code>/", certificate_check, name="certificate_check"),
    path("follow-up/<str:token>/", follow_up_answer, name="follow_up_answer"),
    path("people/", people_list, name="people_list"),
    path("people/figures/", people_figures, name="people_figures"),
    path("people/duplicates/", people_duplicates, name="people_duplicates"),
    path("people/<str:code>/", person_detail, name="person_detail"),
    path("people/<str:code>/merge/", person_merge, name="person_merge"),
]
