"""Translations of conversation statuses: the model's rules, the service that replaces a
status's whole set, the Accept-Language selector, the admin inline, import/export and the
history (CONTRACTS.md section 5, "Translations")."""

import csv
import html
import io
import json
import re

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from statuses import selectors, services
from statuses.models import ConversationStatus, ConversationStatusTranslation, normalise_locale
from statuses.resources import ConversationStatusResource
from statuses.services import TranslationFields, field_names
from tests.factories import ConversationStatusFactory

pytestmark = pytest.mark.django_db


def texts(agent_label, end_user_label="", description="", end_user_description=""):
    return TranslationFields(
        agent_label=agent_label,
        end_user_label=end_user_label,
        description=description,
        end_user_description=end_user_description,
    )


def stored(status):
    return {
        row.locale: (row.agent_label, row.end_user_label, row.description, row.end_user_description)
        for row in ConversationStatusTranslation.objects.filter(status=status)
    }


@pytest.fixture
def events(monkeypatch):
    """Every webhook event the status services emit: (kind, action, [pk, ...])."""
    calls = []
    real = services.emit

    def spy(kind, action, objects):
        calls.append((kind, action, [obj.pk for obj in objects]))
        return real(kind, action, objects)

    monkeypatch.setattr(services, "emit", spy)
    return calls


# --- the model ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normalised"),
    [("fr", "fr"), ("pt_BR", "pt-br"), (" PT-br ", "pt-br"), ("zh_Hant_TW", "zh-hant-tw")],
)
def test_a_locale_is_stored_normalised(given, normalised):
    status = ConversationStatusFactory()
    row = ConversationStatusTranslation.objects.create(
        status=status, locale=given, agent_label="Label"
    )
    row.refresh_from_db()
    assert row.locale == normalised == normalise_locale(given)


@pytest.mark.parametrize("locale", ["", "f", "french", "fr-", "fr--ca", "fr ca", "1fr", "fr-c"])
def test_a_locale_of_another_shape_is_refused_by_the_rules_and_the_database(locale):
    status = ConversationStatusFactory()
    row = ConversationStatusTranslation(status=status, locale=locale, agent_label="Label")
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "locale" in caught.value.message_dict
    # The check constraint holds without the model's rules (a raw write).
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatusTranslation.objects.bulk_create(
            [ConversationStatusTranslation(status=status, locale=locale, agent_label="Label")]
        )


def test_one_translation_per_status_and_locale_in_the_database():
    status = ConversationStatusFactory()
    ConversationStatusTranslation.objects.create(status=status, locale="fr", agent_label="Ouvert")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatusTranslation.objects.create(
            status=status, locale="FR", agent_label="Autre"
        )


