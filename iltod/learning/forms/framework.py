from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import LearnerRole, Pillar, ProficiencyLevel


class CompetencyForm(forms.Form):
    """A competency's names, its observable behaviour at each level, and the level each role needs."""

    code = forms.CharField(label=_("Code"), max_length=16)
    name_mn = forms.CharField(label=_("Name in Mongolian"), max_length=255)
    name_en = forms.CharField(label=_("Name in English"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level, label in ProficiencyLevel.choices:
            self.fields[f"behaviour_{level}_mn"] = forms.CharField(
                label=_("%(level)s: what the person does (Mongolian)") % {"level": label},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"behaviour_{level}_en"] = forms.CharField(
                label=_("%(level)s: what the person does (English)") % {"level": label},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for role, label in LearnerRole.choices:
            self.fields[f"required_{role}"] = forms.TypedChoiceField(
                label=_("Level required of: %(role)s") % {"role": label}, choices=ProficiencyLevel.choices, coerce=int
            )

    def behaviour_rows(self):
        return [(self[f"behaviour_{v}_mn"], self[f"behaviour_{v}_en"]) for v in ProficiencyLevel.values]

    def required_fields(self):
        return [self[f"required_{r}"] for r in LearnerRole.values]

    @staticmethod
    def initial_from(competency) -> dict:
        initial = {"code": competency.code, "name_mn": competency.name_mn, "name_en": competency.name_en}
        for b in competency.behaviours.all():
            initial[f"behaviour_{b.level}_mn"], initial[f"behaviour_{b.level}_en"] = b.text_mn, b.text_en
        for r in competency.required_levels.all():
            initial[f"required_{r.role}"] = r.level
        return initial


class AreaForm(forms.Form):
    """A competency area: its names, the pillar it belongs to and its place in the framework."""

    name_mn = forms.CharField(label=_("Name in Mongolian"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices)
    position = forms.IntegerField(label=_("Position"), min_value=1, max_value=99)
