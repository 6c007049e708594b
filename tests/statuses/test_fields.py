"""Each write to a status has one fields object, and every door builds it: the admin's
form, the import and the API views all pass a services.*Fields to the service.

A field added to the model and not to its fields object fails here; one added to the
fields object reaches the admin form and the import's columns by itself (both are derived
from it), and these tests show that every value reaches the service.
"""

import dataclasses

import pytest
import tablib
from django.contrib.admin.sites import site
from django.test import RequestFactory

from statuses import services
from statuses.models import ConversationStatus, UserStatus
from statuses.resources import ConversationStatusResource, UserStatusResource
from statuses.services import ConversationStatusFields, UserStatusFields, field_names
from tests.factories import ConversationStatusFactory, UserStatusFactory

pytestmark = pytest.mark.django_db

WRITES = [
    (ConversationStatus, ConversationStatusFields),
    (UserStatus, UserStatusFields),
]


def editable_fields(model) -> list[str]:
    """What a write may set on `model`: its editable concrete fields, in the model's
    order (ids, keys, defaults and timestamps are the model's own to set)."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    ]


@pytest.mark.parametrize(("model", "fields_class"), WRITES)
def test_the_fields_object_is_the_models_editable_fields(model, fields_class):
    assert field_names(fields_class) == editable_fields(model)
    assert all(field.kw_only for field in dataclasses.fields(fields_class))


@pytest.mark.parametrize(("model", "fields_class"), WRITES)
def test_the_admin_form_edits_exactly_the_fields_object(admin_user, model, fields_class):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[model]
    assert list(model_admin.get_form(request).base_fields) == field_names(fields_class)
    existing = (ConversationStatusFactory if model is ConversationStatus else UserStatusFactory)()
    form = model_admin.get_form(request, existing)
    assert list(form.base_fields) == field_names(fields_class)


@pytest.mark.parametrize(
    ("resource_class", "fields_class"),
    [
        (ConversationStatusResource, ConversationStatusFields),
        (UserStatusResource, UserStatusFields),
    ],
)
def test_the_import_reads_exactly_the_fields_object(resource_class, fields_class):
    columns = [field.column_name for field in resource_class().get_import_fields()]
    # `translations` and `language_labels` are a status's related set, with a fields object
    # of its own (tests/statuses/test_translations.py, test_user_status_import.py).
    own = [column for column in columns if column not in ("id", "translations", "language_labels")]
    assert own == field_names(fields_class)


@pytest.fixture
def captured(monkeypatch):
    """Every call of the status services' writes, with the fields object it was given."""
    calls = []

    def spy(name):
        real = getattr(services, name)

        def call(**kwargs):
            calls.append((name, kwargs))
            return real(**kwargs)

        monkeypatch.setattr(services, name, call)

    for name in [
        "conversation_status_create",
        "conversation_status_update",
        "user_status_create",
        "user_status_update",
    ]:
        spy(name)
    return calls


def passed_fields(calls, name):
    (kwargs,) = [kwargs for called, kwargs in calls if called == name]
    assert set(kwargs) <= {"status", "fields", "labels", "within_limits"}, (
        "the door passes a fields object, no loose values"
    )
    return kwargs["fields"]


def test_the_conversation_status_admin_passes_every_form_field(admin_client, captured):
    data = {
        "name": "Escalated",
        "status_category": "hold",
        "end_user_label": "We are on it",
        "description": "Handed to the second line",
        "end_user_description": "A specialist looks into it",
        "active": True,
    }
    assert set(data) == set(field_names(ConversationStatusFields))
    form = {**data, "active": "on"}
    assert admin_client.post("/admin/statuses/conversationstatus/add/", form).status_code == 302
    assert passed_fields(captured, "conversation_status_create") == ConversationStatusFields(**data)
    status = ConversationStatus.objects.get(name="Escalated")
    changed = {
        "name": "Escalated again",
        "status_category": "solved",
        "end_user_label": "Done",
        "description": "Closed by the second line",
        "end_user_description": "",
        "active": False,
    }
    form = {key: value for key, value in changed.items() if key != "active"}  # unticked
    response = admin_client.post(f"/admin/statuses/conversationstatus/{status.pk}/change/", form)
    assert response.status_code == 302
    assert passed_fields(captured, "conversation_status_update") == ConversationStatusFields(
        **changed
    )


def test_the_user_status_admin_passes_every_form_field(admin_client, captured):
    data = {
        "name": "In a meeting",
        "status_type": "busy",
        "system_presence": "Meeting",
        "active": True,
        "division_id": "sales",
    }
    assert set(data) == set(field_names(UserStatusFields))
    form = {**data, "active": "on"}
    assert admin_client.post("/admin/statuses/userstatus/add/", form).status_code == 302
    assert passed_fields(captured, "user_status_create") == UserStatusFields(**data)
    status = UserStatus.objects.get(name="In a meeting")
    changed = {
        "name": "Meeting",
        "status_type": "away",
        "system_presence": "Meal",
        "active": False,
        "division_id": "*",
    }
    form = {key: value for key, value in changed.items() if key != "active"}  # unticked
    response = admin_client.post(f"/admin/statuses/userstatus/{status.pk}/change/", form)
    assert response.status_code == 302
    assert passed_fields(captured, "user_status_update") == UserStatusFields(**changed)


@pytest.mark.parametrize(
    ("resource_class", "fields_class", "create", "update", "row", "changed"),
    [
        (
            ConversationStatusResource,
            ConversationStatusFields,
            "conversation_status_create",
            "conversation_status_update",
            {
                "name": "Escalated",
                "status_category": "hold",
                "end_user_label": "We are on it",
                "description": "Handed on",
                "end_user_description": "A specialist looks into it",
                "active": True,
            },
            {
                "name": "ESCALATED",
                "status_category": "solved",
                "end_user_label": None,  # an empty cell: "same as the name"
                "description": "",
                "end_user_description": "Done",
                "active": False,
            },
        ),
        (
            UserStatusResource,
            UserStatusFields,
            "user_status_create",
            "user_status_update",
            {
                "name": "In a meeting",
                "status_type": "busy",
                "system_presence": "Training",
                "active": True,
                "division_id": "sales",
            },
            {
                "name": "IN A MEETING",
                "status_type": "away",
                "system_presence": None,  # an empty cell: the type's canonical presence
                "active": False,
                "division_id": "*",
            },
        ),
    ],
)
def test_the_import_passes_every_column(
    captured, resource_class, fields_class, create, update, row, changed
):
    columns = field_names(fields_class)
    assert set(row) == set(columns)
    for values in (row, changed):  # a new row, then the same name again: an update
        dataset = tablib.Dataset(headers=columns)
        dataset.append([values[column] for column in columns])
        result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
        assert not result.has_errors() and not result.has_validation_errors()
    assert passed_fields(captured, create) == fields_class(**row)
    assert passed_fields(captured, update) == fields_class(**changed)


def test_a_service_takes_the_fields_object_or_its_values_not_both():
    fields = ConversationStatusFields(name="Escalated", status_category="open")
    with pytest.raises(TypeError):
        services.conversation_status_create(fields=fields, name="Other")
    with pytest.raises(TypeError):  # a value the fields object does not have
        services.user_status_create(name="Lunch", status_type="away", colour="red")
    status = services.conversation_status_create(fields=fields)
    assert (status.name, status.category) == ("Escalated", "open")