def test_an_agent_label_is_unique_per_locale_by_its_name_key():
    first, second = ConversationStatusFactory.create_batch(2)
    ConversationStatusTranslation.objects.create(status=first, locale="fr", agent_label="Ouvert")
    # The same label in another locale, or another status's other label, is fine.
    ConversationStatusTranslation.objects.create(
        status=second, locale="fr-ca", agent_label="Ouvert"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatusTranslation.objects.create(
            status=second, locale="fr", agent_label="  OUVERT "
        )


def test_a_blank_agent_label_is_refused_by_the_database():
    status = ConversationStatusFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatusTranslation.objects.bulk_create(
            [ConversationStatusTranslation(status=status, locale="fr", agent_label="\u200b")]
        )


def test_translations_go_with_their_status():
    status = ConversationStatusFactory()
    services.conversation_status_translations_set(
        status=status, translations={"fr": texts("Ouvert")}
    )
    services.conversation_status_delete(status=status)
    assert not ConversationStatusTranslation.objects.exists()


# --- the service ----------------------------------------------------------------------------


def test_the_service_replaces_the_whole_set(events):
    status = ConversationStatusFactory(name="Escalated")
    before = ConversationStatus.objects.get(pk=status.pk).updated_at
    services.conversation_status_translations_set(
        status=status,
        translations={
            "fr": texts(" Escaladé ", "Transmis", "Pour l'équipe 2", "Nous y travaillons"),
            "de": texts("Eskaliert"),
        },
    )
    assert stored(status) == {
        "fr": ("Escaladé", "Transmis", "Pour l'équipe 2", "Nous y travaillons"),
        "de": ("Eskaliert", "", "", ""),
    }
    fr_id = ConversationStatusTranslation.objects.get(status=status, locale="fr").pk
    rows = services.conversation_status_translations_set(
        status=status,
        translations={"fr": texts("Escaladé", "Chez nous"), "pt_BR": texts("Escalado")},
    )
    assert [row.locale for row in rows] == ["fr", "pt-br"]
    assert stored(status) == {
        "fr": ("Escaladé", "Chez nous", "", ""),
        "pt-br": ("Escalado", "", "", ""),
    }
    # An update keeps the row (its history is one row's), a locale left out is deleted.
    assert ConversationStatusTranslation.objects.get(status=status, locale="fr").pk == fr_id
    assert ConversationStatus.objects.get(pk=status.pk).updated_at > before
    assert events == [("conversation-status", "updated", [status.pk])] * 2
    services.conversation_status_translations_set(status=status, translations={})
    assert stored(status) == {}
    assert len(events) == 3


def test_setting_the_same_translations_again_changes_nothing(events):
    status = ConversationStatusFactory()
    given = {"fr": texts("Ouvert", description="Ouvert")}
    services.conversation_status_translations_set(status=status, translations=given)
    updated_at = ConversationStatus.objects.get(pk=status.pk).updated_at
    history = ConversationStatusTranslation.history.count()
    services.conversation_status_translations_set(status=status, translations=given)
    assert len(events) == 1
    assert ConversationStatusTranslation.history.count() == history
    assert ConversationStatus.objects.get(pk=status.pk).updated_at == updated_at


def test_a_label_taken_in_that_locale_is_name_taken_and_nothing_changes(events):
    first, second = ConversationStatusFactory.create_batch(2)
    services.conversation_status_translations_set(
        status=first, translations={"fr": texts("Ouvert")}
    )
    services.conversation_status_translations_set(
        status=second, translations={"de": texts("Offen")}
    )
    with pytest.raises(ConflictError) as caught:
        services.conversation_status_translations_set(
            status=second, translations={"es": texts("Abierto"), "fr": texts("OUVERT")}
        )
    error = caught.value
    assert (error.code, error.field, error.params) == (
        ErrorCode.NAME_TAKEN,
        "agent_label",
        {"locale": "fr"},
    )
    assert stored(second) == {"de": ("Offen", "", "", "")}  # all or nothing
    assert len(events) == 2
    # The status's own locale-less name does not count: a label may equal any status name.
    services.conversation_status_translations_set(
        status=second, translations={"fr": texts(first.name)}
    )


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        (texts(""), "agent_label", ErrorCode.BLANK),
        (texts("\u200b "), "agent_label", ErrorCode.BLANK),
        (texts("x" * 49), "agent_label", ErrorCode.MAX_LENGTH),
        (texts("a<b"), "agent_label", ErrorCode.ANGLE_BRACKETS),
        (texts("Ok", "line\nbreak"), "end_user_label", ErrorCode.CONTROL),
        (texts("Ok", "y" * 49), "end_user_label", ErrorCode.MAX_LENGTH),
        (texts("Ok", description="d" * 256), "description", ErrorCode.MAX_LENGTH),
        (texts("Ok", end_user_description="d" * 256), "end_user_description", ErrorCode.MAX_LENGTH),
    ],
)
def test_the_texts_follow_the_name_rules(given, field, code):
    status = ConversationStatusFactory()
    with pytest.raises(DomainError) as caught:
        services.conversation_status_translations_set(status=status, translations={"fr": given})
    assert (caught.value.field, caught.value.code) == (field, code)
    assert caught.value.params["locale"] == "fr"
    assert stored(status) == {}


