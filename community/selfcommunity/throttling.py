"""Rate limits of the SelfCommunity surface."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router
from rest_framework.throttling import UserRateThrottle

from community.models import WriteCount


class WriteRateThrottle(UserRateThrottle):
    """Per-user limit on creating and changing content; reads are not limited.

    A fixed-window counter (at most `num_requests` writes per window of `duration`
    seconds, the window counted from 1970; a refused write counts too), shared by every
    process, in one round trip: an INCR of the window's key in Redis when the cache is
    Redis, else one UPSERT of the user's `WriteCount` row in the database (the database
    cache would take six statements). A refused write waits (Retry-After) until the
    window ends.
    """

    scope = "selfcommunity-write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS") or self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        return count_hit(ident, window, self.duration) <= self.num_requests

    def get_cache_key(self, request, view):
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return f"{self.scope}:{ident}"

    def wait(self):
        return self.wait_seconds


def count_hit(key: str, window: int, duration: int) -> int:
    """Count one more hit of `key` in `window`: how many there are now, this one included."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return _redis_hit(cache, key, window, duration)
    return _database_hit(key, window)


def _redis_hit(cache: RedisCache, key: str, window: int, duration: int) -> int:
    # The window's own key, kept a window past its last hit; MULTI/EXEC: one round trip.
    redis_key = cache.make_and_validate_key(f"throttle:{key}:{window}")
    client = cache._cache.get_client(redis_key, write=True)
    pipe = client.pipeline()
    pipe.incr(redis_key)
    pipe.expire(redis_key, duration)
    hits, _expiry_set = pipe.execute()
    return int(hits)


def _database_hit(key: str, window: int) -> int:
    # A row from a later window (another process's clock ahead) keeps its window.
    connection = connections[router.db_for_write(WriteCount)]
    table = connection.ops.quote_name(WriteCount._meta.db_table)
    sql = (
        f'INSERT INTO {table} ("key", "slot", "hits") VALUES (%s, %s, 1) ON CONFLICT ("key")'  # noqa: S608
        f' DO UPDATE SET "hits" = CASE WHEN {table}."slot" >= excluded."slot"'
        f' THEN {table}."hits" + 1 ELSE 1 END, "slot" = CASE WHEN {table}."slot" > excluded."slot"'
        f' THEN {table}."slot" ELSE excluded."slot" END RETURNING "hits"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window])
        return cursor.fetchone()[0]
