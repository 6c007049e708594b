"""Values kept in the shared cache while the data they were made from is unchanged.

A *generation* is a named token in the shared cache (the `default` cache: the database
cache or Redis, shared by every process and machine). Whatever is cached from some data is
stored with the tokens of the generations that data belongs to, and is only used while
each token is still the current one. A write calls `bump(name)`: after its transaction
commits, the generation's token is replaced, so every process ignores what was cached before,
at once (one cache write, however many entries there are; they expire by themselves).

Why this is safe under concurrency: a reader reads the tokens *before* it reads the
database, and a writer changes the token only *after* its commit. A reader that raced a
write therefore either read the new data, or stored what it read under a token that the
write's bump has already replaced. And the bump runs inside the writing request, before it
replies: once a write has returned, no process serves what was cached before it.

A token missing from the cache (evicted, or a cache that was emptied) counts as a new
generation: everything cached under the old one is ignored.
"""

import logging
import secrets
import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

PREFIX = "generation:"
# Every generation that `bump_on_change` watches: a migration bumps them all (it may have
# changed data without sending a signal).
WATCHED = set()


def generation_key(name):
    return f"{PREFIX}{name}"


def bump(*names, using=None):
    """Start a new generation of each of `names`: what was cached under the old ones is no
    longer used. The token is deleted (one statement or round trip); the next reader starts
    a new one.

    It happens now, so that this transaction's own later reads (and a test's, whose
    transaction never commits) miss, and again after the current transaction commits: a
    reader that started a new token while this transaction was open (the token may well be
    missing already, after an earlier bump) has cached the data before this commit under
    it, and only a deletion after the commit retires that.
    """
    keys = [generation_key(name) for name in names]
    cache.delete_many(keys)
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys), using=using)


def _current(keys, found):
    """The tokens of the generations `keys`, from `found` (one get_many), starting any
    generation that has none."""
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            token = secrets.token_hex(8)
            if not cache.add(key, token, None):  # another process started one first
                token = cache.get(key)
        tokens.append(token)
    return tokens


# Keys that the next `remember` reads along with its own, and what those reads found: a
# request that will look up two entries (its credential, then its reply) reads both in one
# round trip. Per thread: gunicorn's threads each serve one request at a time.
_ahead = threading.local()


def read_ahead(key, generations):
    """Until `stop_reading_ahead()`, the first `remember` also reads the entry `key` (None:
    no entry; or a list of entries' keys) and the tokens of `generations`, and a later
    `remember` of such a key (once each), or `remember_locally` of one of `generations`,
    uses what it found. Those tokens are still read before that later build's database
    reads, which is all the safety argument above needs."""
    keys = [] if key is None else [key] if isinstance(key, str) else list(key)
    wanted = [generation_key(name) for name in generations]
    _ahead.wanted, _ahead.found = [*keys, *wanted], None


# The generations that every API write reads along with its credential (core.api's
# SurfaceView.initial), for `remember_locally` values that a write consults.
WRITE_AHEAD = []


def read_ahead_on_writes(name):
    """Read the token of the generation `name` in the credential's round trip of every API
    write, so that a `remember_locally(…, name, …)` during the write costs no round trip."""
    if name not in WRITE_AHEAD:
        WRITE_AHEAD.append(name)


def stop_reading_ahead():
    _ahead.wanted = _ahead.found = None


def forget_reads_ahead(**kwargs):
    """stop_reading_ahead, as a receiver of request_started and request_finished."""
    stop_reading_ahead()


def _read(keys):
    found = getattr(_ahead, "found", None)
    if found is not None and all(key in _ahead.wanted for key in keys):
        # Each entry read ahead serves one `remember` (a second one reads it again); the
        # tokens serve the request, as in `_token`. With no entry left, nothing is kept.
        wanted = [k for k in _ahead.wanted if k not in keys or k.startswith(PREFIX)]
        if all(k.startswith(PREFIX) for k in wanted):
            _ahead.found = None
        else:
            _ahead.wanted = wanted
        return found
    wanted = getattr(_ahead, "wanted", None)
    if wanted and found is None:
        found = cache.get_many([*keys, *wanted])
        _ahead.found = found
        return found
    return cache.get_many(keys)