def test_the_longest_texts_are_accepted():
    status = ConversationStatusFactory()
    longest = texts("x" * 48, "y" * 48, "d" * 255, "e" * 255)
    services.conversation_status_translations_set(status=status, translations={"fr": longest})
    assert stored(status)["fr"] == ("x" * 48, "y" * 48, "d" * 255, "e" * 255)


def test_a_bad_locale_and_a_locale_given_twice_are_refused():
    status = ConversationStatusFactory()
    with pytest.raises(DomainError) as caught:
        services.conversation_status_translations_set(
            status=status, translations={"français": texts("Ouvert")}
        )
    assert (caught.value.field, caught.value.code) == ("locale", ErrorCode.INVALID)
    with pytest.raises(DomainError) as caught:
        services.conversation_status_translations_set(
            status=status, translations={"pt_BR": texts("Aberto"), "pt-br": texts("Aberta")}
        )
    assert (caught.value.field, caught.value.code, caught.value.params) == (
        "locale",
        ErrorCode.DUPLICATE,
        {"locale": "pt-br"},
    )


def test_the_default_statuses_can_be_translated():
    default = ConversationStatus.objects.get(name="Open", is_default=True)
    services.conversation_status_translations_set(
        status=default, translations={"fr": texts("Ouvert")}
    )
    assert stored(default) == {"fr": ("Ouvert", "", "", "")}


def test_a_deleted_status_is_not_found():
    status = ConversationStatusFactory()
    ConversationStatus.objects.filter(pk=status.pk).delete()
    with pytest.raises(NotFoundError):
        services.conversation_status_translations_set(
            status=status, translations={"fr": texts("Ouvert")}
        )


# --- the selector ---------------------------------------------------------------------------


@pytest.fixture
def translated():
    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status,
        translations={
            "fr": texts("Escaladé"),
            "fr-ca": texts("Transféré"),
            "pt-br": texts("Escalado"),
            "zh-hant": texts("已升級"),
            "de": texts("Eskaliert"),
        },
    )
    return status


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("fr", "fr"),
        ("fr-CA", "fr-ca"),
        ("fr-BE", "fr"),  # cut back to the language
        ("pt", "pt-br"),  # the language finds its regional variant
        ("pt-PT", "pt-br"),
        ("zh-Hant-TW", "zh-hant"),
        ("en-US,en;q=0.9,de;q=0.8,fr;q=0.7", "de"),
        ("fr;q=0.5, de;q=0.9", "de"),  # q order, not header order
        ("fr-CH, fr;q=0.9, de;q=0.8", "fr"),  # fr-ch is cut back before de is tried
        ("*", None),
        ("*, de;q=0.1", "de"),
        ("de;q=0, fr;q=0.1", "fr"),  # q=0: not acceptable
        ("en", None),
        ("", None),
        ("fr_FR", None),  # not an Accept-Language header: Django reads nothing from it
        ("x" * 1000, None),
    ],
)
def test_the_best_translation_for_an_accept_language_header(translated, header, locale):
    found = selectors.conversation_status_translation(translated, header)
    assert (found.locale if found else None) == locale


def test_no_translations_no_match():
    assert selectors.conversation_status_translation(ConversationStatusFactory(), "fr") is None


def test_a_list_costs_one_query_for_every_status_translations(django_assert_num_queries):
    for n in range(5):
        status = ConversationStatusFactory(name=f"Custom {n}")
        services.conversation_status_translations_set(
            status=status,
            translations={"fr": texts(f"Personnalisé {n}"), "de": texts(f"Eigen {n}")},
        )
    with django_assert_num_queries(2):
        statuses = list(selectors.conversation_statuses_with_translations())
        labels = [
            getattr(
                selectors.conversation_status_translation(status, "de-AT, fr"), "agent_label", None
            )
            for status in statuses
        ]
    assert labels[-5:] == [f"Eigen {n}" for n in range(5)]
    assert labels.count(None) == len(statuses) - 5
    # Without the prefetch, each status asks once: the prefetch is what makes it one.
    with CaptureQueriesContext(connection) as unprefetched:
        for status in ConversationStatus.objects.all():
            selectors.conversation_status_translation(status, "de")
    assert len(unprefetched) == 1 + len(statuses)


