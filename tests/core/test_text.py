"""The name key: when two names count as the same one (docs/names.md)."""

import sys
import unicodedata

import pytest

from core.text import NAME_KEY_MAX_LENGTH, name_key
from tests.names import FULLWIDTH_LUNCH, INVISIBLE_NAMES, SAME_NAMES


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_look_alike_names_have_one_key(first, second):
    assert name_key(first) == name_key(second)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ärger", "ärger"),
        ("ÄRGER", "ärger"),
        ("\u03a3\u039f\u03a3", "\u03c3\u03bf\u03c3"),  # capital, small and final sigma fold alike
        ("\u03c3\u03bf\u03c2", "\u03c3\u03bf\u03c3"),
        ("Straße", "strasse"),
        ("e\u0301", "\u00e9"),  # NFD becomes NFC
        (FULLWIDTH_LUNCH, "lunch"),
        ("\ufb01le", "file"),  # the fi ligature
        ("Lun\u200bch\u00ad", "lunch"),  # zero-width space, soft hyphen
        ("\u202eLunch\u202c", "lunch"),  # bidi override marks
        ("  Coffee \t\n\u00a0\u3000 break  ", "coffee break"),
        ("e\u200b\u0301", "\u00e9"),  # removing the format character lets the accent compose
        ("Lunch", "lunch"),
    ],
)
def test_key_of(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("first", "second"),
    [("Lunch", "Launch"), ("Lun ch", "Lunch"), ("é", "e"), ("Ärger", "Arger"), ("1", "one")],
)
def test_different_names_keep_different_keys(first, second):
    assert name_key(first) != name_key(second)


@pytest.mark.parametrize("name", [*INVISIBLE_NAMES, "", "   ", "\t\n"])
def test_nothing_visible_is_an_empty_key(name):
    assert name_key(name) == ""


@pytest.mark.one_database  # pure Python over every code point
def test_key_is_stable_for_every_character():
    # name_key(name_key(x)) == name_key(x): what is stored can be compared again.
    unstable = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF and name_key(name_key(chr(code))) != name_key(chr(code))
    ]
    assert unstable == []


def test_key_is_normalised_and_has_no_format_characters():
    for name in ["Ärger", "e\u0301\u200b", FULLWIDTH_LUNCH, "\u1e9b\u0323", "A\u0308\u0301"]:
        key = name_key(name)
        assert unicodedata.is_normalized("NFKC", key)
        assert not any(unicodedata.category(char) == "Cf" for char in key)


def test_a_very_long_key_is_shortened_but_stays_exact():
    # U+FDFA is one character that NFKC turns into 18.
    long_name = "\ufdfa" * 100
    key = name_key(long_name)
    assert len(unicodedata.normalize("NFKC", long_name)) == 1800
    assert len(key) == NAME_KEY_MAX_LENGTH
    assert name_key("\ufdfa" * 99 + "\ufdfb") != key  # same first 335 characters
    assert name_key(long_name) == key
    assert len(key.encode()) < 2704  # PostgreSQL's limit for one btree index entry


# --- the key column follows its name on every write path -------------------------------------


@pytest.mark.django_db
def test_save_sets_the_key_also_with_update_fields():
    from statuses.models import UserStatus

    status = UserStatus.objects.create(name="Ärger", status_type="busy")
    assert UserStatus.objects.get(pk=status.pk).name_key == "ärger"
    status.name = "\uff2c\uff55\uff4e\uff43\uff48"
    status.save(update_fields=["name"])
    assert UserStatus.objects.get(pk=status.pk).name_key == "lunch"


@pytest.mark.django_db
def test_bulk_create_bulk_update_and_update_set_the_key():
    from django.db.models import Value

    from statuses.models import UserStatus

    UserStatus.objects.bulk_create([UserStatus(name="ÄRGER", status_type="busy")])
    status = UserStatus.objects.get(name_key="ärger")
    status.name = "\u03a3"
    UserStatus.objects.bulk_update([status], ["name"])
    assert UserStatus.objects.get(pk=status.pk).name_key == "\u03c3"
    UserStatus.objects.filter(pk=status.pk).update(name="Lun\u200bch")
    assert UserStatus.objects.get(pk=status.pk).name_key == "lunch"
    with pytest.raises(ValueError, match="name_key"):
        UserStatus.objects.filter(pk=status.pk).update(name=Value("x"))
