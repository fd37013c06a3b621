"""Public codes in URLs, query parameters and request bodies.

Objects are named by their public codes (facility and organisation ``code``, the NSO code of an
administrative unit, a category's slug, a feedback ``tracking_code``), never by integer keys.
Anything that cannot be a code is rejected before it reaches the database: a NUL character or a
very long string would otherwise be a database error, not a 400.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters import filters
from rest_framework import serializers

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
_CODE = re.compile(CODE_PATTERN)


def is_code(value) -> bool:
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


class CodeChoiceField(filter_fields.ModelChoiceField):
    """A model chosen by its code in a query parameter; unknown or malformed codes are a 400."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not is_code(str(value)):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CodeFilter(filters.ModelChoiceFilter):
    field_class = CodeChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("error_messages", {"invalid_choice": _("No object has this code.")})
        super().__init__(*args, **kwargs)


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object written and read as its code."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": _("No object has the code “{value}”."),
    }

    def __init__(self, slug_field="code", **kwargs):
        super().__init__(slug_field=slug_field, **kwargs)

    def to_internal_value(self, data):
        if not is_code(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``) in a query parameter; anything else is a 400."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField
