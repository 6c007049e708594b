"""Run an import resource on CSV text, as the admin's import does (tests' helper)."""

import tablib


def run_import(resource, csv_text, *, dry_run=False):
    """import-export's result of importing `csv_text` with `resource`."""
    dataset = tablib.Dataset().load(csv_text, format="csv")
    return resource.import_data(dataset, dry_run=dry_run, raise_errors=False)


def row_errors(result):
    """{data row number: [message, ...]} of the refused rows."""
    return {
        row.number: [str(m) for messages in row.error_dict.values() for m in messages]
        for row in result.invalid_rows
    }


def actions(result):
    """The import type of each valid row ("new", "update", "skip")."""
    return [row.import_type for row in result.rows]
