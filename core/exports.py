"""File formats of the admin's import/export (django-import-export): CSV and JSON.

Reading a file, each format also notes the line where each data row starts
(`dataset.source_lines`), so that the import preview names rows by the file's line: in a
CSV file the header is line 1 and the first data row line 2 (a quoted value over several
lines makes its row span them: the row's first line counts); in a JSON file, the line where
the row's object opens.
"""

import csv
import json
import re
from io import StringIO

from import_export.formats import base_formats

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _text(in_stream, encoding) -> str | None:
    if isinstance(in_stream, bytes):
        return in_stream.decode(encoding) if encoding else None
    return in_stream if isinstance(in_stream, str) else None


def csv_row_lines(text: str) -> list[int]:
    """The line where each data row of a CSV text starts, for the rows tablib keeps (it
    skips the header and empty lines)."""
    reader = csv.reader(StringIO(text, newline=""))  # as tablib reads it
    lines, start = [], 1
    for number, row in enumerate(reader):
        if number > 0 and row:
            lines.append(start)
        start = reader.line_num + 1
    return lines


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def json_item_lines(text: str) -> list[int] | None:
    """The line where each item of a JSON array starts; None if the text is not one."""
    decoder = json.JSONDecoder()
    at = _JSON_SPACE.match(text).end()
    if text[at : at + 1] != "[":
        return None
    at = _JSON_SPACE.match(text, at + 1).end()
    lines, line, counted = [], 1, 0
    while text[at : at + 1] != "]":
        line += text.count("\n", counted, at)
        counted = at
        lines.append(line)
        try:
            _item, at = decoder.raw_decode(text, at)
        except ValueError:
            return None
        at = _JSON_SPACE.match(text, at).end()
        if text[at : at + 1] == ",":
            at = _JSON_SPACE.match(text, at + 1).end()
        elif text[at : at + 1] != "]":
            return None
    return lines


def _with_lines(dataset, lines):
    dataset.source_lines = lines if lines is not None and len(lines) == len(dataset) else None
    return dataset


def _inert(cell):
    """`cell` with a leading apostrophe when a spreadsheet would run it as a formula."""
    if (
        isinstance(cell, str)
        and cell.startswith(FORMULA_START)
        and not PLAIN_NUMBER.fullmatch(cell)
    ):
        return "'" + cell
    return cell


class CSV(base_formats.CSV):
    """CSV whose cells never run as formulas when a manager opens the file in a spreadsheet.

    django-import-export's own escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) strips one
    leading `=` only, so `==cmd|...`, `+cmd`, `-cmd` and `@SUM(...)` still run, and it
    turns empty cells into the text "None". This keeps every value, prefixing the risky
    ones with an apostrophe as OWASP recommends; plain numbers such as `-5` stay numbers.
    """

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        text = _text(in_stream, self.encoding)
        return _with_lines(dataset, csv_row_lines(text) if text is not None else None)

    def _escape_formulae(self, dataset):
        rows = [[_inert(cell) for cell in row] for row in dataset]
        del dataset[:]
        for row in rows:
            dataset.append(row)


class JSON(base_formats.JSON):
    """JSON: data for programs, not a spreadsheet, so values are kept as they are, in JSON's
    own types (`true`, `1`), as in docs/examples: an export asks the fields for native values
    (`native_types`, read by PortalImportExportMixin)."""

    native_types = True

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        text = _text(in_stream, self.encoding)
        return _with_lines(dataset, json_item_lines(text) if text is not None else None)

    def _escape_formulae(self, dataset):
        return
