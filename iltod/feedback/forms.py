from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from iltod.core import memo
from iltod.lib.phones import normalize_phone
from iltod.places.models import AdminUnit, Sector

from .models import Category, Feedback, Kind, normalize_tracking_code
from .uploads import MAX_FILES, clean_upload

# Every sector's form also offers the "other" sector's topics.
memo.register(
    "feedback.other_sectors",
    lambda: list(Sector.objects.filter(code="other").values_list("pk", flat=True)),
    models=[Sector],
)
memo.register(
    "feedback.active_categories",
    lambda: {c.pk: c for c in Category.objects.filter(is_active=True).select_related("sector")},
    models=[Category, Sector],
)


class CategoryField(forms.ModelChoiceField):
    """Lists its queryset, and checks a posted topic against the active topics in this process's
    memory (``iltod.core.memo``) instead of a query: every submission posts one. ``sector_ids``
    limits the topics as the queryset does (None: every sector)."""

    sector_ids = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            category = memo.get("feedback.active_categories").get(int(value))
        except (TypeError, ValueError):
            category = None
        if category is None or (self.sector_ids is not None and category.sector_id not in self.sector_ids):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(n)s files.") % {"n": MAX_FILES})
        for upload in files:
            clean_upload(upload)  # raises a translated ValidationError for a bad file
            upload.seek(0)
        return files


class FeedbackForm(forms.Form):
    """The citizen's form. The facility or place is chosen in the step before and passed in."""

    kind = forms.ChoiceField(
        label=_("What do you want to do?"), choices=Kind.choices, initial=Kind.COMPLAINT, widget=forms.RadioSelect
    )
    category = CategoryField(
        label=_("What is it about?"), queryset=Category.objects.none(), empty_label=_("Choose a topic")
    )
    description = forms.CharField(
        label=_("Describe it"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, when, and what should change. Do not write other people's names or numbers."),
    )
    location_text = forms.CharField(label=_("Where exactly? (optional)"), max_length=255, required=False)
    files = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 3 files: JPEG, PNG, WebP or PDF, 5 MB each. Location data is removed from photos."),
    )
    privacy = forms.ChoiceField(
        label=_("Who may know it was you?"),
        choices=Feedback.Privacy.choices,
        initial=Feedback.Privacy.NAME_HIDDEN,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("We send your tracking code and updates by SMS."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    # Honeypot: hidden from people by CSS; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, sector=None, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True).select_related("sector")
        if sector is not None:
            sector_ids = {sector.pk, *self._other_sector_ids()}
            categories = categories.filter(sector__in=sector_ids)
            self.fields["category"].sector_ids = sector_ids
        self.fields["category"].queryset = categories

    @staticmethod
    def _other_sector_ids():
        return memo.get("feedback.other_sectors")

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        phone = normalize_phone(raw)
        if not phone:
            raise forms.ValidationError(_("This is not a valid phone number. Example: 9911 2233."))
        return phone

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def submission(self, *, facility, area, channel, received_at=None):
        """The validated form as a submission for ``services.submit_feedback``."""
        from django.utils import translation

        from .services import Submission

        data = self.cleaned_data
        return Submission(
            kind=data["kind"],
            category=data["category"],
            description=data["description"],
            service_unit=facility,
            admin_unit=area,
            location_text=data["location_text"],
            privacy=data["privacy"],
            reporter_name=data["name"],
            reporter_phone=data["phone"],
            reporter_email=data["email"],
            language=translation.get_language() or "mn",
            channel=channel,
            received_at=received_at,
            files=data["files"],
        )

    def clean(self):
        data = super().clean()
        privacy = data.get("privacy")
        if privacy == Feedback.Privacy.ANONYMOUS:
            # Nothing about the reporter is stored: drop anything typed into the contact fields.
            data["name"] = data["phone"] = data["email"] = ""
        elif privacy == Feedback.Privacy.PUBLIC and not data.get("name"):
            self.add_error("name", _("Write your name, or choose another privacy option."))
        return data


class StaffIntakeForm(FeedbackForm):
    """Hotline calls, walk-ins and letters recorded by an operator."""

    channel = forms.ChoiceField(
        label=_("Received via"),
        choices=[
            (c, label)
            for c, label in Feedback.Channel.choices
            if c in {Feedback.Channel.PHONE, Feedback.Channel.WALK_IN, Feedback.Channel.LETTER}
        ],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to use the current time."),
    )

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("This is in the future."))
        return value


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Feedback.Status.choices)
    text = forms.CharField(
        label=_("Public response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to resolve, to schedule action or to close without action."),
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, label) for s, label in Feedback.Status.choices if s in allowed]


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    public = forms.BooleanField(label=_("Public response (the citizen and the public see it)"), required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody"))

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers


class ReferForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Send to"), queryset=None)
    reason = forms.CharField(
        label=_("Why this organisation?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("Reason, sent to the citizen"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Tracking code of the original item"), max_length=16)


class ModerationForm(forms.Form):
    public_text = forms.CharField(
        label=_("Public text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Phone numbers, e-mails and registry numbers are masked automatically."),
    )
    publish = forms.TypedChoiceField(
        label=_("Show the text publicly?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Publish")), ("no", _("Do not publish"))],
    )


# What each number of a rating means, said next to the number (not only by colour or position).
RATING_MEANINGS = {
    5: _("very good"),
    4: _("good"),
    3: _("neither good nor bad"),
    2: _("bad"),
    1: _("very bad"),
}


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How good was the answer?"),
        coerce=int,
        choices=[(i, format_lazy("{} — {}", i, RATING_MEANINGS[i])) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("From 1 (very bad) to 5 (very good)."),
    )
    problem_solved = forms.TypedChoiceField(
        label=_("Was the problem really solved?"),
        coerce={"yes": True, "no": False}.get,
        choices=[("yes", _("Yes")), ("no", _("No")), ("unsure", _("Not sure"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CitizenUpdateForm(forms.Form):
    text = forms.CharField(label=_("Add information"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=24,
        help_text=_("With or without dashes, in capitals or small letters."),
        widget=forms.TextInput(
            attrs={
                "placeholder": "IL-26-4F7K2",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])


class InboxFilterForm(forms.Form):
    VIEWS = [
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("due_soon", _("Due within 5 days")),
        ("unassigned", _("Unassigned")),
        ("mine", _("Assigned to me")),
        ("escalated", _("Escalated to us")),
        ("overseen", _("Overseen by us")),
        ("closed", _("Finished")),
        ("all", _("All")),
    ]
    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    q = forms.CharField(label=_("Text or code"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All categories")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All channels")), *Feedback.Channel.choices], required=False
    )
    facility = forms.CharField(label=_("Facility code"), required=False, max_length=12)


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Text"), required=False, max_length=100)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=None, required=False, to_field_name="code", empty_label=_("All sectors")
    )
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *Kind.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("open", _("Open")), ("resolved", _("Resolved"))],
    )
    area = forms.ModelChoiceField(
        label=_("Aimag or capital"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("All of Mongolia"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["area"].queryset = AdminUnit.objects.top_level().without_shapes()


class EventModerationForm(forms.Form):
    """The moderator's decision on a citizen's comment or update, with the text to publish."""

    public_text = forms.CharField(
        label=_("Public text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Phone numbers, e-mails and registry numbers are masked automatically."),
    )
    decision = forms.ChoiceField(choices=[("publish", _("Publish")), ("hide", _("Hide"))])