def test_the_selector_takes_the_translations_themselves(translated):
    rows = list(translated.translations.all())
    assert selectors.conversation_status_translation(rows, "de").agent_label == "Eskaliert"


# --- the admin inline -----------------------------------------------------------------------

ADMIN = "/admin/statuses/conversationstatus/"


def inline(*rows, initial=0):
    """The inline's POST data: its management form and `rows` (dicts of its fields)."""
    data = {
        "translations-TOTAL_FORMS": str(len(rows)),
        "translations-INITIAL_FORMS": str(initial),
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        blank = {"end_user_label": "", "description": "", "end_user_description": ""}
        for name, value in {**blank, **row}.items():
            data[f"translations-{index}-{name}"] = value
    return data


def existing(status, **changes):
    """An inline row for each stored translation of `status`, with `changes` by locale."""
    rows = []
    for row in ConversationStatusTranslation.objects.filter(status=status).order_by("id"):
        rows.append(
            {
                "id": str(row.pk),
                "status": str(status.pk),
                "locale": row.locale,
                "agent_label": row.agent_label,
                "end_user_label": row.end_user_label,
                "description": row.description,
                "end_user_description": row.end_user_description,
                **changes.get(row.locale, {}),
            }
        )
    return rows


@pytest.fixture
def service_calls(monkeypatch):
    calls = []
    real = services.conversation_status_translations_set

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "conversation_status_translations_set", spy)
    return calls


def test_the_admin_adds_a_status_with_its_translations_through_the_service(
    admin_client, service_calls
):
    data = {
        "name": "Escalated",
        "status_category": "open",
        "active": "on",
        **inline(
            {"locale": "fr_FR", "agent_label": "Escaladé", "end_user_label": "Transmis"},
            {"locale": "de", "agent_label": "Eskaliert", "description": "Zweite Ebene"},
        ),
    }
    response = admin_client.post(f"{ADMIN}add/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    status = ConversationStatus.objects.get(name="Escalated")
    assert stored(status) == {
        "fr-fr": ("Escaladé", "Transmis", "", ""),
        "de": ("Eskaliert", "", "Zweite Ebene", ""),
    }
    (call,) = service_calls
    assert call["status"].pk == status.pk
    assert call["translations"] == {
        "fr-fr": TranslationFields(agent_label="Escaladé", end_user_label="Transmis"),
        "de": TranslationFields(agent_label="Eskaliert", description="Zweite Ebene"),
    }


def test_the_admin_edits_and_deletes_translations(admin_client, service_calls):
    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status, translations={"fr": texts("Escaladé"), "de": texts("Eskaliert")}
    )
    service_calls.clear()
    rows = existing(status, fr={"agent_label": "Transmis"}, de={"DELETE": "on"})
    rows.append({"locale": "es", "agent_label": "Escalado"})
    data = {
        "name": "Escalated",
        "status_category": "open",
        "active": "on",
        **inline(*rows, initial=2),
    }
    response = admin_client.post(f"{ADMIN}{status.pk}/change/", data)
    assert response.status_code == 302
    assert stored(status) == {"fr": ("Transmis", "", "", ""), "es": ("Escalado", "", "", "")}
    assert len(service_calls) == 1
    # The admin's own log names the translations changed.
    from django.contrib.admin.models import LogEntry

    message = LogEntry.objects.filter(object_id=str(status.pk)).latest("pk").get_change_message()
    assert "Added translation" in message and "Deleted translation" in message


