from modeltranslation.translator import TranslationOptions, register

from .models import Category, DeadlinePolicy


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(DeadlinePolicy)
class DeadlinePolicyTranslation(TranslationOptions):
    fields = ("name",)
