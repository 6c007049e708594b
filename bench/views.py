"""The two floors: the cheapest JSON replies Django gives through the portal's middleware.

The read floor answers a GET without touching the database; the write floor answers a POST
with one INSERT, which is the least a create can cost. Each row of the benchmark is measured
in turns with its floor (bench/run.py), so a row's ratio says what the portal's own code
costs on top of what Django and the database cost anyway.
"""

import json

from django.db import IntegrityError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

# Made by bench.seed.write_floor_table: id, a unique name, the time of the insert.
WRITE_FLOOR_TABLE = "bench_write_floor"


def floor(request):
    """A bare Django JSON view: no DRF, no authentication, no database."""
    return JsonResponse({"status": "success", "data": "ok"})


@csrf_exempt  # as DRF's APIView.as_view is: the API's clients send no CSRF token
@require_POST
def write_floor(request):
    """A bare Django write: parse the JSON body, one INSERT of its `name` (a unique key)
    inside transaction.atomic(), a small JSON reply. No DRF, no authentication, no history,
    no webhooks, no cache."""
    try:
        name = json.loads(request.body)["name"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"status": "error", "message": "name?"}, status=400)
    table = connection.ops.quote_name(WRITE_FLOOR_TABLE)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (name, created_at) VALUES (%s, CURRENT_TIMESTAMP)",  # noqa: S608
                [name],
            )
    except IntegrityError:
        return JsonResponse({"status": "error", "message": "name taken"}, status=409)
    return JsonResponse({"status": "success", "data": {"name": name}}, status=201)