def test_the_admin_refuses_a_label_another_status_has_in_that_locale(admin_client):
    first = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=first, translations={"fr": texts("Escaladé")}
    )
    second = ConversationStatusFactory(name="Urgent")
    data = {
        "name": "Urgent 2",
        "status_category": "open",
        "active": "on",
        **inline({"locale": "FR", "agent_label": " ESCALADÉ"}),
    }
    response = admin_client.post(f"{ADMIN}{second.pk}/change/", data)
    assert response.status_code == 200
    assert "Another conversation status already has this agent label in this locale." in (
        response.content.decode()
    )
    second.refresh_from_db()
    assert second.name == "Urgent" and stored(second) == {}  # nothing of the change saved
    # The same label in another locale is fine.
    data.update(inline({"locale": "fr-ca", "agent_label": "Escaladé"}))
    assert admin_client.post(f"{ADMIN}{second.pk}/change/", data).status_code == 302
    assert stored(second) == {"fr-ca": ("Escaladé", "", "", "")}


def test_the_admin_refuses_a_locale_twice_and_a_bad_locale(admin_client):
    status = ConversationStatusFactory(name="Escalated")
    twice = inline(
        {"locale": "pt_BR", "agent_label": "Um"}, {"locale": "pt-br", "agent_label": "Dois"}
    )
    response = admin_client.post(
        f"{ADMIN}{status.pk}/change/",
        {"name": "Escalated", "status_category": "open", "active": "on", **twice},
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for locale" in response.content.decode()
    bad = inline({"locale": "français", "agent_label": "Escaladé"})
    response = admin_client.post(
        f"{ADMIN}{status.pk}/change/",
        {"name": "Escalated", "status_category": "open", "active": "on", **bad},
    )
    assert response.status_code == 200
    assert "A locale is a language code such as fr, pt-br or zh-tw." in response.content.decode()
    assert stored(status) == {}


def test_the_admin_reports_a_label_taken_at_the_write(admin_client, monkeypatch):
    """The form's check and the write are apart: a label taken in between (a concurrent
    request) is refused by the constraint, and the whole change rolls back."""
    status = ConversationStatusFactory(name="Escalated")
    rival = ConversationStatusFactory(name="Rival")
    real = services.conversation_status_translations_set

    def rival_first(**kwargs):
        ConversationStatusTranslation.objects.create(
            status=rival, locale="fr", agent_label="Escaladé"
        )
        return real(**kwargs)

    monkeypatch.setattr(services, "conversation_status_translations_set", rival_first)
    data = {
        "name": "Escalated again",
        "status_category": "open",
        "active": "on",
        **inline({"locale": "fr", "agent_label": "Escaladé"}),
    }
    response = admin_client.post(f"{ADMIN}{status.pk}/change/", data, follow=True)
    assert "Another conversation status already has this agent label in this locale." in (
        response.content.decode()
    )
    status.refresh_from_db()
    assert status.name == "Escalated" and stored(status) == {}


def test_a_post_without_the_inline_leaves_the_translations_alone(admin_client):
    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status, translations={"fr": texts("Escaladé")}
    )
    response = admin_client.post(
        f"{ADMIN}{status.pk}/change/",
        {"name": "Escalated 2", "status_category": "open", "active": "on"},
    )
    assert response.status_code == 302
    assert stored(status) == {"fr": ("Escaladé", "", "", "")}


