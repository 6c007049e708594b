"""Numbers that arrive as text: ids in paths, headers and query parameters, revisions.

Python's own `int()` and `str.isdigit()` are too generous for input from the wire:
`int(" 3\\n")`, `int("+3")`, `int("3_0")` and fullwidth digits all succeed, and
`"²".isdigit()` is true although `int("²")` fails. Every such number is read here, ASCII
digits only.
"""

import re

MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key

_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
_DECIMAL = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?", re.ASCII)


def parse_digits(raw):
    """A non-negative integer written in ASCII digits (at most 19 of them), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= MAX_ID else None
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def parse_id(raw):
    """A positive 64-bit id from a path, header or query parameter, or None if it is not one."""
    value = parse_digits(raw)
    return value if value else None


def is_plain_decimal(raw):
    """Whether `raw` is a plain decimal number such as `1`, `1.0` or `2.10` (an API version)."""
    return isinstance(raw, str) and bool(_DECIMAL.fullmatch(raw))
