"""Forms for groups, members, meetings, attendance, documents, local issues, evidence,
prioritisation and projects. Validation lives here and in the services, never in templates."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.feedback.models import Feedback
from iltod.feedback.uploads import MAX_BYTES
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

from ..models import AgeBand, Evidence, Group, GroupMember, LocalIssue, Meeting, Project, Sex, StakeholderType
from ..permissions import coordinated_groups, coordinating_organizations

__all__ = [
    "AttendanceCountForm",
    "AttendanceForm",
    "DocumentForm",
    "EvidenceForm",
    "GroupFilterForm",
    "GroupForm",
    "GuestForm",
    "IssueForm",
    "MeetingForm",
    "MemberForm",
    "PrioritisationForm",
    "ProjectFilterForm",
    "ProjectForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
CODE_SPLIT = re.compile(r"[\s,;]+")
LONG_TEXT = 20000  # characters in a free text (agenda, minutes, description…): several printed pages


def _limit_text(form, *names, limit=LONG_TEXT):
    """Give the model's unbounded text fields a length limit, with the usual translated message."""
    for name in names:
        field = form.fields[name]
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = str(limit)


class GroupFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Aimag or capital"),
        queryset=AdminUnit.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All of Mongolia"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All sectors"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AdminUnit.objects.current().top_level().order_by("level", "name")
        self.fields["sector"].queryset = Sector.objects.all()


def _facility_by_code(code: str, area: AdminUnit | None = None):
    """The facility of a code (or registry code); with ``area``, only one in that aimag, district or soum."""
    code = (code or "").strip()
    if not code:
        return None
    facility = ServiceUnit.objects.filter(code=code).first() or ServiceUnit.objects.filter(registry_code=code).first()
    if facility is None:
        raise ValidationError(_("No facility has the code “%(code)s”.") % {"code": code})
    if area is not None and facility.admin_unit_id not in set(area.descendant_ids()):
        raise ValidationError(
            _("“%(facility)s” is not in %(area)s, where the group works.") % {"facility": facility, "area": area}
        )
    return facility


class AreaChoice(forms.ModelChoiceField):
    """Soum and district names repeat across aimags: show the aimag (or the capital) too."""

    def label_from_instance(self, obj):
        if obj.parent_id and obj.parent.level != AdminUnit.Level.COUNTRY:
            return f"{obj.parent.name} › {obj.name}"
        return obj.name


class GroupForm(forms.Form):
    name_mn = forms.CharField(label=_("Name (Mongolian)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    admin_unit = AreaChoice(
        label=_("Area"),
        queryset=AdminUnit.objects.none(),
        to_field_name="code",
        help_text=_("The aimag, district or soum the group works for."),
    )
    facility = forms.CharField(
        label=_("Facility code"),
        required=False,
        max_length=32,
        help_text=_("Only for a group that works for one facility."),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"), queryset=Sector.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    convening_organization = forms.ModelChoiceField(
        label=_("Convening organisation"), queryset=Organization.objects.none()
    )
    description_mn = forms.CharField(
        label=_("Description (Mongolian)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONG_TEXT,
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG_TEXT
    )
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DATE)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    is_public = forms.BooleanField(
        label=_("Public"), required=False, initial=True, help_text=_("Show the group's public page.")
    )

    def __init__(self, *args, user, group=None, **kwargs):
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name_mn": group.name_mn,
                    "name_en": group.name_en,
                    "admin_unit": group.admin_unit.code,
                    "facility": group.service_unit.code if group.service_unit_id else "",
                    "sectors": list(group.sectors.all()),
                    "convening_organization": group.convening_organization_id,
                    "description_mn": group.description_mn,
                    "description_en": group.description_en,
                    "established_on": group.established_on,
                    "is_active": group.is_active,
                    "is_public": group.is_public,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["admin_unit"].queryset = (
            AdminUnit.objects.current().exclude(level=AdminUnit.Level.COUNTRY).select_related("parent").order_by("code")
        )
        self.fields["sectors"].queryset = Sector.objects.all()
        self.fields["convening_organization"].queryset = coordinating_organizations(
            user, keep=group.convening_organization_id if group is not None else None
        )
        if group is not None and group.convening_organization_id is None:
            # A group made without one (a facility's group…) stays editable by its coordinator members.
            self.fields["convening_organization"].required = False

    def clean(self):
        data = super().clean()
        area = data.get("admin_unit")
        if area is not None and "facility" not in self.errors:
            try:
                data["facility"] = _facility_by_code(self.data.get("facility", ""), area)
            except ValidationError as exc:
                self.add_error("facility", exc)
        return data

    def clean_facility(self):
        return _facility_by_code(self.cleaned_data["facility"])

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name_mn"],
            "name_mn": data["name_mn"],
            "name_en": data["name_en"],
            "admin_unit": data["admin_unit"],
            "service_unit": data["facility"],
            "convening_organization": data["convening_organization"],
            "description_mn": data["description_mn"],
            "description_en": data["description_en"],
            "established_on": data["established_on"],
            "is_active": data["is_active"],
            "is_public": data["is_public"],
        }


