"""Import and export of custom user statuses with their Genesys fields (issue 28): the
columns system_presence, active and division_id, and `language_labels`, a JSON object of
locale -> label; a file from before them still imports."""

import csv
import io
import json

import pytest
import tablib

from statuses import services
from statuses.models import MAX_ACTIVE_PER_PRESENCE, UserStatus, UserStatusTranslation
from statuses.resources import UserStatusResource
from tests.factories import UserStatusFactory

pytestmark = pytest.mark.django_db


def export_rows(fmt="csv"):
    dataset = UserStatusResource().export()
    if fmt == "json":
        return json.loads(dataset.export("json"))
    return list(csv.DictReader(io.StringIO(dataset.export("csv"))))


def run_import(text, fmt="csv"):
    dataset = tablib.Dataset().load(text, format=fmt)
    return UserStatusResource().import_data(dataset, dry_run=False, use_transactions=True)


def errors_of(result):
    return [str(error.error) for row in result.rows for error in row.errors] + [
        message
        for row in result.invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ]


def labels_of(status):
    return dict(UserStatusTranslation.objects.filter(status=status).values_list("locale", "label"))


def test_the_export_has_the_genesys_columns_and_the_labels_as_json():
    status = services.user_status_create(
        name="x",
        status_type="away",
        system_presence="Meal",
        division_id="sales",
        labels={"fr": "Déjeuner", "en-us": "Lunch"},
    )
    services.user_status_deactivate(status=status)
    (row,) = export_rows()
    assert row == {
        "id": status.pk,
        "name": "Lunch",
        "status_type": "away",
        "system_presence": "Meal",
        "active": "false",
        "division_id": "sales",
        "language_labels": '{"en-us": "Lunch", "fr": "Déjeuner"}',
    }


def test_an_export_asks_once_for_every_status_labels(django_assert_max_num_queries):
    for n in range(6):
        services.user_status_create(name=f"S{n}", status_type="busy", labels={"de": f"S{n}"})
    with django_assert_max_num_queries(3):
        rows = export_rows()
    labels = {row["name"]: json.loads(row["language_labels"]) for row in rows}
    assert labels["S2"] == {"de": "S2"} and len(labels) == 6


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_imports_back_unchanged_and_an_edited_one_through_the_service(fmt):
    status = services.user_status_create(
        name="x", status_type="busy", system_presence="Training", labels={"en": "Course"}
    )
    text = UserStatusResource().export().export(fmt)
    result = run_import(text, fmt)
    assert not errors_of(result)
    assert UserStatus.history.filter(id=status.pk).count() == 1  # nothing written
    rows = json.loads(UserStatusResource().export().export("json"))
    rows[0]["language_labels"] = json.dumps({"en_US": "Training course", "pt_BR": "Curso"})
    rows[0]["division_id"] = "d-2"
    result = run_import(json.dumps(rows), "json")
    assert not errors_of(result)
    status.refresh_from_db()
    assert (status.name, status.system_presence, status.division_id) == (
        "Training course",
        "Training",
        "d-2",
    )
    assert labels_of(status) == {"en-us": "Training course", "pt-br": "Curso"}


def test_a_file_from_before_the_genesys_columns_still_imports():
    old = UserStatusFactory(name="Lunch", status_type="away", system_presence="Meal")
    old.translations.create(locale="en-us", label="Lunch")
    old.translations.create(locale="fr", label="Déjeuner")
    result = run_import("name,status_type\nIn a meeting,busy\nLUNCH,away\n")
    assert not errors_of(result)
    made = UserStatus.objects.get(name="In a meeting")
    assert (made.system_presence, made.active, made.division_id) == (None, True, "*")
    assert labels_of(made) == {"en-us": "In a meeting"}
    old.refresh_from_db()
    # Matched by name (its key): renamed, its other labels kept, its presence dropped to
    # the type's canonical one only if the type changed (it did not).
    assert (old.name, old.system_presence) == ("LUNCH", "Meal")
    assert labels_of(old) == {"en-us": "LUNCH", "fr": "Déjeuner"}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("[1]", "language_labels must be a JSON object"),
        ("{not json", "language_labels must be a JSON object"),
        ('{"fr": 3}', "language_labels: fr must be text"),
        ('{"fr": "a&b"}', "A custom user status name cannot contain &"),
        ("{}", "A custom user status needs at least one label."),
    ],
)
def test_a_bad_labels_cell_is_refused_and_nothing_is_written(cell, message):
    dataset = tablib.Dataset(headers=["name", "status_type", "language_labels"])
    dataset.append(["Lunch", "away", cell])
    result = UserStatusResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert any(message in error for error in errors_of(result)), errors_of(result)
    assert not UserStatus.objects.exists()


def test_an_import_keeps_the_limit_and_refuses_a_presence_of_another_type():
    UserStatus.objects.bulk_create(
        UserStatus(name=f"Meal {i}", status_type="away", system_presence="Meal")
        for i in range(MAX_ACTIVE_PER_PRESENCE)
    )
    full = run_import("name,status_type,system_presence\nSupper,away,Meal\n")
    assert any("There can be at most 30" in error for error in errors_of(full)), errors_of(full)
    mismatch = run_import("name,status_type,system_presence\nTalk,busy,Meal\n")
    assert any("is not of the status type" in error for error in errors_of(mismatch))
    assert not UserStatus.objects.filter(name__in=["Supper", "Talk"]).exists()