def test_whoever_may_change_the_status_may_translate_it(client, django_user_model):
    from django.contrib.auth.models import Permission

    status = ConversationStatusFactory(name="Escalated")
    manager = django_user_model.objects.create_user("manager", password="pw", is_staff=True)
    manager.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_conversationstatus", "change_conversationstatus"]
        )
    )
    client.force_login(manager)
    page = client.get(f"{ADMIN}{status.pk}/change/")
    assert "translations-TOTAL_FORMS" in page.content.decode()
    data = {
        "name": "Escalated",
        "status_category": "open",
        "active": "on",
        **inline({"locale": "fr", "agent_label": "Escaladé"}),
    }
    assert client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    assert stored(status) == {"fr": ("Escaladé", "", "", "")}
    # With the view permission alone, the inline is read-only and a POST changes nothing.
    manager.user_permissions.set(Permission.objects.filter(codename="view_conversationstatus"))
    manager = django_user_model.objects.get(pk=manager.pk)
    client.force_login(manager)
    page = client.get(f"{ADMIN}{status.pk}/change/")
    assert "Escaladé" in page.content.decode()
    assert 'name="translations-0-agent_label"' not in page.content.decode()
    data.update(inline({"locale": "de", "agent_label": "Eskaliert"}))
    client.post(f"{ADMIN}{status.pk}/change/", data)
    assert stored(status) == {"fr": ("Escaladé", "", "", "")}


def shown(fragment):
    """An HTML fragment as a reader sees its text: no tags, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- history --------------------------------------------------------------------------------


def test_the_status_history_page_shows_its_translations_changes(admin_client, admin_user):
    status = ConversationStatusFactory(name="Escalated")
    other = ConversationStatusFactory(name="Other")
    services.conversation_status_translations_set(status=other, translations={"it": texts("Altro")})
    for rows_now in (
        lambda: [{"locale": "fr", "agent_label": "Escaladé"}],
        lambda: existing(status, fr={"agent_label": "Transmis", "description": "Niveau 2"}),
        lambda: existing(status, fr={"DELETE": "on"}),
    ):
        rows = rows_now()
        initial = sum("id" in row for row in rows)
        data = {
            "name": "Escalated",
            "status_category": "open",
            "active": "on",
            **inline(*rows, initial=initial),
        }
        assert admin_client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    records = ConversationStatusTranslation.history.filter(status_id=status.pk).order_by(
        "history_date"
    )
    assert [(r.history_type, r.agent_label, r.history_user) for r in records] == [
        ("+", "Escaladé", admin_user),
        ("~", "Transmis", admin_user),
        ("-", "Transmis", admin_user),
    ]
    assert {r.history_source for r in records} == {"admin"}
    response = admin_client.get(f"{ADMIN}{status.pk}/history/")
    assert response.status_code == 200
    section = response.content.decode().split('id="translation-history"')[1]
    rows = section.split('<tr class="translation-change">')[1:]
    assert len(rows) == 3  # newest first; none of the other status's
    assert "Deleted" in rows[0] and "fr" in rows[0]
    assert "agent_label: Escaladé → Transmis" in shown(rows[1])
    assert "description: → Niveau 2" in shown(rows[1])
    assert "Created" in rows[2] and "Escaladé" in rows[2]
    assert "Altro" not in section and "agent_label_key" not in section
    other_page = admin_client.get(f"{ADMIN}{other.pk}/history/").content.decode()
    assert "Altro" in other_page and "Transmis" not in other_page


def test_the_history_page_of_a_status_without_translations_says_so(admin_client):
    status = ConversationStatusFactory(name="Escalated")
    response = admin_client.get(f"{ADMIN}{status.pk}/history/")
    assert "No translation has been changed." in response.content.decode()


def test_the_translation_fields_object_is_the_models_editable_texts():
    editable = [
        field.name
        for field in ConversationStatusTranslation._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in ("status", "locale")
    ]
    assert field_names(TranslationFields) == editable


# --- import and export ----------------------------------------------------------------------


def export_rows(fmt="csv"):
    """The admin's export of every conversation status, as a list of dicts."""
    dataset = ConversationStatusResource().export()
    if fmt == "json":
        return json.loads(dataset.export("json"))
    return list(csv.DictReader(io.StringIO(dataset.export("csv"))))


def run_import(text, fmt="csv", dry_run=False):
    dataset = tablib.Dataset().load(text, format=fmt)
    return ConversationStatusResource().import_data(dataset, dry_run=dry_run, use_transactions=True)


