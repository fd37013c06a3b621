"""Forms of the library: an item with its tags, the filters and search of the public list, review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from iltod.engagement.models import Meeting
from iltod.feedback.uploads import clean_upload
from iltod.places.models import AdminUnit, Sector

from ..models.competencies import CompetencyArea
from ..models.library import LibraryItem
from ..models.profiles import SATool
from ..models.trainings import Training

LONG_TEXT = 50000


class LibraryItemForm(forms.ModelForm):
    submit = forms.BooleanField(label=_("Send for review"), required=False)
    note = forms.CharField(label=_("What changed"), max_length=255, required=False)

    class Meta:
        model = LibraryItem
        fields = [
            "kind",
            "title_mn",
            "title_en",
            "body_mn",
            "body_en",
            "sa_tool",
            "competency_areas",
            "sectors",
            "aimag",
            "training",
            "meeting",
        ]
        widgets = {
            "body_mn": forms.Textarea(attrs={"rows": 10}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "competency_areas": forms.CheckboxSelectMultiple,
            "sectors": forms.CheckboxSelectMultiple,
        }

    file = forms.FileField(label=_("Document"), required=False, help_text=_("PDF or a photo, at most 5 MB."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("body_mn", "body_en"):
            self.fields[name].max_length = LONG_TEXT
        self.fields["aimag"].queryset = AdminUnit.objects.current().top_level().order_by("level", "name")
        self.fields["training"].queryset = Training.objects.order_by("-starts_on")[:200]
        self.fields["meeting"].queryset = Meeting.objects.select_related("group").order_by("-held_on")[:200]
        self.fields["competency_areas"].queryset = CompetencyArea.objects.order_by("framework_id", "position")
        self.fields["sectors"].queryset = Sector.objects.all()

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        return clean_upload(uploaded)  # a photo without its metadata, or a cleaned PDF

    def clean(self):
        data = super().clean()
        for name in ("body_mn", "body_en"):
            if len(data.get(name) or "") > LONG_TEXT:
                self.add_error(name, _("The text is too long."))
        if data.get("kind") == LibraryItem.Kind.WORKSHOP and not (data.get("training") or data.get("meeting")):
            self.add_error("training", _("Workshop documentation belongs to a training or a meeting: choose one."))
        return data


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *LibraryItem.Kind.choices])
    sa_tool = forms.ChoiceField(label=_("SA tool"), required=False, choices=[("", _("All tools")), *SATool.choices])
    area = forms.ModelChoiceField(label=_("Competency area"), required=False, queryset=CompetencyArea.objects.none())
    sector = forms.ModelChoiceField(
        label=_("Sector"), required=False, queryset=Sector.objects.none(), to_field_name="code"
    )
    aimag = forms.ModelChoiceField(
        label=_("Aimag or capital"), required=False, queryset=AdminUnit.objects.none(), to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = CompetencyArea.objects.order_by("framework_id", "position")
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["aimag"].queryset = AdminUnit.objects.current().top_level().order_by("level", "name")


class LibraryReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", _("Publish")), ("return", _("Return to the author"))])
    note = forms.CharField(
        label=_("Note to the author"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
