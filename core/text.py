"""When two names count as the same: the key that every unique name is compared by.

Comparing names in SQL (`Lower`, `iexact`) depends on the database and its locale: on a
C-locale PostgreSQL only ASCII letters are folded, so `Ärger` and `ärger` were two names.
The key is computed here, in Python, and stored next to the name; the unique constraint
is on the stored key, so every database and every locale agrees on what a duplicate is.
"""

import hashlib
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Longer keys are stored shortened (see name_key): a PostgreSQL btree entry must stay
# under 2,704 bytes, and 400 characters are at most 1,600 bytes of UTF-8.
NAME_KEY_MAX_LENGTH = 400
_DIGEST_LENGTH = 64  # hex digits of SHA-256


def name_key(text: str) -> str:
    """The comparison key of a name: equal keys mean the same name, whatever it looks like.

    1. NFKC: compatibility forms become their plain letters (fullwidth U+FF2C is `L`, the
       ligature U+FB01 is `fi`, NBSP is a space) and NFD `e` + accent becomes NFC `é`.
    2. casefold: case is ignored in every script (`Ä` and `ä`, Greek capital, small and
       final sigma, `ß` and `ss`).
    3. Format characters (Unicode category Cf: zero-width space and joiners, soft hyphen,
       bidi marks) are removed; they are invisible.
    4. NFKC again, so that the result is normalised: the key of a key is the key itself.
    5. Runs of whitespace become one space; leading and trailing whitespace goes.

    A name whose key is empty (only spaces and invisible characters) is a blank name.
    A key longer than NAME_KEY_MAX_LENGTH characters (only from characters that NFKC or case
    folding expand: `ß` becomes `ss`, U+FDFA becomes 18 letters) is shortened to its first
    characters, `#` and the SHA-256 of the whole key: still equal exactly when keys are.
    """
    key = unicodedata.normalize("NFKC", text).casefold()
    key = "".join(char for char in key if unicodedata.category(char) != "Cf")
    key = " ".join(unicodedata.normalize("NFKC", key).split())
    if len(key) > NAME_KEY_MAX_LENGTH:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        key = f"{key[: NAME_KEY_MAX_LENGTH - _DIGEST_LENGTH - 1]}#{digest}"
    return key


NAME_KEY_LABEL = _("name key")
NAME_KEY_HELP = _("The name as compared for uniqueness (core.text.name_key).")


def name_key_field(verbose_name=NAME_KEY_LABEL, help_text=NAME_KEY_HELP):
    """The column that holds `name_key` of a model's name and carries its unique constraint."""
    return models.CharField(
        verbose_name,
        max_length=NAME_KEY_MAX_LENGTH,
        blank=True,
        editable=False,
        help_text=help_text,
    )


class NameKeyMixin:
    """Keeps a model's key column equal to `name_key(<its name field>)` on every save().

    A model lists its keyed fields as `name_keys = {"name": "name_key"}` and uses
    NameKeyQuerySet as its manager, which does the same for the paths that skip save().
    """

    name_keys: dict[str, str] = {}

    def set_name_keys(self):
        """Recompute every key column from its name field."""
        for source, key_field in self.name_keys.items():
            setattr(self, key_field, name_key(getattr(self, source) or ""))

    def save(self, *args, **kwargs):
        self.set_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {key for src, key in self.name_keys.items() if src in update_fields}
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.set_name_keys()
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        # A form leaves the key out (it is not editable), which would skip the unique
        # constraint on it; the key follows its name, so check it whenever the name is.
        self.set_name_keys()
        if exclude:
            exclude = set(exclude) - {
                key for src, key in self.name_keys.items() if src not in exclude
            }
        super().validate_constraints(exclude=exclude)


class NameKeyQuerySet(models.QuerySet):
    """bulk_create, bulk_update and update() that keep a NameKeyMixin model's keys right."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.set_name_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        for obj in objs:
            obj.set_name_keys()
        for source, key_field in self.model.name_keys.items():
            if source in fields and key_field not in fields:
                fields.append(key_field)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        for source, key_field in self.model.name_keys.items():
            if source not in kwargs or key_field in kwargs:
                continue
            if not isinstance(kwargs[source], str):
                raise ValueError(f"update({source}=<expression>) must also set {key_field}")
            kwargs[key_field] = name_key(kwargs[source])
        return super().update(**kwargs)


VISIBLE_NAME_REQUIRED = _("The name needs at least one visible character.")

# The portal's rule for the characters of a name shown in the admin and by the clients
# (docs/names.md): no control characters, no `<` or `>`. Agent status reason texts have
# had it from the start (reasons.models, in their surface's words); custom user statuses
# refuse more (statuses.models.validate_user_status_name).
NAME_CONTROL_CHARACTERS = _(
    "A name cannot contain control characters (tabs, line breaks and the like)."
)
NAME_ANGLE_BRACKETS = _("A name cannot contain < or >.")


def has_control_characters(text: str) -> bool:
    """Whether `text` has a control character (Unicode Cc: C0 with tab and line feed,
    DEL, C1). Format characters (Cf) such as a zero-width space are not controls."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def validate_name_characters(value: str) -> None:
    """A name has no control characters (they break a line or a table cell wherever it
    is shown) and no `<` or `>` (some clients show names as HTML). Codes `control` and
    `angle_brackets`, as an agent status reason's text."""
    if has_control_characters(value):
        raise ValidationError(NAME_CONTROL_CHARACTERS, code="control")
    if "<" in value or ">" in value:
        raise ValidationError(NAME_ANGLE_BRACKETS, code="angle_brackets")


def visible_name_field(verbose_name, *, max_length, validators=(), error_messages=None):
    """A name column whose value must have something visible in it (`validate_visible`),
    plus any further `validators`; `error_messages` may reword `blank` and others."""
    return models.CharField(
        verbose_name,
        max_length=max_length,
        validators=[validate_visible, *validators],
        error_messages={"blank": VISIBLE_NAME_REQUIRED, **(error_messages or {})},
    )


def validate_visible(value):
    """A name must have something visible in it: its name_key may not be empty.

    Models use it through `visible_name_field`, which also sets the field's own `blank`
    message: Django replaces a validator's message by the field's message for its code.
    """
    if not name_key(value or ""):
        raise ValidationError(VISIBLE_NAME_REQUIRED, code="blank")
