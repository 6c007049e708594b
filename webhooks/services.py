"""Webhook subscriptions and the outbox: the only code that writes this app's tables.

`emit` is called by the domain services inside the transaction of the change it
describes, so an event exists exactly when its change committed (a transactional outbox).
The queue (`webhooks.tasks`) then delivers each (event, subscription) pair; `claim` and
`record` are the two steps of one delivery attempt.
"""

import json
import logging
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mail_managers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from standardwebhooks.webhooks import Webhook

from core import cache
from core.bulk import insert_objects
from core.errors import DomainError
from core.permissions import may_view_model
from webhooks import catalogue, http, queue, secrets
from webhooks.models import Attempt, Delivery, Event, ObjectSequence, Subscription

logger = logging.getLogger(__name__)

SECRET_OVERLAP = timedelta(hours=24)
# A retry task may start this much before its delivery's due time (clocks of two machines).
EARLY = timedelta(seconds=1)
TEST_OBJECT_KEY = "webhook-test"


# --- Who changed it ----------------------------------------------------------------------


def current_actor() -> dict | str:
    """The user of the request being served (as the change history records it), else
    "system" (a management command, the worker, a migration)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"id": user.pk, "username": user.get_username()}
    return "system"


# --- The outbox ----------------------------------------------------------------------------


def _next_sequences(keys: list[str]) -> dict[str, list[int]]:
    """Raise each object's sequence by how often it occurs in `keys`, in one statement that
    also locks those rows until the transaction ends; the new numbers per key, in order."""
    counts = Counter(keys)
    table = connection.ops.quote_name(ObjectSequence._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(counts))
    params = [value for item in counts.items() for value in item]
    sql = (
        f"INSERT INTO {table} (object_key, value) VALUES {rows} "  # noqa: S608 (names only)
        f"ON CONFLICT (object_key) DO UPDATE SET value = {table}.value + excluded.value "
        "RETURNING object_key, value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        last = dict(cursor.fetchall())
    return {key: list(range(last[key] - n + 1, last[key] + 1)) for key, n in counts.items()}


# The event types that some active subscription wants (webhooks.apps bumps it whenever a
# subscription is saved or deleted; services that pause one with an UPDATE bump it too).
SUBSCRIBED_TYPES_GENERATION = "webhook-subscriptions"


def _load_subscribed_types() -> frozenset[str]:
    return frozenset(
        event_type
        for types in Subscription.objects.filter(is_active=True).values_list(
            "event_types", flat=True
        )
        for event_type in types
    )


def subscribed_event_types() -> frozenset[str]:
    """Every event type that at least one active subscription wants, whoever owns it: kept
    in this process while the subscriptions' generation (core.cache, in the shared cache)
    is current, so a write whose events nobody wants runs no query for webhooks at all (an
    API write reads the token with its credential). It may hold more than the subscribers
    of an event get (owner rules come after); never less."""
    return cache.remember_locally(
        "webhooks:subscribed-event-types", SUBSCRIBED_TYPES_GENERATION, _load_subscribed_types
    )


def _subscribers(event_types: list[str], *, kind: str, scope: str) -> list[Subscription]:
    """The active subscriptions to any of `event_types` whose owner may view the objects
    now: the model's view permission, and for a kind whose events carry a scope, the rule
    its domain app registered for that scope. No query when no active subscription wants
    any of these event types (subscribed_event_types: every write runs this, and most have
    no subscriber); else two however many subscriptions and owners."""
    wanted = set(event_types)
    if wanted.isdisjoint(subscribed_event_types()):
        return []
    candidates = [
        pk
        for pk, types in Subscription.objects.filter(is_active=True).values_list(
            "pk", "event_types"
        )
        if not wanted.isdisjoint(types)
    ]
    if not candidates:
        return []
    of_kind = catalogue.KINDS[kind]
    subscriptions = Subscription.objects.filter(pk__in=candidates).filter(
        may_view_model(OuterRef("owner_id"), of_kind.model)
    )
    if of_kind.scope:
        subscriptions = subscriptions.filter(
            Q(scope="") | Q(scope=scope),
            catalogue.SCOPES[of_kind.scope].visible_to(scope, OuterRef("owner_id")),
        )
    return list(subscriptions.only("id", "event_types", "scope"))


def _body(event_type: str, when: datetime, data: dict) -> str:
    return json.dumps(
        {"type": event_type, "timestamp": when.isoformat().replace("+00:00", "Z"), "data": data},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def emit(
    kind: str,
    action: str,
    objects: Sequence,
    *,
    scope: str = "",
    extra: dict | None = None,
) -> list[Event]:
    """Record that `objects` (model instances of one `kind`) were created, updated or
    deleted, in the caller's transaction: for each shape of the kind that an active
    subscription wants, one event per object with the object in that shape as it is now
    (before the row goes, for a delete). `scope` is the scope value the objects are in (an
    account), for a kind that has one; `extra` adds fields to each event's data. Each
    object's change gets one sequence number, the same in every shape. With no such
    subscription nothing is read or written (subscribed_event_types). A constant number of
    statements whatever the number of objects."""
    if not objects:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("webhooks.emit must run inside the change's transaction")
    if action not in catalogue.ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    shapes = {shape.event_type(action): shape for shape in catalogue.shapes_of(kind)}
    subscribers = _subscribers(list(shapes), kind=kind, scope=scope)
    wanted = [
        (event_type, shape, [s for s in subscribers if event_type in s.event_types])
        for event_type, shape in shapes.items()
    ]
    wanted = [(event_type, shape, who) for event_type, shape, who in wanted if who]
    if not wanted:
        return []
    keys = [f"{kind}:{obj.pk}" for obj in objects]
    # An object's sequence rises with each of its changes, whoever the events go to.
    numbers = _next_sequences(keys)
    sequences = [numbers[key].pop(0) for key in keys]
    now = timezone.now()
    actor = current_actor()
    events, pairs = [], []
    for event_type, shape, who in wanted:
        rendered = shape.render(objects)
        for key, sequence, shaped in zip(keys, sequences, rendered, strict=True):
            data = {"object": shaped, "actor": actor, "sequence": sequence, **(extra or {})}
            event = Event(
                type=event_type,
                object_key=key,
                sequence=sequence,
                scope=scope,
                body=_body(event_type, now, data),
                created_at=now,
            )
            events.append(event)
            pairs.extend((event, subscription) for subscription in who)
    insert_objects(events)
    _fan_out(pairs, now)
    return events


def _fan_out(pairs: list[tuple[Event, Subscription]], now: datetime) -> None:
    """One delivery per (event, subscription), in one INSERT, and one task to queue them."""
    deliveries = [
        Delivery(event=event, subscription=subscription, created_at=now, next_attempt_at=now)
        for event, subscription in pairs
    ]
    if deliveries:
        insert_objects(deliveries)
        queue.dispatch_later()


# --- Subscriptions -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedSecret:
    subscription: Subscription
    secret: str  # shown once


def check_event_types(event_types: Sequence[str]) -> list[str]:
    known = catalogue.event_types()
    unknown = sorted(set(event_types) - set(known))
    if unknown:
        raise DomainError(
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)},
            code="invalid",
            field="event_types",
        )
    if not event_types:
        raise DomainError(_("Choose at least one event type."), code="blank", field="event_types")
    return [t for t in known if t in set(event_types)]


def check_target(url: str) -> None:
    """DomainError unless events could be sent to `url` now (scheme and address)."""
    try:
        http.check(url)
    except http.Refused as refused:
        raise DomainError(str(refused), code="invalid", field="url") from None


def check_scope(scope: str, *, owner) -> str:
    """DomainError unless `scope` is empty or a scope value `owner` may see."""
    if scope and not any(
        registered.visible_for(owner).filter(pk=scope).exists()
        for registered in catalogue.SCOPES.values()
    ):
        raise DomainError(
            _("Choose one of your own accounts, or none."), code="invalid", field="scope"
        )
    return scope


def subscription_create(
    *,
    owner,
    url: str,
    description: str = "",
    event_types: Sequence[str],
    scope: str = "",
    is_active: bool = True,
) -> IssuedSecret:
    """A subscription owned by `owner`: it will get only what `owner` may view."""
    check_target(url)
    secret = secrets.new_secret()
    subscription = Subscription.objects.create(
        owner=owner,
        url=url,
        description=description,
        event_types=check_event_types(event_types),
        scope=check_scope(scope, owner=owner),
        is_active=is_active,
        secret_encrypted=secrets.encrypt(secret),
    )
    return IssuedSecret(subscription, secret)


def subscription_update(
    *, subscription: Subscription, actor, url_changed: bool, scope_changed: bool = False
) -> Subscription:
    """Save a subscription edited in the admin; resuming one sends what waited. Only its
    owner may point it somewhere else: its events are what the owner may see."""
    if url_changed:
        if subscription.owner_id != actor.pk:
            raise DomainError(
                _("Only the owner of a subscription may change its target URL."),
                code="permission_denied",
                field="url",
            )
        check_target(subscription.url)
    if scope_changed and subscription.owner is not None:
        check_scope(subscription.scope, owner=subscription.owner)
    subscription.event_types = check_event_types(subscription.event_types)
    resumed = subscription.is_active and (
        Subscription.objects.filter(pk=subscription.pk, is_active=False).exists()
    )
    if subscription.is_active:
        subscription.paused_reason = ""
    # Only what the form edits: a pause or a rotation committed meanwhile stays.
    subscription.save(
        update_fields=["url", "description", "event_types", "scope", "is_active",
                       "paused_reason", "updated_at"]
    )  # fmt: skip
    if resumed:
        subscription.failing_since = None
        Subscription.objects.filter(pk=subscription.pk).update(failing_since=None)
        Delivery.objects.filter(subscription=subscription, state=Delivery.State.PENDING).update(
            queued_at=None, next_attempt_at=timezone.now()
        )
        queue.dispatch_later()
    return subscription


def secret_rotate(*, subscription: Subscription) -> IssuedSecret:
    """A new secret; the old one stays valid (requests carry both signatures) for 24 h."""
    secret = secrets.new_secret()
    Subscription.objects.filter(pk=subscription.pk).update(
        previous_secret_encrypted=F("secret_encrypted"),
        previous_secret_expires_at=timezone.now() + SECRET_OVERLAP,
        secret_encrypted=secrets.encrypt(secret),
    )
    subscription.refresh_from_db()
    return IssuedSecret(subscription, secret)


def _signing_tokens(subscription: Subscription, *, at: datetime) -> list[str]:
    """The secrets that sign now, encrypted as stored (decrypted only to sign, inside the
    attempt, so that a secret that no longer decrypts is a logged failed attempt)."""
    found = [subscription.secret_encrypted]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret_encrypted and expires and expires > at:
        found.append(subscription.previous_secret_encrypted)
    return found


@transaction.atomic
def send_test_event(*, subscription: Subscription) -> Event:
    """A `webhook.test` event for this subscription alone, delivered like any other."""
    now = timezone.now()
    key = f"{TEST_OBJECT_KEY}:{subscription.pk}"
    (sequence,) = _next_sequences([key])[key]
    data = {
        "object": {"subscription": subscription.pk, "message": "This is a test event."},
        "actor": current_actor(),
        "sequence": sequence,
    }
    event = Event.objects.create(
        type=catalogue.TEST_EVENT,
        object_key=key,
        sequence=sequence,
        body=_body(catalogue.TEST_EVENT, now, data),
        created_at=now,
    )
    _fan_out([(event, subscription)], now)
    return event


@transaction.atomic
def delivery_resend(*, deliveries: Sequence[Delivery]) -> int:
    """Send these deliveries again now (same webhook-id): a manager's resend."""
    now = timezone.now()
    # Not one a worker is sending now: its lease would be cleared and a second send start.
    idle = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    count = Delivery.objects.filter(idle, pk__in=[d.pk for d in deliveries]).update(
        state=Delivery.State.PENDING,
        next_attempt_at=now,
        queued_at=None,
        finished_at=None,
        leased_until=None,
        lease=None,
    )
    if count:
        queue.dispatch_later()
    return count


