from modeltranslation.translator import TranslationOptions, register

from .models import Organization


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "short_name", "mission", "address")
