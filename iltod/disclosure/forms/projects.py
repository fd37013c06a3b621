"""Forms of Local Development Fund projects: one row of an import, the progress update and the
milestone of the area's governor's office, and the citizen's monitoring report."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core.forms import HoneypotMixin
from iltod.places.forms import DATE_FORMATS

from ..models import LdfProject, MonitoringReport

PROJECT_COLUMNS = [
    "external_id",
    "area",
    "fiscal_year",
    "title_mn",
    "title_en",
    "category",
    "latitude",
    "longitude",
    "amount_approved",
    "amount_spent",
    "contractor",
    "ocid",
    "status",
    "progress",
    "started_on",
    "due_on",
    "completed_on",
    "description",
]

# Milestones travel with their projects: a second sheet "milestones" of the projects' workbook, or a
# CSV file of their own. A milestone is found by its project's external id and its title.
MILESTONE_SHEET = "milestones"
MILESTONE_COLUMNS = ["project", "title", "planned_on", "done_on"]

AMOUNT_FIELD = {"min_value": Decimal(0), "max_digits": 16, "decimal_places": 2}


def _check_progress(form, data) -> None:
    status, progress = data.get("status"), data.get("progress")
    if status == LdfProject.Status.COMPLETED and progress is not None and progress != 100:
        form.add_error("progress", _("A completed project's progress is 100."))
    if status == LdfProject.Status.PLANNED and progress:
        form.add_error("progress", _("A planned project has not started: its progress is 0."))
    spent, approved = data.get("amount_spent"), data.get("amount_approved")
    if spent is not None and approved is not None and spent > approved * 2:
        form.add_error("amount_spent", _("The amount spent is more than twice the amount approved: check the figures."))


class ProjectRowForm(forms.Form):
    """One project (CSV/XLSX columns of the same names); codes for the area and the contractor."""

    external_id = forms.RegexField(regex=r"^[\w.\-/]{1,64}$", label=_("external id"))
    area = forms.CharField(max_length=16, label=_("area"))
    fiscal_year = forms.IntegerField(min_value=2000, max_value=2100, label=_("year"))
    title_mn = forms.CharField(max_length=255, label=_("title (Mongolian)"))
    title_en = forms.CharField(max_length=255, required=False, label=_("title (English)"))
    category = forms.ChoiceField(choices=LdfProject.Category.choices, label=_("category"))
    latitude = forms.FloatField(min_value=-90, max_value=90, required=False, label=_("latitude"))
    longitude = forms.FloatField(min_value=-180, max_value=180, required=False, label=_("longitude"))
    amount_approved = forms.DecimalField(**AMOUNT_FIELD, label=_("amount approved"))
    amount_spent = forms.DecimalField(**AMOUNT_FIELD, required=False, label=_("amount spent"))
    contractor = forms.CharField(max_length=12, required=False, label=_("contractor"))
    ocid = forms.CharField(max_length=128, required=False, label=_("OCID"))
    status = forms.ChoiceField(choices=LdfProject.Status.choices, label=_("status"))
    progress = forms.IntegerField(min_value=0, max_value=100, label=_("progress (%)"))
    started_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("started on"))
    due_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("due on"))
    completed_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("completed on"))
    description = forms.CharField(max_length=5000, required=False, label=_("description"))

    def clean(self):
        data = super().clean()
        if data.get("amount_spent") is None:
            data["amount_spent"] = Decimal(0)
        data["contractor"] = (data.get("contractor") or "").strip().upper()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        year = data.get("fiscal_year")
        if year and year > timezone.localdate().year + 1:
            self.add_error("fiscal_year", _("The year is too far in the future."))
        if data.get("started_on") and data.get("completed_on") and data["completed_on"] < data["started_on"]:
            self.add_error("completed_on", _("The project was completed before it started."))
        if data.get("completed_on") and data["completed_on"] > timezone.localdate():
            self.add_error("completed_on", _("This date is in the future."))
        _check_progress(self, data)
        return data


class MilestoneRowForm(forms.Form):
    """One milestone of an import: the project's external id, the title, the dates."""

    project = forms.RegexField(regex=r"^[\w.\-/]{1,64}$", label=_("project"))
    title = forms.CharField(max_length=255, label=_("milestone"))
    planned_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("planned for"))
    done_on = forms.DateField(required=False, input_formats=DATE_FORMATS, label=_("done on"))

    def clean_done_on(self):
        done = self.cleaned_data["done_on"]
        if done and done > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return done


class ProgressForm(forms.ModelForm):
    """The governor's office updates a project's status, progress and spending."""

    class Meta:
        model = LdfProject
        fields = ["status", "progress", "amount_spent", "completed_on"]
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        _check_progress(self, {**data, "amount_approved": self.instance.amount_approved})
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=255, label=_("milestone"))
    planned_on = forms.DateField(required=False, label=_("planned for"), widget=forms.DateInput(attrs={"type": "date"}))
    done_on = forms.DateField(required=False, label=_("done on"), widget=forms.DateInput(attrs={"type": "date"}))
    photo = forms.FileField(required=False, label=_("photo"))

    def clean_done_on(self):
        done = self.cleaned_data["done_on"]
        if done and done > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return done


class MonitoringReportForm(HoneypotMixin, forms.ModelForm):
    """What a citizen saw of a project; the honeypot is the feedback form's."""

    photo = forms.FileField(
        required=False, label=_("photo"), help_text=_("A photo of the work (JPEG, PNG or WebP, up to 5 MB).")
    )

    class Meta:
        model = MonitoringReport
        fields = ["visited_on", "progress_seen", "rating", "problems", "comment", "name"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}),
            "rating": forms.RadioSelect,
            "problems": forms.Textarea(attrs={"rows": 3}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "problems": _(
                "What is wrong: poor quality, work stopped, not as planned… The governor's office must answer."
            ),
            "progress_seen": _("How much of the work you saw done, from 0 to 100."),
        }

    def clean_visited_on(self):
        visited = self.cleaned_data["visited_on"]
        if visited > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return visited


class ProjectFilterForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False, label=_("year"))
    status = forms.ChoiceField(
        choices=[("", _("any status")), *LdfProject.Status.choices], required=False, label=_("status")
    )
    category = forms.ChoiceField(
        choices=[("", _("any category")), *LdfProject.Category.choices], required=False, label=_("category")
    )


class ModerationForm(forms.Form):
    publish = forms.TypedChoiceField(
        choices=[("1", _("publish")), ("0", _("do not publish"))], coerce=lambda v: v == "1", label=_("decision")
    )
