"""The base of every import/export resource: imports go through the domain services.

What a manager sees of an import is also decided here, once for every importable model:
- booleans are written `true`/`false` (JSON: true/false) and read as true/false, yes/no or
  1/0 in any case; the preview shows them as yes/no;
- a value outside a field's choices is refused with the allowed values, "category must be
  one of open, waiting, resolved";
- the preview shows a changed value as its old and new value, marked up apart
  (`ImportPreviewDiff`);
- every row, valid or not, carries the line of the file it came from (`line`), as the
  import formats (core.exports) found it.
"""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from import_export import resources, widgets

from core.errors import DomainError
from core.parsers import unstorable_text

TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")
BOOLEAN_WORDS = "yes, no, true, false, 1, 0"


class BooleanWidget(widgets.BooleanWidget):
    """A yes/no column: written `true`/`false` (a JSON export writes true/false), read from
    true/false, yes/no or 1/0 in any case, or JSON's true/false; empty is no value (the
    service's default). Anything else is refused, never read as false."""

    def __init__(self, *, name="", **kwargs):
        self.name = name
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word == "":
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(
            _("%(name)s must be one of %(allowed)s") % {"name": self.name, "allowed": BOOLEAN_WORDS}
        )

    def render(self, value, obj=None, **kwargs):
        if not isinstance(value, bool):
            return None if kwargs.get("force_native_type") else ""
        if kwargs.get("force_native_type") or not self.coerce_to_string:
            return value
        return TRUE_WORDS[0] if value else FALSE_WORDS[0]


class ChoiceWidget(widgets.CharWidget):
    """A column of a field with choices: a value outside them is refused with the allowed
    values ("category must be one of open, waiting, resolved"). An empty value is left to
    the field's own rules (required, or a default)."""

    def __init__(self, *, name, choices, **kwargs):
        self.name, self.choices = name, [str(value) for value in choices]
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        if value and value not in self.choices:
            raise ValueError(
                _("%(name)s must be one of %(allowed)s")
                % {"name": self.name, "allowed": ", ".join(self.choices)}
            )
        return value


def preview_text(value) -> str:
    """A value as the import preview shows it: booleans as yes/no."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


class ImportPreviewDiff:
    """import-export's Diff (what the preview shows of a row), with old and new values apart.

    The stock Diff runs a character diff and shows "502" for 50 → 2, in colours alone. Here
    a changed cell is `<del>` with the old value, an arrow and `<ins>` with the new one,
    each labelled for screen readers; booleans read yes/no.
    """

    def __init__(self, resource, instance, new):
        self.new = new
        self.left = (
            [""] * len(resource.get_import_fields()) if new else self._read(resource, instance)
        )
        self.right = []

    def compare_with(self, resource, instance):
        self.right = self._read(resource, instance)

    @staticmethod
    def _read(resource, instance):
        if instance is None:
            return [""] * len(resource.get_import_fields())
        values = []
        for field in resource.get_import_fields():
            raw = field.get_value(instance) if field.attribute else None
            shown = raw if isinstance(raw, bool) else resource.export_field(field, instance)
            values.append(preview_text(shown))
        return values

    def as_html(self):
        return [self._cell(old, new) for old, new in zip(self.left, self.right, strict=False)]

    def _cell(self, old, new):
        if self.new or old == new:
            return format_html("{}", new)
        return format_html(
            '<del class="import-old"><span class="visually-hidden">{}</span>{}</del>'
            '<span class="import-arrow" aria-hidden="true"> → </span>'
            '<ins class="import-new"><span class="visually-hidden">{}</span>{}</ins>',
            _("was: "),
            old or format_html('<span class="import-empty">{}</span>', _("empty")),
            _(", now: "),
            new or format_html('<span class="import-empty">{}</span>', _("empty")),
        )


def row_id(row, column: str = "id") -> str:
    """A row's `id` cell as text, stripped ("" when the file has no such column or leaves
    it empty)."""
    value = row.get(column)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 6.0
    return str(value).strip()


def instance_by_id(queryset, row, *, label: str, integer: bool = True):
    """The object the row's `id` names, among `queryset` (what the importing manager may
    change), or None when the row has no id (it is then matched by name).

    Every importable model matches its rows this way: a row with an id updates that
    object (a new name is a rename, old → new in the preview); an id that names nothing
    here (unknown, or another account's) is the row's error, never a new object."""
    given = row_id(row)
    if not given:
        return None
    if integer and not given.isdigit():
        raise ValidationError({"id": _("id must be a whole number, not %(id)r") % {"id": given}})
    found = queryset.filter(pk=int(given) if integer else given).first()
    if found is None:
        raise ValidationError(
            {"id": _("No %(label)s has id %(id)s") % {"label": label, "id": given}}
        )
    return found


class ServiceResource(resources.ModelResource):
    """A ModelResource that saves each row through a service instead of `Model.save()`.

    A row the services refuse becomes an invalid row with the service's message, so the
    admin's preview names the row and the reason; with any invalid row the import is not
    confirmed and, inside its transaction, nothing is written.
    """

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.choices and not f.is_relation:
            return functools.partial(
                ChoiceWidget, name=f.name, choices=[v for v, _ in f.flatchoices]
            )
        widget = super().widget_from_django_field(f, default)
        if widget is widgets.BooleanWidget:
            return functools.partial(BooleanWidget, name=f.name)
        return widget

    def get_diff_class(self):
        return ImportPreviewDiff

    def before_import(self, dataset, **kwargs):
        self.source_lines = getattr(dataset, "source_lines", None)
        limit = settings.IMPORT_MAX_ROWS
        if len(dataset) > limit:
            del dataset[:]  # nothing of it is looked at
            raise ValidationError(
                _("The file has more than %(limit)d rows; split it into smaller files.")
                % {"limit": limit}
            )
        super().before_import(dataset, **kwargs)

    def line_of(self, row_number: int) -> int | None:
        """The file's line where data row `row_number` (1 for the first) starts, if known."""
        lines = getattr(self, "source_lines", None)
        return lines[row_number - 1] if lines and 0 < row_number <= len(lines) else None

    def before_import_row(self, row, **kwargs):
        # The text rules of the API's JSON parser: no NUL characters, no lone surrogates.
        for column, value in row.items():
            reason = unstorable_text(value) if isinstance(value, str) else None
            if reason:
                raise ValidationError(f"{column}: {reason}")
        super().before_import_row(row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        row_result.line = self.line_of(kwargs["row_number"])

    def after_import(self, dataset, result, **kwargs):
        # Invalid rows and rows that failed never reach after_import_row. An invalid row's
        # values follow the resource's columns ("---" for one the file lacks); the preview
        # shows the file's own columns.
        in_file = [i for i, h in enumerate(result.diff_headers) if h in (dataset.headers or [])]
        result.file_headers = [result.diff_headers[i] for i in in_file]
        for row in result.invalid_rows:
            row.line = self.line_of(row.number)
            row.file_values = [row.values[i] for i in in_file]
        for row in result.rows:
            for error in row.errors:
                error.line = self.line_of(error.number)
        super().after_import(dataset, result, **kwargs)

    def save_through_service(self, instance, is_create):
        """Create or update `instance`'s row with the app's services."""
        raise NotImplementedError

    def do_instance_save(self, instance, is_create):
        try:
            self.save_through_service(instance, is_create)
        except DomainError as exc:
            raise ValidationError(exc.message) from None

    def delete_instance(self, instance, row, **kwargs):
        raise ValidationError("Imports do not delete; use the admin or the API.")
