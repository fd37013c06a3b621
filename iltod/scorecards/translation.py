from modeltranslation.translator import TranslationOptions, register

from .models import Indicator, Project


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("text", "guidance")


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("name", "description")
