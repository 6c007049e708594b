"""The parity check of a reply shape (`core.shapes`): a reply that a fast function
built has the shape's keys in order with values of its types, and is a valid value of the
shape's component in the OpenAPI document that /api/schema/ serves."""

import functools
import json

import jsonschema
from drf_spectacular.generators import SchemaGenerator

from core.shapes import reply_serializer, shape_keys, shape_problems


@functools.cache
def components() -> dict:
    """The document's components, as JSON Schema (`nullable` as a `null` type)."""
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    return _json_schema(document["components"])


def _json_schema(node):
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def reply_problems(value, shape) -> list[str]:
    """How `value`, a reply, is not a `shape` or not valid by its OpenAPI component."""
    problems = shape_problems(value, shape)
    name = reply_serializer(shape).__name__.removesuffix("Serializer")
    schema = components()["schemas"][name]
    keys = shape_keys(shape)
    if list(schema["properties"]) != list(keys):
        problems.append(f"{name}: properties {list(schema['properties'])}, shape {keys}")
    # A key the document requires is in every reply (the document may be looser: LivePerson's
    # `Reason` leaves `enabled`, `deleted` and `order` optional, as they always were).
    always = {key for key in keys if key in shape.__required_keys__}
    if not set(schema.get("required", [])) <= always:
        problems.append(f"{name}: required {schema.get('required')}, shape {sorted(always)}")
    rule = {"$ref": f"#/components/schemas/{name}", "components": components()}
    # A round trip through JSON: the value as the client reads it.
    wire = json.loads(json.dumps(value))
    problems += [
        f"{name}: {error.message} at {list(error.absolute_path)}"
        for error in jsonschema.Draft7Validator(rule).iter_errors(wire)
    ]
    return problems
