"""Reply shapes written once.

A reply shape is a `TypedDict`: its keys are the reply's keys in wire order, its
annotations their JSON types (`NotRequired[...]` for a key left out when there is no
value, `... | None` for a nullable one). The surface's plain function that builds the
reply is annotated to return it, and `reply_serializer` makes from it, once at import,
the serializer class drf-spectacular documents as the shape's OpenAPI component. The
class is never instantiated on a hot path: it is the documentation (and, in the parity
tests, a second opinion).

How each key is documented, first that applies:
- `Annotated[type, field]`: the DRF `field` (its help text, format, choices, `source`);
- `Annotated[type, {arguments}]`: the field the type gives, with these arguments
  (`help_text`, `read_only`, ...);
- a field of `model` of that name: documented as a `ModelSerializer` would (read-only,
  `maxLength`, choices as an enum component), exactly as the hand-written serializers did;
- the Python type: `bool`, `int`, `float`, `str`, `dict`, `list[...]`, or another shape
  (a nested component).

The component takes the shape's name (or `component`), its description the shape's
docstring, and its properties' examples `examples` (`core.schema.PortalAutoSchema`).
"""

import copy
import functools
import operator
import types
import typing
from typing import Annotated, NotRequired, Required, get_args, get_origin, get_type_hints

from rest_framework import serializers

__all__ = ["reply_serializer", "shape_columns", "shape_keys", "shape_problems"]

# The serializer made for each shape, so that a nested shape is one component.
_SERIALIZERS: dict[type, type[serializers.Serializer]] = {}


def _unwrap(hint):
    """(type, documenting field or a dict of its arguments or None, nullable) of one
    annotation. Whether the key is required is the shape's `__required_keys__`."""
    field, nullable = None, False
    while True:
        origin = get_origin(hint)
        if origin is Annotated:
            hint, *extras = get_args(hint)
            documented = (serializers.Field, dict)
            field = next((x for x in extras if isinstance(x, documented)), field)
        elif origin in (NotRequired, Required):
            hint = get_args(hint)[0]
        elif origin in (typing.Union, types.UnionType) and type(None) in get_args(hint):
            others = [arg for arg in get_args(hint) if arg is not type(None)]
            nullable, hint = True, functools.reduce(operator.or_, others)
        else:
            return hint, field, nullable


def _hints(shape) -> dict:
    return get_type_hints(shape, include_extras=True)


def shape_keys(shape) -> tuple[str, ...]:
    """The keys of `shape`, in wire order."""
    return tuple(_hints(shape))


def shape_columns(shape) -> tuple[str, ...]:
    """The model attribute each key of `shape` is read from, in wire order: its documenting
    field's `source` when it has one, else the key (the columns of a `values_list`)."""
    columns = []
    for key, hint in _hints(shape).items():
        field = _unwrap(hint)[1]
        source = field.get("source") if isinstance(field, dict) else getattr(field, "source", None)
        columns.append(source or key)
    return tuple(columns)


def _field_for(hint, *, required=True, nullable=False, **kwargs) -> serializers.Field:
    """The DRF field that documents a value of type `hint` (`kwargs` are its arguments)."""
    if not required:
        kwargs["required"] = False
    if nullable:
        kwargs["allow_null"] = True
    origin = get_origin(hint)
    if typing.is_typeddict(hint):
        return reply_serializer(hint)(**kwargs)
    if origin is list:
        (item,) = get_args(hint) or (typing.Any,)
        if typing.is_typeddict(item):
            return reply_serializer(item)(many=True, **kwargs)
        return serializers.ListField(child=_field_for(item), **kwargs)
    for python_type, field_class in (
        (bool, serializers.BooleanField),
        (int, serializers.IntegerField),
        (float, serializers.FloatField),
        (str, serializers.CharField),
        (dict, serializers.DictField),
    ):
        if hint is python_type or origin is python_type:
            return field_class(**kwargs)
    raise TypeError(f"no documenting field for {hint!r}: annotate it with one")


def reply_serializer(
    shape, *, model=None, examples=None, component=None, read_only=False, build=None
) -> type[serializers.Serializer]:
    """The serializer class that documents `shape` (made once per shape; later calls with
    the shape alone return it). `read_only` marks the keys documented from `model` read-only
    (every key is in every reply). With `build(instance, context)`, the shape's fast
    function, the class also writes replies, through it alone: a route that renders with
    the class (a single object, a page) gives what the fast paths give."""
    if shape in _SERIALIZERS:
        return _SERIALIZERS[shape]
    model_fields = {f.name for f in model._meta.get_fields()} if model is not None else set()
    declared = {}
    for key, hint in _hints(shape).items():
        python_type, field, nullable = _unwrap(hint)
        required = key in shape.__required_keys__
        if isinstance(field, serializers.Field):
            declared[key] = copy.deepcopy(field)
        elif field is None and key in model_fields:
            continue  # documented from the model
        else:
            declared[key] = _field_for(
                python_type, required=required, nullable=nullable, **(field or {})
            )
    attrs = {
        **declared,
        "__doc__": shape.__doc__,
        "__module__": shape.__module__,
        "__qualname__": f"{component or shape.__name__}Serializer",
        "field_examples": dict(examples or {}),
    }
    if build is not None:
        attrs["to_representation"] = lambda self, instance: build(instance, self.context)
    base = serializers.Serializer
    if model is not None:
        base = serializers.ModelSerializer
        keys = list(_hints(shape))
        meta = {"model": model, "fields": keys, **({"read_only_fields": keys} if read_only else {})}
        attrs["Meta"] = type("Meta", (), meta)
    serializer = type(attrs["__qualname__"], (base,), attrs)
    _SERIALIZERS[shape] = serializer
    return serializer


def _type_problems(value, hint, where) -> list[str]:
    python_type, _field, nullable = _unwrap(hint)
    if value is None:
        return [] if nullable else [f"{where}: null"]
    if typing.is_typeddict(python_type):
        return shape_problems(value, python_type, where)
    origin = get_origin(python_type) or python_type
    if origin is typing.Union:
        kinds = tuple(get_origin(arg) or arg for arg in get_args(python_type))
        return [] if isinstance(value, kinds) else [f"{where}: {value!r} not {python_type}"]
    if origin is float and isinstance(value, int) and not isinstance(value, bool):
        return []
    if not isinstance(value, origin) or (origin is int and isinstance(value, bool)):
        return [f"{where}: {value!r} is not {python_type}"]
    if origin is list and get_args(python_type):
        (item,) = get_args(python_type)
        return [p for i, v in enumerate(value) for p in _type_problems(v, item, f"{where}[{i}]")]
    return []


def shape_problems(value, shape, where="reply") -> list[str]:
    """How `value` is not a `shape`: a key missing, extra or out of order, or a value of
    another type (empty when it is one). For the parity tests."""
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    hints = _hints(shape)
    expected = [key for key in hints if key in value or key in shape.__required_keys__]
    if list(value) != expected:
        return [f"{where}: keys {list(value)}, expected {expected}"]
    return [p for key in value for p in _type_problems(value[key], hints[key], f"{where}.{key}")]
