from modeltranslation.translator import TranslationOptions, register

from .models import AdminUnit, Sector, ServiceUnit


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name",)


@register(AdminUnit)
class AdminUnitTranslation(TranslationOptions):
    fields = ("name", "centre_name")


@register(ServiceUnit)
class ServiceUnitTranslation(TranslationOptions):
    fields = ("name", "address")