# --- Delivering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    lease: uuid.UUID
    number: int
    url: str
    body: str
    webhook_id: str
    secret_tokens: list[str]  # encrypted
    event_created_at: datetime
    subscription_id: int


def claim(delivery_id: int) -> Claim | None:
    """Take a due delivery for one attempt, or None if it is done, not due, held by another
    worker whose lease has not run out, its subscription is paused, or its subscription
    already has WEBHOOKS_SENDS_PER_SUBSCRIPTION deliveries being sent (a slow target holds
    up only its own queue: this one waits, unqueued, for `queue_pending` after one of those
    attempts ends)."""
    now = timezone.now()
    lease = uuid.uuid4()
    lease_seconds = timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    with transaction.atomic():
        # The delivery's row, then its subscription's: claims of one subscription's
        # deliveries wait for each other here, so the count of those being sent holds until
        # this one is taken (`record` locks in the same order: a delivery, then its
        # subscription). SQLite runs one write transaction at a time anyway.
        subscription_id = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id, state=Delivery.State.PENDING)
            .values_list("subscription_id", flat=True)
            .first()
        )
        if subscription_id is None:
            return None
        list(Subscription.objects.select_for_update().filter(pk=subscription_id).values("pk"))
        idle = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
        sending = (
            Delivery.objects.filter(subscription_id=subscription_id, leased_until__gt=now)
            .exclude(pk=delivery_id)
            .count()
        )
        if sending >= settings.WEBHOOKS_SENDS_PER_SUBSCRIPTION:
            Delivery.objects.filter(idle, pk=delivery_id).update(queued_at=None)
            return None
        taken = (
            Delivery.objects.filter(idle, pk=delivery_id, state=Delivery.State.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY))
            # A subquery on the other table, not a join: with a join Django writes the UPDATE
            # as `id IN (SELECT ...)`, and a PostgreSQL UPDATE that waited for the row lock
            # would not check the lease again, so two workers could both take it.
            .filter(subscription_id__in=Subscription.objects.filter(is_active=True).values("pk"))
            .update(leased_until=now + lease_seconds, lease=lease, attempts=F("attempts") + 1)
        )
        if not taken:
            return None
        delivery = Delivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    return Claim(
        delivery_id=delivery.pk,
        lease=lease,
        number=delivery.attempts,
        url=subscription.url,
        body=delivery.event.body,
        webhook_id=delivery.event.webhook_id,
        secret_tokens=_signing_tokens(subscription, at=now),
        event_created_at=delivery.event.created_at,
        subscription_id=subscription.pk,
    )


