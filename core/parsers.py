"""The JSON parser every surface uses."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def unstorable_text(text):
    """Why a decoded JSON string cannot be stored as text, or None if it can.

    NUL is refused by PostgreSQL; a lone surrogate (`"\\ud800"`) is valid JSON syntax but
    not Unicode text, and fails later when it is encoded for the database or a reply.
    """
    if "\x00" in text:
        return "NUL characters are not allowed"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "unpaired surrogates are not allowed"
    return None


def _first_unstorable(data):
    """The first reason any string (key or value) in parsed JSON cannot be stored, or None."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            reason = unstorable_text(item)
            if reason:
                return reason
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


class StrictJSONParser(JSONParser):
    """DRF's JSONParser, refusing as a parse error what would otherwise crash later:
    nesting deep enough to exhaust Python's recursion limit, NUL characters (which
    PostgreSQL cannot store in text) and lone surrogates (which are not text at all)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        reason = _first_unstorable(data)
        if reason:
            raise ParseError(f"JSON parse error - {reason}")
        return data