def row_errors(result):
    return {
        row.number: [message for messages in row.error_dict.values() for message in messages]
        for row in result.invalid_rows
    } | {error.number: [str(error.error)] for row in result.rows for error in row.errors}


def test_translations_are_exported_as_a_json_object_per_status():
    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status,
        translations={
            "fr": texts("Escaladé", "Transmis", "Niveau 2", "Nous y travaillons"),
            "de": texts("Eskaliert"),
        },
    )
    rows = {row["name"]: row for row in export_rows()}
    assert json.loads(rows["Escalated"]["translations"]) == {
        "de": {
            "agent_label": "Eskaliert",
            "end_user_label": "",
            "description": "",
            "end_user_description": "",
        },
        "fr": {
            "agent_label": "Escaladé",
            "end_user_label": "Transmis",
            "description": "Niveau 2",
            "end_user_description": "Nous y travaillons",
        },
    }
    assert list(json.loads(rows["Escalated"]["translations"])) == ["de", "fr"]
    assert rows["Open"]["translations"] == ""


def test_an_export_asks_once_for_every_status_translations(django_assert_max_num_queries):
    for n in range(6):
        services.conversation_status_translations_set(
            status=ConversationStatusFactory(name=f"Custom {n}"),
            translations={"fr": texts(f"Personnalisé {n}")},
        )
    with django_assert_max_num_queries(3):
        rows = export_rows()
    assert sum(bool(row["translations"]) for row in rows) == 6


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_imports_back_unchanged_and_an_edited_one_through_the_service(fmt, events):
    status = ConversationStatusFactory(name="Escalated")
    default = ConversationStatus.objects.get(name="Open")
    services.conversation_status_translations_set(
        status=status, translations={"fr": texts("Escaladé", description="Niveau 2")}
    )
    services.conversation_status_translations_set(
        status=default, translations={"de": texts("Offen")}
    )
    events.clear()
    default_history = ConversationStatus.history.filter(id=default.pk).count()
    exported = ConversationStatusResource().export().export(fmt)
    result = run_import(exported, fmt)
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}  # the same file changes nothing
    assert events == []
    # Edit the file: another text, a new locale, and the default's translations removed.
    rows = json.loads(exported) if fmt == "json" else list(csv.DictReader(io.StringIO(exported)))
    for row in rows:
        if row["name"] == "Escalated":
            row["translations"] = json.dumps(
                {"fr": {"agent_label": "Transmis"}, "pt_BR": {"agent_label": "Escalado"}}
            )
        if row["name"] == "Open":
            row["translations"] = ""
    edited = tablib.Dataset(*[list(row.values()) for row in rows], headers=list(rows[0]))
    result = run_import(edited.export(fmt), fmt)
    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert stored(status) == {"fr": ("Transmis", "", "", ""), "pt-br": ("Escalado", "", "", "")}
    assert stored(default) == {}  # a default's translations, its own fields untouched
    assert sorted(pk for _kind, _action, (pk,) in events) == sorted([status.pk, default.pk])
    # The default's own row was not written (no history row, no refusal).
    assert ConversationStatus.history.filter(id=default.pk).count() == default_history


def test_a_json_file_may_give_the_object_itself():
    status = ConversationStatusFactory(name="Escalated")
    text = json.dumps(
        [
            {
                "id": status.pk,
                "name": "Escalated",
                "category": "open",
                "translations": {"fr": {"agent_label": "Escaladé"}},
            }
        ]
    )
    result = run_import(text, "json")
    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert stored(status) == {"fr": ("Escaladé", "", "", "")}


