from modeltranslation.translator import TranslationOptions, register

from .models import OversightBody


@register(OversightBody)
class OversightBodyTranslation(TranslationOptions):
    fields = ("name",)
