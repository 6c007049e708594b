"""The JSON parser every surface uses."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_nul(data):
    """Whether any string (key or value) in parsed JSON contains a NUL character."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class StrictJSONParser(JSONParser):
    """DRF's JSONParser, refusing as a parse error what would otherwise crash later:
    nesting deep enough to exhaust Python's recursion limit, and NUL characters (which
    PostgreSQL cannot store in text)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        if _has_nul(data):
            raise ParseError("JSON parse error - NUL characters are not allowed")
        return data
