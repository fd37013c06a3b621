"""The strategic plan's own words in Mongolian and English (django-modeltranslation: ``title_mn``,
``title_en``…), as the other configurable content is; pages show the visitor's language and fall
back to Mongolian. Framework, library and profile texts keep their explicit ``_mn``/``_en`` fields."""

from modeltranslation.translator import TranslationOptions, register

from .models.strategy import FocusArea, Objective, StrategicPlan


@register(StrategicPlan)
class StrategicPlanTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(FocusArea)
class FocusAreaTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Objective)
class ObjectiveTranslation(TranslationOptions):
    fields = ("title", "description")
