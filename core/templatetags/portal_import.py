"""Template filters for the admin's import preview (admin/import_export/import.html)."""

from django import template
from django.core.exceptions import NON_FIELD_ERRORS

from core.resources import preview_text

register = template.Library()
register.filter("preview_text", preview_text)


@register.filter
def row_error_messages(row) -> list[str]:
    """The messages of a refused row (import-export's InvalidRow) as sentences: a field's
    message names its field ("name: Ensure this value has at most 25 characters") unless it
    already begins with it ("category must be one of open, waiting, resolved")."""
    messages = []
    for field, errors in row.error_dict.items():
        for message in errors:
            message = str(message)
            if field == NON_FIELD_ERRORS or message.startswith(f"{field} "):
                messages.append(message)
            else:
                messages.append(f"{field}: {message}")
    return messages
