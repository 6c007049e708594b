"""Subscriptions, the event outbox, and the deliveries and attempts of each event."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords


class Subscription(models.Model):
    """Where events of chosen types go, signed with a secret only the subscriber and the
    portal know (stored encrypted: it must be readable to sign; docs/security.md). It gets
    only the events of objects its owner may view (webhooks.services.emit)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,  # a deleted owner's subscriptions stay, for their log, and get nothing
        related_name="webhook_subscriptions",
        editable=False,
        help_text=_("Who made it: it gets only the events of objects this user may view."),
    )
    url = models.URLField(_("target URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    scope = models.CharField(
        _("scope"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_]{1,20}$")],
        help_text=_(
            "Only events of objects in this scope (an account, one of the owner's); empty for "
            "every scope the owner may see. Events of kinds without a scope are not filtered."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Paused subscriptions get no new events.")
    )
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(editable=False, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    paused_reason = models.CharField(_("paused because"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["secret_encrypted", "previous_secret_encrypted", "updated_at"]
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["id"]

    def __str__(self):
        return self.description or self.url


class ObjectSequence(models.Model):
    """The last `sequence` given to an object's events (one row per object)."""

    object_key = models.CharField(primary_key=True, max_length=120)
    value = models.BigIntegerField()

    def __str__(self):
        return f"{self.object_key} #{self.value}"


class Event(models.Model):
    """One change, written in the transaction that made it (the outbox)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=64)
    object_key = models.CharField(max_length=120)
    sequence = models.BigIntegerField()  # one per change of the object, whatever the shape
    scope = models.CharField(max_length=20, blank=True)
    body = models.TextField(_("body"))  # the exact JSON sent, the same on every attempt
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_key", "type", "sequence"],
                name="webhooks_event_object_type_sequence",
            )
        ]

    def __str__(self):
        return f"{self.type} {self.object_key} #{self.sequence}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"


class Delivery(models.Model):
    """One event for one subscription, until it is delivered or given up."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker holds a delivery while it sends it (a compare-and-set on these two), so two
    # workers never send one delivery at the same time; a dead worker's lease runs out.
    leased_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease = models.UUIDField(null=True, blank=True, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="webhooks_delivery_once_per_subscription"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_pending",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription}"


class Attempt(models.Model):
    """One POST of a delivery: what came back, and when the next one is due."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("time"))
    finished_at = models.DateTimeField()
    latency_ms = models.PositiveIntegerField(_("latency (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    response_excerpt = models.TextField(_("response (first 1 KB)"), blank=True)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhooks_attempt_number_once"
            )
        ]

    def __str__(self):
        return f"{self.delivery} attempt {self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
