"""core.shapes: a reply shape (a TypedDict) documents itself as a serializer class made
once, and shape_problems finds a reply that is not of its shape."""

from typing import Annotated, NotRequired, TypedDict

from rest_framework import serializers

from core.shapes import reply_serializer, shape_columns, shape_keys, shape_problems


class Point(TypedDict):
    """Where."""

    lat: float
    lng: float | None


class Sample(TypedDict):
    """A sample reply."""

    _id: Annotated[str, serializers.CharField(source="pk", help_text="The id.")]
    count: int
    done: bool
    tags: list[str]
    point: Point
    points: list[Point]
    note: NotRequired[str]


def test_the_serializer_is_made_once_from_the_shape():
    serializer = reply_serializer(Sample, examples={"count": 3}, component="SampleThing")
    assert reply_serializer(Sample) is serializer
    assert serializer.__name__ == "SampleThingSerializer"  # the OpenAPI component's name
    assert serializer.__doc__ == "A sample reply."
    assert serializer.field_examples == {"count": 3}
    fields = serializer().fields
    assert list(fields) == list(shape_keys(Sample))
    assert isinstance(fields["_id"], serializers.CharField)
    assert (fields["_id"].source, fields["_id"].help_text) == ("pk", "The id.")
    assert type(fields["count"]) is serializers.IntegerField
    assert type(fields["done"]) is serializers.BooleanField
    assert isinstance(fields["tags"], serializers.ListField)
    assert type(fields["point"]) is reply_serializer(Point)
    assert isinstance(fields["points"], serializers.ListSerializer)
    assert type(fields["points"].child) is reply_serializer(Point)
    assert fields["note"].required is False
    assert reply_serializer(Point)().fields["lng"].allow_null is True
    assert shape_columns(Sample)[:2] == ("pk", "count")


def sample(**changes):
    value = {
        "_id": "a",
        "count": 1,
        "done": False,
        "tags": ["x"],
        "point": {"lat": 1.5, "lng": None},
        "points": [{"lat": 2, "lng": 3.0}],
    }
    return {**value, **changes}


def test_shape_problems_finds_what_is_not_of_the_shape():
    assert shape_problems(sample(), Sample) == []
    assert shape_problems(sample(note="n"), Sample) == []
    assert shape_problems({**sample(count=True)}, Sample) == [
        "reply.count: True is not <class 'int'>"
    ]
    assert shape_problems(sample(tags=[1]), Sample) == ["reply.tags[0]: 1 is not <class 'str'>"]
    assert shape_problems(sample(point={"lat": None, "lng": 1.0}), Sample) == [
        "reply.point.lat: null"
    ]
    reordered = {"count": 1, **sample()}
    assert shape_problems(reordered, Sample)[0].startswith("reply: keys ['count', '_id'")
    missing = sample()
    del missing["done"]
    assert shape_problems(missing, Sample) != []
    assert shape_problems(sample(extra=1), Sample) != []
