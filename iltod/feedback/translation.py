from modeltranslation.translator import TranslationOptions, register

from .models import Category, CategoryQuestion, DeadlinePolicy


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(DeadlinePolicy)
class DeadlinePolicyTranslation(TranslationOptions):
    fields = ("name",)


@register(CategoryQuestion)
class CategoryQuestionTranslation(TranslationOptions):
    fields = ("question",)
