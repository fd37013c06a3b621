"""Currencies as readers name them: ``{{ process.currency|currency }}`` shows ₮ for tögrög on a
Mongolian page and the ISO code (MNT) on an English one; other currencies by their name in
Mongolian. Amounts are formatted by the template (``floatformat``/``intcomma``) as before."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

NAMES = {
    "MNT": "₮",
    "USD": _("US dollars"),
    "EUR": _("euros"),
    "CNY": _("yuan"),
    "RUB": _("roubles"),
    "JPY": _("yen"),
    "KRW": _("won"),
}


@register.filter
def currency(code) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    if (get_language() or "mn").startswith("mn"):
        return str(NAMES.get(code, code))
    return code
