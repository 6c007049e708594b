"""drf-spectacular hooks shared by every surface."""

from copy import deepcopy

from django.conf import settings


def document_database_unavailable(result, generator, request, public):
    """Add the 503 every API route answers while the database is unreachable or locked.

    The reply is in the route's own error shape, so its schema is taken from an error the
    route already documents (its 401 where it has one).
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if not responses or "503" in responses:
                continue
            errors = [code for code in ("401", "400", "404", "403") if code in responses]
            if not errors or "content" not in responses[errors[0]]:
                continue
            responses["503"] = {
                "description": "The database is unreachable or busy; retry after Retry-After "
                "seconds.",
                "headers": {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait "
                        f"(now {settings.DATABASE_RETRY_AFTER_SECONDS}).",
                    }
                },
                "content": deepcopy(responses[errors[0]]["content"]),
            }
    return result
