"""LivePerson accounts, their agent status reasons, the bearers agents log in with, and the
accounts' API keys."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.text import NameKeyMixin, NameKeyQuerySet, name_key_field, visible_name_field

ACCOUNT_ID_PATTERN = r"^[a-zA-Z0-9_]{1,20}$"


class Account(models.Model):
    """A LivePerson account (site id): its members and the revision of its reason collection."""

    id = models.CharField(
        _("account id"),
        primary_key=True,
        max_length=20,
        validators=[RegexValidator(ACCOUNT_ID_PATTERN, _("1 to 20 letters, digits or _."))],
    )
    name = models.CharField(_("display name"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="liveperson_accounts",
        blank=True,
        verbose_name=_("members"),
    )
    revision = models.PositiveBigIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Raised by one on every change to this account's status reasons."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id__regex=ACCOUNT_ID_PATTERN), name="account_id_format"
            ),
        ]

    def __str__(self):
        return f"{self.id} ({self.name})" if self.name else self.id


class ReasonState(models.TextChoices):
    """The agent state a status reason belongs to (case-sensitive, as LivePerson)."""

    ONLINE = "Online", _("Online")
    OCCUPIED = "Occupied", _("Occupied")
    AWAY = "Away", _("Away")


TEXT_MAX_LENGTH = 100
# A 32-bit order, as LivePerson's; PostgreSQL's `integer` column holds the same range.
ORDER_MIN, ORDER_MAX = -(2**31), 2**31 - 1

# The sort key that orders an account's live reasons (reasons.services, "Sort keys"): a
# 64-bit integer, neighbours SORT_KEY_GAP apart when they are first given keys, so that a
# reason placed between two others takes a key between theirs and none of them moves.
SORT_KEY_GAP = 2**20
SORT_KEY_MIN, SORT_KEY_MAX = -(2**63), 2**63 - 1

TEXT_REQUIRED = _("text is required")
TEXT_TOO_LONG = format_lazy(_("text must be at most {max} characters"), max=TEXT_MAX_LENGTH)
STATE_INVALID = format_lazy(
    _("state must be one of {states}"), states=", ".join(ReasonState.values)
)
ORDER_OUT_OF_RANGE = _("order is out of range")


def validate_no_control_characters(text):
    """A reason's text has no control characters (tabs, newlines, DEL, C1 controls)."""
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise ValidationError(_("text must not contain control characters"), code="control")


def validate_no_angle_brackets(text):
    """A reason's text has no `<` or `>`: clients show it as it is, and some as HTML."""
    if "<" in text or ">" in text:
        raise ValidationError(_("text must not contain < or >"), code="angle_brackets")


# The rules about a text's characters, checked after its length (see TEXT_MAX_LENGTH).
TEXT_CHARACTER_RULES = [validate_no_control_characters, validate_no_angle_brackets]


class SortKeyField(models.BigIntegerField):
    """A reason's sort key. A row inserted without one (bulk seeding, fixtures, tests) takes
    its `order` times SORT_KEY_GAP, so that rows numbered 1..N are listed in that order;
    the services always give one (reasons.services)."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if add and value is None:
            value = (model_instance.order or 0) * SORT_KEY_GAP
            setattr(model_instance, self.attname, value)
        return value


class _PositionedIterable(models.query.ModelIterable):
    """Model instances whose `order` is their position now: a live reason's computed from
    the sort keys (the `position` annotation), a deleted reason's the one it goes back to."""

    def __iter__(self):
        for obj in super().__iter__():
            position = getattr(obj, "position", None)
            if position is not None:
                obj.order = position
            yield obj


class _NumberedIterable(models.query.ModelIterable):
    """Model instances of one account's live reasons, read whole and in order: each one's
    `order` is its place in the list (no count per row)."""

    def __iter__(self):
        for position, obj in enumerate(super().__iter__(), start=1):
            obj.order = position
            yield obj


class _ReadPositionsIterable(models.query.ModelIterable):
    """Model instances whose `order` is their position now, numbered once the rows are read:
    the live ones among them by one query (reasons.db.live_positions, a window over their
    accounts' live reasons), not by a count per row; a deleted one's is the one it goes
    back to (its `order`)."""

    def __iter__(self):
        from reasons import db

        objs = list(super().__iter__())
        live = [(obj.pk, obj.account_id) for obj in objs if not obj.deleted]
        if live:
            positions = db.live_positions(self.queryset.model, live)
            for obj in objs:
                if not obj.deleted:
                    obj.order = positions[obj.pk]
        yield from objs


