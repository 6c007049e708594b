"""Where one request's time goes, stage by stage (`python -m bench.profile --stages`).

cProfile's figures are inflated by the profiler itself, several times over for code made of
many small calls (DRF, the ORM). Here only a handful of functions are wrapped with a clock,
so the figures are close to the real ones: the inclusive wall time that each stage of a
request took, averaged over the requests of a row. Stages nest (`save()` includes the
history row); the first line is the whole request as Django's handler saw it.
"""

import time
from collections import Counter
from contextlib import contextmanager
from functools import wraps


def _stages():
    """(label, owner, attribute name) of every wrapped function, outermost first."""
    from django.core.cache import caches
    from django.core.handlers.base import BaseHandler
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.utils import CursorWrapper
    from django.db.models import Model
    from django.dispatch import Signal
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request
    from rest_framework.serializers import Serializer
    from rest_framework.views import APIView

    from access import credential_cache as credentials
    from community import services as community
    from core import cache
    from core.api import SurfaceView
    from core.history import HistoricalRecords
    from reasons import services as reasons
    from statuses import services as statuses
    from webhooks import services as webhooks

    return [
        ("request (Django's handler, middleware included)", BaseHandler, "get_response"),
        ("  DRF dispatch (the view, and DRF around it)", APIView, "dispatch"),
        ("    DRF initialize_request", APIView, "initialize_request"),
        ("    authentication", APIView, "perform_authentication"),
        ("    permissions", APIView, "check_permissions"),
        ("    throttles", APIView, "check_throttles"),
        ("    content negotiation", APIView, "perform_content_negotiation"),
        ("    body parsing", Request, "_load_data_and_files"),
        ("    serializer validation (is_valid)", Serializer, "is_valid"),
        ("    the service's create (transaction, rows, history, events)", None, None),
        ("      Libredesk: conversation_status_create", statuses, "conversation_status_create"),
        ("      Rocket.Chat: user_status_create", statuses, "user_status_create"),
        ("      LivePerson: reason_create", reasons, "reason_create"),
        ("      SelfCommunity: status_create", community, "status_create"),
        (
            "        SelfCommunity: the body (sanitised text, categories...)",
            community,
            "_apply_body",
        ),
        ("        SelfCommunity: categories, tags, media rows", community, "_add_related"),
        ("    Model.save() (the row, its signals)", Model, "save_base"),
        ("      history row", HistoricalRecords, "create_historical_record"),
        ("    webhooks emit", webhooks, "emit"),
        ("    generation bump (now)", cache, "bump"),
        ("    COMMIT", BaseDatabaseWrapper, "commit"),
        (
            "    on-commit hooks (the bump after the commit)",
            BaseDatabaseWrapper,
            "run_and_clear_commit_hooks",
        ),
        ("    JSON rendering", JSONRenderer, "render"),
        ("  (any) SQL statement, as executed", CursorWrapper, "execute"),
        ("  (any) shared-cache read (get_many)", type(caches["default"]), "get_many"),
        ("  (any) connection health check", BaseDatabaseWrapper, "close_if_health_check_failed"),
        ("  credential lookup (its cache entry)", credentials, "lookup"),
        ("  (any) signal sent", Signal, "send"),
        ("  SurfaceView.read (parse + validate)", SurfaceView, "read"),
    ]


@contextmanager
def timed_stages():
    """Within the block, each stage's inclusive time is added to the Counter yielded
    (seconds, by label); the functions are restored afterwards."""
    spent = Counter()
    restore = []
    for label, owner, name in _stages():
        if owner is None:  # a heading
            continue
        original = getattr(owner, name)  # a class's may be inherited: wrap what it resolves to
        restore.append((owner, name, vars(owner).get(name)))

        def clocked(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - started

        setattr(owner, name, wraps(original)(clocked))
    try:
        yield spent
    finally:
        for owner, name, original in reversed(restore):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def report(spent, requests):
    """The stages' lines: µs per request, in the order of _stages()."""
    lines = []
    for label, owner, _name in _stages():
        if owner is None:
            lines.append(f"    {label}")
        elif label in spent:
            lines.append(f"    {label:55} {spent[label] / requests * 1e6:7.0f} µs")
    return lines