def signed_headers(claim: Claim, *, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers, signed with every secret in force (after a rotation,
    the new and the old one, space-separated as the specification allows)."""
    signatures = " ".join(
        Webhook(secrets.decrypt(token)).sign(msg_id=claim.webhook_id, timestamp=at, data=claim.body)
        for token in claim.secret_tokens
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": "status-portal-webhooks/1",
        "webhook-id": claim.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt`: exponential, capped, with jitter
    (a random half to the whole of it), so that failures do not retry in step."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(attempt - 1, 30)
    delay = min(base, settings.WEBHOOKS_RETRY_MAX_SECONDS)
    return timedelta(seconds=random.uniform(delay / 2, delay))  # jitter, not a secret


def attempt(claim_: Claim, *, worker: str = "") -> Attempt:
    """Send a claimed delivery once and record what happened."""
    started = timezone.now()
    try:
        reply = http.post(claim_.url, claim_.body.encode(), signed_headers(claim_, at=started))
    except Exception as exc:  # anything at all: logged as a failed attempt, then retried
        logger.exception("Webhook delivery %s failed before a reply", claim_.delivery_id)
        reply = http.Reply(None, f"{type(exc).__name__}: {exc}", "")  # cleaned by Reply
    return record(claim_, reply, started=started, finished=timezone.now(), worker=worker)


@transaction.atomic
def record(claim_: Claim, reply: http.Reply, *, started, finished, worker: str = "") -> Attempt:
    """Move the delivery on (delivered, retried later, or given up after a day) and log the
    attempt. The move commits even when the log cannot: a row the database refuses once
    rolled the whole record back, and the delivery was sent again every minute for ever,
    never given up and never logged (issue 21)."""
    succeeded = reply.status_code is not None and 200 <= reply.status_code < 300
    now = timezone.now()
    still_ours = Delivery.objects.select_for_update().filter(
        pk=claim_.delivery_id, lease=claim_.lease
    )
    next_retry = None
    if succeeded:
        still_ours.update(
            state=Delivery.State.DELIVERED, finished_at=now, leased_until=None, lease=None
        )
        Subscription.objects.filter(pk=claim_.subscription_id, failing_since__isnull=False).update(
            failing_since=None
        )
    else:
        retry_until = claim_.event_created_at + timedelta(hours=settings.WEBHOOKS_RETRY_FOR_HOURS)
        if now >= retry_until:
            still_ours.update(
                state=Delivery.State.FAILED, finished_at=now, leased_until=None, lease=None
            )
        else:
            next_retry = now + backoff(claim_.number)
            if still_ours.update(
                next_attempt_at=next_retry, leased_until=None, lease=None, queued_at=now
            ):
                queue.deliver_at(claim_.delivery_id, next_retry)
        try:
            with transaction.atomic():
                _note_failure(claim_.subscription_id, now)
        except Exception:  # the pause bookkeeping must not undo the retry
            logger.exception("Webhook subscription %s: failure not noted", claim_.subscription_id)
    return _log_attempt(
        delivery_id=claim_.delivery_id,
        number=claim_.number,
        started_at=started,
        finished_at=finished,
        latency_ms=max(0, round((finished - started).total_seconds() * 1000)),
        status_code=reply.status_code,
        error=http.storable(reply.error, http.ERROR_CHARS),
        response_excerpt=http.storable(reply.excerpt, http.EXCERPT_BYTES),
        next_retry_at=next_retry,
        worker=http.storable(worker, 100),
    )


def _log_attempt(**fields) -> Attempt:
    """The attempt's row, each try in a savepoint so that a refused row leaves the
    delivery's move intact: as it came; else without the target's words; else none (the
    worker's log says so, and the unsaved Attempt still tells the worker how it went)."""
    delivery_id, number = fields["delivery_id"], fields["number"]
    try:
        with transaction.atomic():
            return Attempt.objects.create(**fields)
    except Exception:
        logger.exception(
            "Webhook delivery %s: attempt %s could not be stored as it came; "
            "storing it without the reply",
            delivery_id,
            number,
        )
    minimal = {
        **fields,
        "error": _("The reply could not be stored (see the worker's log)."),
        "response_excerpt": "",
        "worker": "",
    }
    try:
        with transaction.atomic():
            return Attempt.objects.create(**minimal)
    except Exception:
        logger.exception(
            "Webhook delivery %s: attempt %s not logged (status %s); the delivery moved on",
            delivery_id,
            number,
            fields["status_code"],
        )
    return Attempt(**minimal)


def _note_failure(subscription_id: int, now: datetime) -> None:
    """Mark a subscription failing; pause it once its deliveries have failed attempt after
    attempt for WEBHOOKS_PAUSE_AFTER_DAYS, and tell the managers (the dashboard lists it;
    MANAGERS get an email when mail is set up)."""
    quiet = now - timedelta(seconds=2 * settings.WEBHOOKS_RETRY_MAX_SECONDS)
    previous = (
        Attempt.objects.filter(delivery__subscription_id=subscription_id)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    failing = Subscription.objects.filter(pk=subscription_id)
    if previous is None or previous < quiet:
        # After a quiet spell (no attempt for longer than the longest retry wait) the count
        # starts again: two failures days apart are not a failing streak.
        failing.update(failing_since=now)
    else:
        failing.filter(failing_since__isnull=True).update(failing_since=now)
    limit = now - timedelta(days=settings.WEBHOOKS_PAUSE_AFTER_DAYS)
    reason = _("Paused automatically: every delivery failed for %(days)d days.") % {
        "days": settings.WEBHOOKS_PAUSE_AFTER_DAYS
    }
    paused = failing.filter(is_active=True, failing_since__lte=limit).update(
        is_active=False, paused_reason=reason
    )
    if paused:
        cache.bump(SUBSCRIBED_TYPES_GENERATION)  # an UPDATE sends no signal
        logger.warning("Webhook subscription %s paused after failing for days", subscription_id)
        subscription = Subscription.objects.get(pk=subscription_id)
        mail_managers(
            _("Webhook subscription paused: %(target)s") % {"target": subscription.url},
            f"{reason}\n\n{subscription.url}\n{subscription.description}",
            fail_silently=True,
        )


# --- Recovery ------------------------------------------------------------------------------


def queue_pending(*, subscription_id: int | None = None, limit: int = 500) -> int:
    """Queue a task for each due pending delivery that has none, oldest first, as long as
    its subscription has fewer than WEBHOOKS_SENDS_PER_SUBSCRIPTION deliveries being sent
    or queued and due: the others wait, unqueued, until one of those ends (the worker calls
    this for that subscription after each attempt). So a target that answers slowly fills
    its own slots, never every worker thread. The number queued."""
    now = timezone.now()
    per_subscription = settings.WEBHOOKS_SENDS_PER_SUBSCRIPTION
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY)
    pending = Delivery.objects.filter(state=Delivery.State.PENDING)
    if subscription_id is not None:
        pending = pending.filter(subscription_id=subscription_id)
    busy = dict(
        pending.filter(Q(leased_until__gt=now) | Q(due, queued_at__isnull=False))
        .order_by()
        .values("subscription_id")
        .annotate(held=Count("pk"))
        .values_list("subscription_id", "held")
    )
    full = [pk for pk, held in busy.items() if held >= per_subscription]
    with transaction.atomic():
        waiting = list(
            pending.filter(due, queued_at__isnull=True, subscription__is_active=True)
            .exclude(subscription_id__in=full)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("id")
            .values_list("pk", "subscription_id")[:limit]
        )
        free = Counter({pk: per_subscription - held for pk, held in busy.items()})
        chosen = []
        for delivery_id, owner in waiting:
            if free.setdefault(owner, per_subscription) > 0:
                free[owner] -= 1
                chosen.append(delivery_id)
        if chosen:
            Delivery.objects.filter(pk__in=chosen).update(queued_at=now)
            for delivery_id in chosen:
                queue.deliver_now(delivery_id)
    if chosen and len(waiting) == limit:
        queue.dispatch_later()  # more may wait behind this batch
    return len(chosen)


def requeue_stranded(*, limit: int = 500) -> int:
    """Queue again the pending deliveries nobody is working on: a worker died while it
    held one (its lease ran out), or the task that was to send it was lost. Extra tasks for
    one delivery are harmless: `claim` lets one of them through at a time."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    # Queued long ago, due long ago, and not being sent: its task was lost with a worker.
    lost = (
        Delivery.objects.filter(state=Delivery.State.PENDING, queued_at__lte=grace)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=grace))
    )
    lost.update(queued_at=None)
    return queue_pending(limit=limit)
