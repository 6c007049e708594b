"""Export formats of the admin's import/export (django-import-export)."""

import re

from import_export.formats import base_formats

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


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

    def _escape_formulae(self, dataset):
        rows = [[_inert(cell) for cell in row] for row in dataset]
        del dataset[:]
        for row in rows:
            dataset.append(row)


class JSON(base_formats.JSON):
    """JSON exports: data for programs, not a spreadsheet, so values are kept as they are."""

    def _escape_formulae(self, dataset):
        return