class ReasonQuerySet(NameKeyQuerySet):
    """Status reasons, each with its `position` (see StatusReason.order)."""

    def with_positions(self):
        """Each reason annotated with `position` (live: 1 + the account's live reasons
        before it by (sort_key, id); deleted: its `order`), and `order` set to it on the
        instances. One correlated COUNT per row, by the live sort-key index: for a page or
        a few reasons; a whole account's list is numbered in Python (reasons.selectors)."""
        before = (
            StatusReason.rows.filter(
                account_id=OuterRef("account_id"),
                deleted=False,
                sort_key__lte=OuterRef("sort_key"),
            )
            .exclude(sort_key=OuterRef("sort_key"), id__gte=OuterRef("id"))
            .order_by()
            .values("account_id")
            .annotate(count=Count("id"))
            .values("count")
        )
        clone = self.annotate(
            position=Case(
                When(deleted=True, then=F("order")),
                default=Coalesce(Subquery(before), Value(0)) + 1,
                output_field=models.BigIntegerField(),
            )
        )
        clone._iterable_class = _PositionedIterable
        return clone

    def positions_as_read(self):
        """The reasons as stored, each instance's `order` set to its position once they are
        read (one query for the lot: _ReadPositionsIterable): for a page of any reasons
        (the admin's list), where a correlated count per row would cost a count per row."""
        clone = self._chain()
        clone._iterable_class = _ReadPositionsIterable
        return clone

    def numbered(self):
        """The live reasons in order, each with its position as `order`, counted as they
        are read: for one account's whole live list (filtered to one account, unsliced),
        which a correlated count per row would make quadratic."""
        clone = self.filter(deleted=False).order_by("sort_key", "id")
        clone._iterable_class = _NumberedIterable
        return clone


class ReasonManager(models.Manager.from_queryset(ReasonQuerySet)):
    """StatusReason.objects: every reason read as a model instance has its position now."""

    def get_queryset(self):
        return super().get_queryset().with_positions()


