from modeltranslation.translator import TranslationOptions, register

from .models import Group


@register(Group)
class GroupTranslation(TranslationOptions):
    fields = ("name", "description")
