"""Strict serializer fields and the serializer base every surface reads input with.

JSON has types, and the vendors' servers check them: a number where a string belongs is a
type error, not text. DRF's own fields coerce (`1` becomes `"1"`, `"1"` becomes `1`,
`"true"` becomes `True`), so every surface builds its serializers on these instead.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from core.ids import MAX_ID
from core.text import name_key, validate_name_characters

# Sent by the browsable API's HTML forms, never part of a vendor's body.
FORM_NOISE = frozenset({"csrfmiddlewaretoken"})


class StrictCharField(serializers.CharField):
    """A string, and only a string: numbers and booleans are a type error, not coerced."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class VisibleNameField(StrictCharField):
    """A unique name: one with nothing visible in it (an empty `core.text.name_key`, such
    as only zero-width spaces) fails as `blank`, like an empty string."""

    def run_validation(self, data=empty):
        if isinstance(data, str) and not name_key(data):
            self.fail("blank")
        return super().run_validation(data)


class NameField(VisibleNameField):
    """A name shown in the admin and by the clients: something visible in it, at most
    `max_length` characters, then the portal's character rule (no control characters, no
    `<` or `>`: core.text.validate_name_characters), in that order. The model checks the
    same rule for every other door (admin, imports)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # After the length check that CharField adds, so a name breaking both is too long.
        self.validators.append(validate_name_characters)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: strings, floats and booleans are a type error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number: strings and booleans are a type error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON `true` or `false`: `"true"`, `1` and `"yes"` are a type error."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class IdField(StrictIntegerField):
    """A positive integer id that fits a 64-bit primary key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses keys it does not declare (code `unknown`), where the
    vendor rejects them; `reject_unknown = False` ignores them instead, like DRF."""

    reject_unknown = True
    default_error_messages = {
        "unknown": _("Unknown field."),
        "not_an_object": _("Expected a JSON object."),
    }

    def run_validation(self, data=empty):
        # DRF words a body that is not an object (`[1]`, `"x"`, `null`) as any other
        # invalid value; surfaces answer it in their own words, so it gets its own code.
        # A surface's message may name the body's type as DRF's does: `{datatype}`.
        if data is not empty and not isinstance(data, Mapping):
            text = str(self.error_messages["not_an_object"]).format(datatype=type(data).__name__)
            message = ErrorDetail(text, code="not_an_object")
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        if self.reject_unknown and isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields and key not in FORM_NOISE]
            if unknown:
                message = ErrorDetail(self.error_messages["unknown"], code="unknown")
                raise ValidationError({unknown[0]: [message]})
        return super().to_internal_value(data)
