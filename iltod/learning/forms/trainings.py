"""Forms of trainings and people: the training, the sign-in sheet's rows (typed in or uploaded),
attendance, scores, follow-ups, a person's details and the merge of duplicates."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from iltod.engagement.models import AgeBand, Sex, StakeholderType
from iltod.lib.phones import normalize_phone
from iltod.lib.tabular import TabularError, read_rows
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit

from ..models.competencies import Competency, Framework
from ..models.trainings import MarginalisedGroup, Person, Training
from ..services.trainings import PersonDetails

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHEET_ROWS = 12  # blank rows of the typing grid; more rows: upload the sheet as CSV/XLSX
MAX_SHEET_ROWS = 500


def top_units():
    return AdminUnit.objects.current().top_level().order_by("level", "name")


def _current_competencies(training):
    """The competencies of each network's newest framework version, and those the training
    already names."""
    newest = {}
    for framework_id, network_id in Framework.objects.order_by("version").values_list("pk", "network_id"):
        newest[network_id] = framework_id
    chosen = training.competencies.values("pk") if training.pk else Competency.objects.none().values("pk")
    return (
        Competency.objects.filter(Q(area__framework_id__in=newest.values()) | Q(pk__in=chosen))
        .select_related("area")
        .order_by("area__framework_id", "area__position", "position", "pk")
    )


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = [
            "title",
            "kind",
            "status",
            "description",
            "organiser",
            "trainers",
            "is_online",
            "venue",
            "aimag",
            "starts_on",
            "ends_on",
            "max_score",
            "is_public",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Organization.objects.filter(is_active=True).order_by("name")
        self.fields["aimag"].queryset = top_units()
        self.fields["description"].max_length = 20000
        self.fields["competencies"] = forms.ModelMultipleChoiceField(
            label=_("Competencies addressed"),
            queryset=_current_competencies(self.instance),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=self.instance.competencies.all() if self.instance.pk else None,
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A training cannot end before it starts."))
        if data.get("starts_on") and data.get("ends_on") and (data["ends_on"] - data["starts_on"]).days > 366:
            self.add_error("ends_on", _("A training lasts at most a year."))
        if not data.get("is_online") and not data.get("venue"):
            self.add_error("venue", _("Give the place, or tick online."))
        return data


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=255, required=False)


def _choice_value(text: str, choices) -> str | None:
    """A choice from its code or its label in either language (``эм``, ``female``, ``female``)."""
    text = (text or "").strip().lower()
    if not text:
        return ""
    for value, label in choices:
        if text == str(value).lower():
            return value
        for language in ("mn", "en"):
            with override(language):
                if text == str(label).lower():
                    return value
    return None


def organization_by_name(name: str):
    name = (name or "").strip()
    if not name:
        return None
    return (
        Organization.objects.filter(is_active=True)
        .filter(Q(name__iexact=name) | Q(short_name__iexact=name) | Q(name_en__iexact=name))
        .order_by("pk")
        .first()
    )


class PersonRowForm(forms.Form):
    """One row of a sign-in sheet, as typed from the paper."""

    full_name = forms.CharField(label=_("Name"), max_length=255)
    organization_name = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNDISCLOSED)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN)
    stakeholder_type = forms.ChoiceField(
        label=_("Stakeholder type"), choices=StakeholderType.choices, initial=StakeholderType.CSO
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not normalize_phone(phone):
            raise ValidationError(_("Enter a valid phone number."))
        return phone

    def details(self, aimag=None) -> PersonDetails:
        data = self.cleaned_data
        organization = organization_by_name(data["organization_name"])
        return PersonDetails(
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
            organization=organization,
            organization_name=data["organization_name"],
            sex=data["sex"],
            age_group=data["age_group"],
            stakeholder_type=data["stakeholder_type"],
            aimag=aimag,
        )


class BaseSheetFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("Type at least one row of the sheet."))


SheetFormSet = forms.formset_factory(
    PersonRowForm, formset=BaseSheetFormSet, extra=SHEET_ROWS, max_num=MAX_SHEET_ROWS, validate_max=True
)

SHEET_COLUMNS = {
    "full_name": ("name", "нэр", "full_name"),
    "organization_name": ("organisation", "organization", "байгууллага", "organization_name"),
    "phone": ("phone", "утас"),
    "email": ("e-mail", "email", "и-мэйл", "цахим шуудан"),
    "sex": ("sex", "хүйс"),
    "age_group": ("age group", "age", "нас", "насны бүлэг", "age_group"),
    "stakeholder_type": ("stakeholder type", "оролцогч талын төрөл", "stakeholder_type"),
}


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Sign-in sheet (CSV or XLSX)"),
        help_text=_("Columns: name, organisation, phone, e-mail, sex, age group, stakeholder type."),
    )

    def clean_file(self):
        """Every row through PersonRowForm; errors carry the row number; nothing is kept if one
        row is wrong."""
        uploaded = self.cleaned_data["file"]
        try:
            rows = read_rows(uploaded)
        except TabularError as exc:
            raise ValidationError(str(exc)) from None
        if not rows:
            raise ValidationError(_("The file has no rows."))
        if len(rows) > MAX_SHEET_ROWS:
            raise ValidationError(_("At most %(n)s rows at a time.") % {"n": MAX_SHEET_ROWS})
        errors, forms_ = [], []
        for row in rows:
            values = {}
            for name, headers in SHEET_COLUMNS.items():
                values[name] = next((row.get(h) for h in headers if row.get(h)), "")
            for name, choices in (
                ("sex", Sex.choices),
                ("age_group", AgeBand.choices),
                ("stakeholder_type", StakeholderType.choices),
            ):
                value = _choice_value(values[name], choices)
                if value is None:
                    errors.append(
                        _("Row %(row)s, %(column)s: “%(value)s” is not one of the choices.")
                        % {"row": row.number, "column": PersonRowForm.base_fields[name].label, "value": values[name]}
                    )
                    value = ""
                values[name] = value or PersonRowForm.base_fields[name].initial
            form = PersonRowForm(values)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    label = PersonRowForm.base_fields[name].label if name in PersonRowForm.base_fields else ""
                    for message in messages:
                        errors.append(
                            _("Row %(row)s, %(column)s: %(message)s")
                            % {"row": row.number, "column": label, "message": message}
                        )
            forms_.append(form)
        if errors:
            raise ValidationError(errors)
        self.row_forms = forms_
        return uploaded


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault("initial", {"present": list(session.attendances.values_list("participation_id", flat=True))})
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = session.training.participations.select_related("person").order_by("person__full_name")
        field.label_from_instance = lambda p: (
            p.person.full_name + (f" ({p.person.organization_label})" if p.person.organization_label else "")
        )


class RegisterPeopleForm(forms.Form):
    """People already known, picked from a search on the registration page."""

    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=Person.objects.none(), to_field_name="code", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.active()


class ScoresForm(forms.Form):
    """Pre- and post-test scores of every participant, in one grid."""

    def __init__(self, *args, training, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        self.rows = []
        for participation in participations:
            pre = forms.DecimalField(
                label=_("Pre-test score of %(name)s") % {"name": participation.person.full_name},
                required=False,
                min_value=0,
                max_value=training.max_score,
                decimal_places=1,
                initial=participation.pre_score,
            )
            post = forms.DecimalField(
                label=_("Post-test score of %(name)s") % {"name": participation.person.full_name},
                required=False,
                min_value=0,
                max_value=training.max_score,
                decimal_places=1,
                initial=participation.post_score,
            )
            pre.widget.attrs.update(size=5, inputmode="decimal")
            post.widget.attrs.update(size=5, inputmode="decimal")
            self.fields[f"pre_{participation.pk}"] = pre
            self.fields[f"post_{participation.pk}"] = post
            self.rows.append((participation, self[f"pre_{participation.pk}"], self[f"post_{participation.pk}"]))

    def changed_scores(self):
        for participation, _pre, _post in self.rows:
            pre = self.cleaned_data.get(f"pre_{participation.pk}")
            post = self.cleaned_data.get(f"post_{participation.pk}")
            if (pre, post) != (participation.pre_score, participation.post_score):
                yield participation, pre, post


class FollowUpForm(forms.Form):
    answered_on = forms.DateField(label=_("Date of the answer"), widget=DATE, initial=timezone.localdate)
    applied = forms.TypedChoiceField(
        label=_("Did you apply what you learned?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    with_whom = forms.CharField(
        label=_("With whom?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_changed = forms.CharField(
        label=_("What changed?"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    changed_practice = forms.BooleanField(label=_("The way I or my organisation works has changed"), required=False)
    cited_records = forms.CharField(
        label=_("Platform records (optional)"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The address or code of a score card, an action plan or a monitoring case, one per line."),
    )


class PublicFollowUpForm(FollowUpForm):
    """The participant answers through their private link: the date is today."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["answered_on"]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "full_name",
            "sex",
            "age_group",
            "stakeholder_type",
            "organization",
            "organization_name",
            "aimag",
            "soum",
            "phone",
            "email",
            "consents_to_sensitive",
            "marginalised_group",
            "has_disability",
        ]
        widgets = {
            "has_disability": forms.NullBooleanSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True).order_by("name")
        self.fields["aimag"].queryset = top_units()
        # every current soum and district, grouped under its aimag; the choice is checked against the aimag
        self.fields["soum"].queryset = (
            AdminUnit.objects.current()
            .filter(level__in=[AdminUnit.Level.SOUM, AdminUnit.Level.DISTRICT])
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        self.fields["soum"].label_from_instance = lambda unit: f"{unit.parent.name} — {unit.name}"
        self.fields["marginalised_group"].choices = MarginalisedGroup.choices

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not normalize_phone(phone):
            raise ValidationError(_("Enter a valid phone number."))
        return normalize_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        if not data.get("consents_to_sensitive") and (
            data.get("marginalised_group") or data.get("has_disability") is not None
        ):
            raise ValidationError(_("A group or a disability is recorded only when the person agrees to say."))
        return data  # a soum outside the aimag: Person.clean, run by the model form

    def validate_unique(self):
        pass  # the service refuses a phone or e-mail another person has, with a merge hint


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, phone or e-mail"), required=False, max_length=100)
    aimag = forms.ModelChoiceField(
        label=_("Aimag or capital"), queryset=AdminUnit.objects.none(), required=False, to_field_name="code"
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("All")), *Sex.choices], required=False)
    stakeholder_type = forms.ChoiceField(
        label=_("Stakeholder type"), choices=[("", _("All")), *StakeholderType.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aimag"].queryset = top_units()


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label=_("Code of the duplicate record"),
        max_length=12,
        help_text=_("Its participations move to this person, and the duplicate is closed."),
    )

    def __init__(self, *args, keep, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep = keep

    def clean_duplicate(self):
        code = self.cleaned_data["duplicate"].strip().upper()
        person = Person.objects.active().filter(code=code).exclude(pk=self.keep.pk).first()
        if person is None:
            raise ValidationError(_("No other active person has this code."))
        return person
