"""Translated fields of disclosure (django-modeltranslation: ``_mn`` and ``_en`` columns), one
section per part of the module."""

from modeltranslation.translator import TranslationOptions, register

from .models import DisclosureRequirement, FacilityIndicator

# --- obligations and compliance


@register(DisclosureRequirement)
class DisclosureRequirementTranslation(TranslationOptions):
    fields = ("title", "description", "legal_basis")


# --- facility data that citizens check


@register(FacilityIndicator)
class FacilityIndicatorTranslation(TranslationOptions):
    fields = ("name", "unit")
