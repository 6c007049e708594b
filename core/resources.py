"""The base of every import/export resource: imports go through the domain services."""

from django.core.exceptions import ValidationError
from import_export import resources

from core.errors import DomainError


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