class StatusReason(NameKeyMixin, models.Model):
    """An agent status reason such as "Lunch" (Away), belonging to one account."""

    TEXT_MAX_LENGTH = TEXT_MAX_LENGTH
    State = ReasonState

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("account")
    )
    text = visible_name_field(
        _("text"),
        max_length=TEXT_MAX_LENGTH,
        validators=TEXT_CHARACTER_RULES,
        error_messages={"blank": TEXT_REQUIRED, "max_length": TEXT_TOO_LONG},
    )
    text_key = name_key_field(
        _("text key"), _("The text as compared for uniqueness (core.text.name_key).")
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ReasonState.choices,
        error_messages={"invalid_choice": STATE_INVALID, "blank": STATE_INVALID},
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    # The reason's position in its account's list: the live reasons of an account are
    # numbered 1, 2, ..., N in the order of their sort keys (`sort_key`, then id). Writes
    # do not renumber the others (reasons.services, "Sort keys"): this column holds the
    # position the reason had at its own last write (what its history row records), and a
    # deleted reason's is the position it had, where it goes back when restored. Instances
    # read through `StatusReason.objects` carry the live position now (ReasonQuerySet).
    order = models.IntegerField(
        _("position"),
        default=0,
        help_text=_("Its place in the account's list of live reasons: 1 is the first."),
        validators=[MinValueValidator(ORDER_MIN), MaxValueValidator(ORDER_MAX)],
        error_messages={"min_value": ORDER_OUT_OF_RANGE, "max_value": ORDER_OUT_OF_RANGE},
    )
    sort_key = SortKeyField(
        _("sort key"),
        editable=False,
        help_text=_("Orders the account's live reasons (then their id); positions count them."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ReasonManager()
    # The rows as stored: `order` is the column (no position computed).
    rows = ReasonQuerySet.as_manager()
    name_keys = {"text": "text_key"}

    class Meta:
        verbose_name = _("status reason")
        verbose_name_plural = _("status reasons")
        ordering = ["account_id", "sort_key", "id"]
        indexes = [
            # An account's live reasons in order: the list, the first key (a create) and
            # the count of those before a reason. Not a partial index: the queries name
            # `deleted` as a parameter, which a partial index's condition cannot match.
            models.Index(fields=["account", "deleted", "sort_key", "id"], name="reason_sort_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "text_key"],
                condition=models.Q(deleted=False),
                name="reason_text_key_unique_live",
                violation_error_message=_(
                    "This account already has a status reason with this text."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ReasonState.values), name="reason_state_valid"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="reason_text_not_blank"),
            models.CheckConstraint(
                condition=~models.Q(text_key=""),
                name="reason_text_key_not_blank",
                violation_error_message=_("The text needs at least one visible character."),
            ),
        ]

    def __str__(self):
        return self.text

    def validate_constraints(self, exclude=None):
        # A form shows the account and `deleted` read-only or not at all, but the reason
        # has them: keep them in, so that whenever the text is checked, its uniqueness
        # among the account's live reasons is checked too (the admin's change form).
        if exclude and "text" not in exclude:
            exclude = set(exclude) - {"account", "deleted"}
        super().validate_constraints(exclude=exclude)


class AccountBearer(models.Model):
    """A LivePerson login session bound to one account: its bearer, its csrf and its
    `Session_id` cookie. Only their SHA-256 hashes are stored. The session lives
    `BEARER_TTL_HOURS` from `refreshed_at` (its login, or its last refresh)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_bearers",
        verbose_name=_("user"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="bearers",
        verbose_name=_("account"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    # Sessions made before the Login Service's cookie and csrf existed have neither: they
    # work with their bearer only.
    csrf_hash = models.CharField(_("csrf hash"), max_length=64, blank=True, editable=False)
    # NULL (not "") for those older sessions, so that the unique index ignores them.
    session_hash = models.CharField(  # noqa: DJ001
        _("session id hash"), max_length=64, unique=True, null=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    refreshed_at = models.DateTimeField(
        _("refreshed at"), default=timezone.now, db_index=True, editable=False
    )
    # Written at most once a minute (access.services.touch_last_used).
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    # The API key whose Application Login started this session (None: a user login). The
    # session ends with the key, and never does more than the key's permission allows.
    api_key = models.ForeignKey(
        "AccountApiKey",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        editable=False,
        verbose_name=_("API key"),
    )

    class Meta:
        # The model lived in `access` until the bearers moved next to their accounts; the
        # table kept its name, and its rows.
        db_table = "access_accountbearer"
        verbose_name = _("LivePerson bearer")
        verbose_name_plural = _("LivePerson bearers")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} @ {self.account_id}"


class KeyPermission(models.TextChoices):
    """What a LivePerson API key may do with its account's status reasons: read them, or
    read and change them (LivePerson's services `accountConfigReadOnly` and
    `accountConfigReadWrite`)."""

    READ_ONLY = "read_only", _("Read-only (accountConfigReadOnly)")
    READ_WRITE = "read_write", _("Read-write (accountConfigReadWrite)")


class AccountApiKey(models.Model):
    """A LivePerson API key of one account: an app key (OAuth 1.0a consumer key) and an
    access token, each with its secret. Requests signed with it (HMAC-SHA1), and the
    sessions its Application Login starts, act as `user` on `account`, within `permission`.

    The two secrets are stored encrypted (webhooks.secrets), not hashed: verifying an HMAC
    signature needs them in clear. The app key and access token are public identifiers,
    looked up by their unique indexes. The key works while it is active and its user is an
    active member of the account; deleting or deactivating it ends it, and its sessions, at
    once."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="liveperson_api_keys",
        verbose_name=_("signs in as"),
        help_text=_(
            "The member of the account the key acts as (LivePerson: the bot user whose login "
            "method is this key). The key never does more than this user may."
        ),
    )
    name = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("What uses the key, e.g. a reporting job."),
    )
    permission = models.CharField(
        _("permission"),
        max_length=16,
        choices=KeyPermission.choices,
        default=KeyPermission.READ_ONLY,
    )
    app_key = models.CharField(_("app key"), max_length=64, unique=True, editable=False)
    secret_encrypted = models.TextField(editable=False)
    access_token = models.CharField(_("access token"), max_length=64, unique=True, editable=False)
    token_secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unticked: the key and its sessions stop working.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Written at most once a minute (access.services.touch_last_used).
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("LivePerson API key")
        verbose_name_plural = _("LivePerson API keys")
        ordering = ["account_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(permission__in=KeyPermission.values),
                name="account_api_key_permission_valid",
            ),
        ]

    def __str__(self):
        label = self.name or self.app_key
        return f"{label} @ {self.account_id}"

    @property
    def read_only(self) -> bool:
        return self.permission == KeyPermission.READ_ONLY