def test_a_file_without_the_column_leaves_translations_alone():
    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status, translations={"fr": texts("Escaladé")}
    )
    result = run_import(f"id,name,category\n{status.pk},Escalated 2,open\n")
    assert not result.has_errors() and not result.has_validation_errors()
    status.refresh_from_db()
    assert status.name == "Escalated 2" and stored(status) == {"fr": ("Escaladé", "", "", "")}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("not json", "translations must be a JSON object"),
        ('["fr"]', "translations must be a JSON object"),
        ('{"fr": "Ouvert"}', "translations: fr must be an object of agent_label, end_user_label"),
        ('{"fr": {"label": "Ouvert"}}', "translations: fr has no field label"),
        ('{"fr": {"agent_label": 7}}', "translations: fr agent_label must be text"),
        ('{"fr": {"agent_label": "a<b"}}', "A name cannot contain < or >."),
        ('{"français": {"agent_label": "Ouvert"}}', "A locale is a language code"),
        ('{"fr": {"agent_label": "Escaladé"}}', "already has this agent label in this locale"),
    ],
)
def test_a_bad_translations_cell_is_the_rows_error_and_nothing_is_written(cell, message):
    taken = ConversationStatusFactory(name="Taken")
    services.conversation_status_translations_set(
        status=taken, translations={"fr": texts("Escaladé")}
    )
    dataset = tablib.Dataset(headers=["name", "category", "translations"])
    dataset.append(["Escalated", "open", cell])
    result = ConversationStatusResource().import_data(dataset, dry_run=False, use_transactions=True)
    errors = row_errors(result)
    assert list(errors) == [1]
    assert any(message in error for error in errors[1]), errors
    assert not ConversationStatus.objects.filter(name="Escalated").exists()


def test_the_admin_import_preview_shows_old_and_new_translations(admin_client):
    from tests.portal.admin_import import confirm, preview

    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status, translations={"fr": texts("Escaladé")}
    )
    cell = json.dumps({"fr": {"agent_label": "Transmis"}}).replace('"', '""')
    content = f'id,name,category,translations\n{status.pk},Escalated,open,"{cell}"\n'
    response = preview(admin_client, ADMIN, "statuses.csv", content, "csv")
    page = shown(response.content.decode())
    assert "Escaladé" in page and "Transmis" in page
    assert stored(status) == {"fr": ("Escaladé", "", "", "")}  # a preview writes nothing
    confirm(admin_client, ADMIN, response)
    assert stored(status) == {"fr": ("Transmis", "", "", "")}
    record = ConversationStatusTranslation.history.filter(status_id=status.pk).latest(
        "history_date"
    )
    assert record.history_type == "~" and record.history_user.username == "admin"


def test_a_translation_change_retires_the_cached_status_lists():
    """The Zendesk wire's list shows translations: their rows retire its generation."""
    from django.core.cache import cache

    from core.cache import generation_key

    status = ConversationStatusFactory()
    key = generation_key("conversation-statuses")
    for translations in ({"fr": texts("Ouvert")}, {"fr": texts("Ouverte")}, {}):
        cache.set(key, "token")
        services.conversation_status_translations_set(status=status, translations=translations)
        assert cache.get(key) is None


def test_the_admin_translates_a_default_status_whose_own_fields_stay_read_only(admin_client):
    default = ConversationStatus.objects.get(name="Open", is_default=True)
    page = admin_client.get(f"{ADMIN}{default.pk}/change/").content.decode()
    assert 'name="name"' not in page and 'name="category"' not in page
    assert 'name="translations-TOTAL_FORMS"' in page
    history = ConversationStatus.history.filter(id=default.pk).count()
    data = {
        "name": "Changed",
        "category": "resolved",
        **inline({"locale": "fr", "agent_label": "Ouvert", "end_user_label": "En cours"}),
    }
    assert admin_client.post(f"{ADMIN}{default.pk}/change/", data).status_code == 302
    default.refresh_from_db()
    assert (default.name, default.category) == ("Open", "open")
    assert stored(default) == {"fr": ("Ouvert", "En cours", "", "")}
    assert ConversationStatus.history.filter(id=default.pk).count() == history
    # Its history page has no version to revert to.
    assert "revert to a previous version" not in (
        admin_client.get(f"{ADMIN}{default.pk}/history/").content.decode()
    )