class MemberForm(forms.ModelForm):
    user_email = forms.EmailField(
        label=_("User account (e-mail)"),
        required=False,
        help_text=_("A member with an account can see the group's records and report on actions."),
    )

    class Meta:
        model = GroupMember
        fields = [
            "person_name",
            "organization",
            "position",
            "stakeholder_type",
            "sex",
            "age_band",
            "role",
            "phone",
            "email",
            "joined_on",
            "left_on",
        ]
        widgets = {"joined_on": DATE, "left_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Q(is_active=True)
        if self.instance.organization_id:
            organizations |= Q(pk=self.instance.organization_id)  # kept when it has closed since
        self.fields["organization"].queryset = Organization.objects.filter(organizations).order_by("name")
        if self.instance.pk and self.instance.user_id:
            self.fields["user_email"].initial = self.instance.user.email

    def clean_user_email(self):
        email = self.cleaned_data["user_email"].strip()
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user account has this e-mail address."))
        return user

    def clean(self):
        data = super().clean()
        if not (data.get("person_name", "").strip() or data.get("organization") or data.get("user_email")):
            raise ValidationError(_("Give the member's name, an organisation or a user account."))
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("The date the member left cannot be before the date they joined."))
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["user"] = self.cleaned_data["user_email"]
        return fields


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "status",
            "held_on",
            "starts_at",
            "ends_at",
            "venue",
            "agenda",
            "minutes",
            "decisions",
            "is_public",
        ]
        widgets = {
            "held_on": DATE,
            "starts_at": TIME,
            "ends_at": TIME,
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_text(self, "agenda", "minutes", "decisions")

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The meeting cannot end before it starts."))
        held_on = data.get("held_on")
        if data.get("status") == Meeting.Status.HELD and held_on and held_on > timezone.localdate():
            self.add_error("held_on", _("A meeting in the future cannot be marked as held."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} · {obj.get_stakeholder_type_display()}"


class AttendanceForm(forms.Form):
    members = MemberChoices(
        label=_("Members present"),
        queryset=GroupMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting, **kwargs):
        present = list(meeting.attendees.filter(member__isnull=False).values_list("member_id", flat=True))
        kwargs.setdefault("initial", {"members": present})
        super().__init__(*args, **kwargs)
        # Members of the group on the meeting's date, and anyone already ticked (even if they left since).
        on_date = GroupMember.objects.current(meeting.held_on).filter(group=meeting.group).values("pk")
        self.fields["members"].queryset = (
            GroupMember.objects.filter(group=meeting.group)
            .filter(Q(pk__in=on_date) | Q(pk__in=present))
            .select_related("organization", "user")
            .order_by("person_name", "pk")
        )


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    organization_name = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    stakeholder_type = forms.ChoiceField(label=_("Stakeholder type"), choices=StakeholderType.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNDISCLOSED)
    age_band = forms.ChoiceField(label=_("Age"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN)


class AttendanceCountForm(forms.Form):
    """A grid of numbers: stakeholder types down, sexes across."""

    SEXES = [Sex.FEMALE, Sex.MALE, Sex.UNDISCLOSED]

    def __init__(self, *args, meeting, **kwargs):
        initial = {f"n_{c.stakeholder_type}_{c.sex}": c.count for c in meeting.attendance_counts.all()}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.grid = []
        for value, label in StakeholderType.choices:
            row = []
            for sex in self.SEXES:
                name = f"n_{value}_{sex}"
                self.fields[name] = forms.IntegerField(
                    label=f"{label}: {sex.label}",
                    min_value=0,
                    max_value=10000,
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 0, "max": 10000, "inputmode": "numeric", "size": 4}),
                )
                row.append(name)
            self.grid.append((label, [self[name] for name in row]))

    def counts(self) -> dict:
        return {
            (value, sex.value): self.cleaned_data.get(f"n_{value}_{sex}") or 0
            for value in StakeholderType.values
            for sex in self.SEXES
        }


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("A photo (JPEG, PNG, WebP) or a PDF document, at most 5 MB."))
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    is_public = forms.BooleanField(
        label=_("Public"), required=False, initial=True, help_text=_("Shown on the public page of a public record.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
        return upload


class IssueForm(forms.ModelForm):
    facility = forms.CharField(label=_("Facility code"), required=False, max_length=32)

    class Meta:
        model = LocalIssue
        fields = ["title", "description", "sector", "status", "raised_at", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["raised_at"].queryset = Meeting.objects.filter(group=group).order_by("-held_on")
        self.fields["sector"].queryset = Sector.objects.all()
        _limit_text(self, "description")
        if self.instance.pk and self.instance.service_unit_id:
            self.fields["facility"].initial = self.instance.service_unit.code

    def clean_facility(self):
        return _facility_by_code(self.cleaned_data["facility"], self.group.admin_unit)

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        facility = self.cleaned_data["facility"]
        fields["service_unit"] = facility
        fields["admin_unit"] = facility.admin_unit if facility else self.group.admin_unit
        if fields["sector"] is None and facility is not None:
            fields["sector"] = facility.sector
        return fields


class EvidenceForm(forms.Form):
    KINDS = [
        (Evidence.Kind.FEEDBACK, Evidence.Kind.FEEDBACK.label),
        (Evidence.Kind.SCORECARD, Evidence.Kind.SCORECARD.label),
        (Evidence.Kind.DISCLOSURE, Evidence.Kind.DISCLOSURE.label),
        (Evidence.Kind.LINK, Evidence.Kind.LINK.label),
        (Evidence.Kind.NOTE, Evidence.Kind.NOTE.label),
    ]
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    feedback_code = forms.CharField(
        label=_("Feedback tracking code"), required=False, max_length=16, help_text=_("For citizen feedback.")
    )
    url = forms.URLField(
        assume_scheme="https",
        label=_("Address"),
        required=False,
        help_text=_("The page of the score card result, disclosure or link."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data["feedback"] = None
        if kind == Evidence.Kind.FEEDBACK:
            code = (data.get("feedback_code") or "").strip().upper()
            if not code:
                self.add_error("feedback_code", _("Give the tracking code of the feedback."))
            else:
                feedback = Feedback.objects.exclude(status=Feedback.Status.DUPLICATE).filter(tracking_code=code).first()
                if feedback is None:
                    self.add_error("feedback_code", _("No feedback has this code."))
                data["feedback"] = feedback
        elif kind in (Evidence.Kind.SCORECARD, Evidence.Kind.DISCLOSURE, Evidence.Kind.LINK) and not data.get("url"):
            if "url" not in self.errors:
                self.add_error("url", _("Give the address of the link."))
        elif kind == Evidence.Kind.NOTE and not (data.get("note") or "").strip():
            self.add_error("note", _("Write the note."))
        return data


class PrioritisationForm(forms.Form):
    """Votes per issue (rows) and stakeholder type (columns) cast in one meeting."""

    def __init__(self, *args, meeting, issues, stakeholder_types, **kwargs):
        initial = {
            f"v_{p.issue.code}_{p.stakeholder_type}": p.votes for p in meeting.prioritisations.select_related("issue")
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.issues = list(issues)
        self.types = [(v, label) for v, label in StakeholderType.choices if v in set(stakeholder_types)]
        self.grid = []
        for issue in self.issues:
            row = []
            for value, label in self.types:
                name = f"v_{issue.code}_{value}"
                self.fields[name] = forms.IntegerField(
                    label=f"{issue.title}: {label}",
                    min_value=0,
                    max_value=10000,
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 0, "max": 10000, "inputmode": "numeric", "size": 3}),
                )
                row.append(self[name])
            self.grid.append((issue, row))

    def votes(self) -> dict:
        return {
            (issue, value): self.cleaned_data.get(f"v_{issue.code}_{value}") or 0
            for issue in self.issues
            for value, _label in self.types
        }


class ProjectFilterForm(forms.Form):
    tool = forms.ChoiceField(label=_("Tool"), choices=[("", _("All tools")), *Project.Tool.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Project.Status.choices], required=False
    )


class ProjectForm(forms.ModelForm):
    facility_codes = forms.CharField(
        label=_("Target facilities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facility codes, separated by spaces or commas."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "organization",
            "tool",
            "status",
            "objectives",
            "budget",
            "currency",
            "starts_on",
            "ends_on",
            "partners",
            "groups",
            "issues",
            "results",
            "lessons",
            "is_public",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
            "groups": forms.CheckboxSelectMultiple,
            "issues": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].validators.append(MinValueValidator(0))
        self.fields["budget"].widget.attrs["min"] = "0"
        _limit_text(self, "objectives", "results", "lessons")
        self.fields["organization"].queryset = coordinating_organizations(user)
        partners = Q(is_active=True)
        if self.instance.pk:
            partners |= Q(pk__in=self.instance.partners.values("pk"))  # kept when they have closed since
        self.fields["partners"].queryset = Organization.objects.filter(partners).order_by("name")
        groups = coordinated_groups(user)
        linked = self.instance.groups.values("pk") if self.instance.pk else Group.objects.none().values("pk")
        self.fields["groups"].queryset = Group.objects.filter(Q(pk__in=groups.values("pk")) | Q(pk__in=linked))
        linked_issues = (
            self.instance.issues.values("pk") if self.instance.pk else LocalIssue.objects.none().values("pk")
        )
        self.fields["issues"].queryset = LocalIssue.objects.filter(
            Q(group__in=groups.values("pk")) | Q(pk__in=linked_issues)
        ).select_related("group")
        if self.instance.pk:
            self.fields["facility_codes"].initial = " ".join(self.instance.facilities.values_list("code", flat=True))

    def clean_facility_codes(self):
        codes = [c for c in CODE_SPLIT.split(self.cleaned_data["facility_codes"].strip()) if c]
        facilities = list(ServiceUnit.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {f.code for f in facilities})
        if missing:
            raise ValidationError(_("No facility has the code “%(code)s”.") % {"code": ", ".join(missing)})
        return facilities

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["facilities"] = self.cleaned_data["facility_codes"]
        return fields
