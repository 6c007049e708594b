"""drf-spectacular plumbing shared by every surface: the AutoSchema that documents field
examples, and the postprocessing hooks."""

from copy import deepcopy

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, giving each property the `example` its serializer
    declares in `field_examples` (`{field name: example value}`, merged along the class's
    bases).

    ReDoc and Swagger UI build their request and reply samples from these. Without one, a
    string shows as "string" and an integer as its lower bound: a 32-bit `order` showed as
    -2147483648, a 64-bit one as -9223372036854776000 (JavaScript rounds it).
    """

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        examples = field_examples(getattr(field, "parent", None))
        name = getattr(field, "field_name", None)
        if name in examples:
            meta["example"] = examples[name]
        return meta


def field_examples(serializer) -> dict:
    """The `field_examples` of a serializer and of its bases (the subclass's win)."""
    if not isinstance(serializer, serializers.BaseSerializer):
        return {}
    merged = {}
    for cls in reversed(type(serializer).__mro__):
        merged.update(vars(cls).get("field_examples", {}))
    return merged


def document_database_unavailable(result, generator, request, public):
    """Add the 503 every API route answers while the database is unreachable or locked.

    The reply is in the route's own error shape, so its schema is taken from an error the
    route already documents (its 401 where it has one).
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if not responses or "503" in responses:
                continue
            errors = [code for code in ("401", "400", "404", "403") if code in responses]
            if not errors or "content" not in responses[errors[0]]:
                continue
            responses["503"] = {
                "description": "The database is unreachable or busy; retry after Retry-After "
                "seconds.",
                "headers": {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait "
                        f"(now {settings.DATABASE_RETRY_AFTER_SECONDS}).",
                    }
                },
                "content": deepcopy(responses[errors[0]]["content"]),
            }
    return result


# What a 64-bit integer can hold anyway: bounds that `format: int64` already states.
INT64_BOUNDS = {"minimum": -(2**63), "maximum": 2**63 - 1}


def drop_implied_int64_bounds(result, generator, request, public):
    """Leave out the bounds of a 64-bit integer that are its format's own.

    Swagger UI and ReDoc are JavaScript, whose numbers hold integers exactly only up to
    2**53: they showed an id's bound 9223372036854775807 as 9223372036854776000, a limit
    the server does not have. `format: int64` says the same, exactly.
    """

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "int64":
                for key, bound in INT64_BOUNDS.items():
                    if node.get(key) == bound:
                        del node[key]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
