"""Translations of conversation statuses: the model's rules, the service that replaces a
status's whole set, the Accept-Language selector, the admin inline, import/export and the
history (CONTRACTS.md section 5, "Translations")."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from statuses import selectors, services
from statuses.models import ConversationStatus, ConversationStatusTranslation, normalise_locale
from statuses.services import TranslationFields
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
