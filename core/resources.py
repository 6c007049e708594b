"""The base of every import/export resource: imports go through the domain services."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources

from core.errors import DomainError
from core.parsers import unstorable_text


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

    def before_import(self, dataset, **kwargs):
        limit = settings.IMPORT_MAX_ROWS
        if len(dataset) > limit:
            del dataset[:]  # nothing of it is looked at
            raise ValidationError(
                _("The file has more than %(limit)d rows; split it into smaller files.")
                % {"limit": limit}
            )
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # The text rules of the API's JSON parser: no NUL characters, no lone surrogates.
        for column, value in row.items():
            reason = unstorable_text(value) if isinstance(value, str) else None
            if reason:
                raise ValidationError(f"{column}: {reason}")
        super().before_import_row(row, **kwargs)

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
