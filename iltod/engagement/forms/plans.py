"""Forms of joint action plans, actions, updates with evidence, their review, and outcome stories."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iltod.accounts.models import User
from iltod.feedback.uploads import clean_upload
from iltod.organizations.models import Organization
from iltod.places.models import ServiceUnit

from ..models import Action, ActionPlan, Document, GroupMember
from ..services.plans import PLAN_TRANSITIONS
from .groups import _limit_text

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    """A plan's title and what it answers: the meeting that agreed it, the local issue, the facility."""

    class Meta:
        model = ActionPlan
        fields = ["title", "description", "meeting", "issue", "service_unit", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["meeting"].queryset = group.meetings.order_by("-held_on")
        self.fields["issue"].queryset = group.issues.order_by("priority", "-created_at")
        facilities = ServiceUnit.objects.active().in_area(group.admin_unit)
        if self.instance.service_unit_id:
            facilities = facilities | ServiceUnit.objects.filter(pk=self.instance.service_unit_id)
        self.fields["service_unit"].queryset = facilities.order_by("name")
        self.fields["service_unit"].help_text = _("The facility the plan is about, if it is about one.")
        self.fields["is_public"].help_text = _("Show the plan's progress publicly once it is agreed.")
        _limit_text(self, "description")


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, ActionPlan.Status(s).label) for s in PLAN_TRANSITIONS[plan.status]]


class ActionForm(forms.ModelForm):
    """What is to be done, by whom, with what and by when. Status and progress change through updates."""

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "lead_organization",
            "co_responsible",
            "responsible_person",
            "responsible_user",
            "due_on",
            "resources",
            "order",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "due_on": DATE,
            "co_responsible": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.order_by("name")
        self.fields["lead_organization"].queryset = organizations
        self.fields["co_responsible"].queryset = organizations
        self.fields["co_responsible"].required = False
        members = GroupMember.objects.current().filter(group=plan.group, user__isnull=False).values("user_id")
        people = Q(pk__in=members, is_active=True)
        if self.instance.responsible_user_id:
            people |= Q(pk=self.instance.responsible_user_id)  # kept when they have left the group since
        self.fields["responsible_user"].queryset = User.objects.filter(people).order_by("full_name", "email")
        self.fields["responsible_user"].help_text = _(
            "A group member with an account: they receive the overdue reminders. Without one, the coordinators do."
        )
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Position in the plan; empty puts the action last.")
        _limit_text(self, "description", "resources")

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_organization"), data.get("co_responsible")
        if lead is not None and co and lead in co:
            self.add_error("co_responsible", _("The lead organisation is not also co-responsible."))
        return data


def _cleaned_file(upload, *, photo: bool):
    if not upload:
        return None
    cleaned = clean_upload(upload)  # checks the content, re-encodes photos without their metadata
    if photo and not cleaned.content_type.startswith("image/"):
        raise ValidationError(_("A photo must be a JPEG, PNG or WebP image."))
    return cleaned


class UpdateForm(forms.Form):
    """Progress on an action, with evidence: what was done, the new status and progress, a photo or a document."""

    text = forms.CharField(label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    new_status = forms.ChoiceField(
        label=_("New status"), required=False, choices=[("", _("unchanged")), *Action.Status.choices]
    )
    new_progress = forms.IntegerField(
        label=_("New progress %"), required=False, min_value=0, max_value=100, help_text=_("From 0 to 100.")
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB. Its location data is removed.")
    )
    document = forms.FileField(label=_("Document"), required=False, help_text=_("PDF or a photo, at most 5 MB."))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write what was done."))
        return text

    def clean_photo(self):
        return _cleaned_file(self.cleaned_data.get("photo"), photo=True)

    def clean_document(self):
        return _cleaned_file(self.cleaned_data.get("document"), photo=False)

    def clean(self):
        data = super().clean()
        if data.get("new_status") == Action.Status.DONE and data.get("new_progress") not in (None, 100):
            self.add_error("new_progress", _("A done action is complete: leave the progress empty or write 100."))
        return data

    def evidence(self):
        """(kind, cleaned file) pairs for the service."""
        pairs = []
        if self.cleaned_data.get("photo"):
            pairs.append((Document.Kind.PHOTO, self.cleaned_data["photo"]))
        document = self.cleaned_data.get("document")
        if document:
            kind = Document.Kind.PHOTO if document.content_type.startswith("image/") else Document.Kind.DOCUMENT
            pairs.append((kind, document))
        return pairs


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject the update."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the update is rejected: its author reads the note."))
        return data


class StoryForm(forms.Form):
    """What changed because of the plan, in a few lines, with a photo if there is one."""

    title = forms.CharField(label=_("Title"), max_length=255)
    what_changed = forms.CharField(label=_("What changed"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    action = forms.ModelChoiceField(label=_("Action"), queryset=Action.objects.none(), required=False)
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB. Its location data is removed.")
    )
    is_public = forms.BooleanField(label=_("Public"), required=False, initial=True)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = plan.actions.order_by("order", "pk")

    def clean_photo(self):
        return _cleaned_file(self.cleaned_data.get("photo"), photo=True)