def remember(key, generations, build, *, timeout, keep=lambda value: True):
    """`build()`, from the cache when an entry under `key` was made in the current
    generations of `generations` (names) and has not expired.

    One cache round trip on a hit (the tokens and the entry in one `get_many`), none when
    `read_ahead` had it read already. On a miss, `build()` runs and its value is stored
    for `timeout` seconds (a number, or a function of the value returning one; 0 or less
    stores nothing) if `keep(value)`.
    """
    keys = [generation_key(name) for name in generations]
    found = _read([*keys, key])
    tokens = _current(keys, found)
    entry = found.get(key)
    now = time.time()
    if entry is not None:
        entry_tokens, valid_until, value = entry
        if entry_tokens == tokens and now < valid_until:
            return value
    value = build()
    if keep(value):
        seconds = timeout(value) if callable(timeout) else timeout
        if seconds > 0:
            cache.set(key, (tokens, now + seconds, value), max(1, int(seconds)))
    return value


# remember_locally's values: key -> (token, value), in this process's memory.
_local = {}


def _token(name):
    """The current token of the generation `name`: from what `read_ahead` read in this
    request if it was asked for (not used up: a token read earlier in the request is as
    good for every build later in it), else one cache read."""
    key = generation_key(name)
    found = getattr(_ahead, "found", None)
    if found is None or key not in (getattr(_ahead, "wanted", None) or ()):
        found = _read([key])
    return _current([key], found)[0]


def remember_locally(key, generation, build):
    """`build()`, kept in this process's memory while the generation `generation` (a name)
    is current: for a small value that a request consults often and that changes rarely.

    The token is read from the shared cache each time (the only round trip, and none when
    `read_ahead` read it with the request's credential), before `build()` reads the
    database, so a change bumped on any server is seen by the next read here, as with
    `remember`; the value itself is never stored in the shared cache."""
    token = _token(generation)
    kept = _local.get(key)
    if kept is not None and kept[0] == token:
        return kept[1]
    value = build()
    _local[key] = (token, value)
    return value


def bump_on_change(name, *models, m2m=(), created=True):
    """Bump the generation `name` whenever a row of `models` is saved or deleted, or a
    many-to-many relation in `m2m` (`through` models) changes. With `created=False`, a new
    row does not bump it (for data that no cached value can have seen before it existed).

    Signals cover the admin, the services' saves and deletes, and imports; a write that
    sends none (`QuerySet.update`, `bulk_create`) calls `bump` itself.
    """

    def saved(sender, created=False, **kwargs):
        if created is False or created_bumps:
            bump(name, using=kwargs.get("using"))

    def deleted(sender, **kwargs):
        bump(name, using=kwargs.get("using"))

    def related(sender, action, **kwargs):
        if action in {"post_add", "post_remove", "post_clear"}:
            bump(name, using=kwargs.get("using"))

    created_bumps = created
    WATCHED.add(name)
    for model in models:
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{name}-save-{model}")
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{name}-del-{model}")
    for through in m2m:
        m2m_changed.connect(related, sender=through, weak=False, dispatch_uid=f"{name}-{through}")


def many_to_many_of(*models):
    """The `through` models of the many-to-many fields of `models` (declared on them)."""
    return [
        field.remote_field.through for model in models for field in model._meta.local_many_to_many
    ]


def bump_all_watched(**kwargs):
    """Retire every watched generation: connected to `post_migrate` (core/apps.py), since
    a migration may change data without sending signals. A cache that cannot be reached
    (or has no table yet) is logged, not fatal: its entries expire by themselves."""
    if not WATCHED:
        return
    try:
        cache.delete_many([generation_key(name) for name in WATCHED])
    except Exception:  # any cache backend's error
        logger.warning("Could not retire the cached generations after migrate", exc_info=True)
