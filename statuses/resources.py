"""CSV/JSON import and export of statuses (django-import-export), through the services."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from core.resources import ServiceResource, instance_by_id
from core.text import name_key
from statuses import services
from statuses.models import ConversationStatus, UserStatus
from statuses.services import (
    ConversationStatusFields,
    UserStatusFields,
    field_names,
    fields_of,
)


def _text(row, key):
    value = row.get(key)
    return value.strip() if isinstance(value, str) else value


class ConversationStatusResource(ServiceResource):
    """Columns `id` (optional) and those of services.ConversationStatusFields (`name`,
    `category`); a row with an id updates that status (a new name renames it), one
    without updates the status of the same name (name_key), or makes a new one."""

    id = fields.Field(
        attribute="id", column_name="id", readonly=True, widget=widgets.IntegerWidget()
    )

    class Meta(ServiceResource.Meta):
        model = ConversationStatus
        fields = ["id", *field_names(ConversationStatusFields)]
        # Rows are matched in get_instance: by id, else by name.
        import_id_fields = ["id"]

    def get_instance(self, instance_loader, row):
        by_id = instance_by_id(
            ConversationStatus.objects.all(), row, label=_("conversation status")
        )
        if by_id is not None:
            return by_id
        name = _text(row, "name")
        return ConversationStatus.objects.filter(name_key=name_key(name)).first() if name else None

    def save_through_service(self, instance, is_create):
        given = fields_of(ConversationStatusFields, instance)
        if is_create:
            instance.pk = services.conversation_status_create(fields=given).pk
        else:
            services.conversation_status_update(status=instance, fields=given)


class UserStatusResource(ServiceResource):
    """Columns `id` (optional) and those of services.UserStatusFields (`name`,
    `status_type`); matched by id, else by name."""

    class Meta(ServiceResource.Meta):
        model = UserStatus
        fields = ["id", *field_names(UserStatusFields)]
        import_id_fields = ["id"]
        # The services check every row (in the model's order, a taken name by the write);
        # cleaning the instance first would report a row's errors another way.
        clean_model_instances = False

    def get_instance(self, instance_loader, row):
        by_id = instance_by_id(
            UserStatus.objects.all(), row, label=_("custom user status"), integer=False
        )
        if by_id is not None:
            return by_id
        name = _text(row, "name")
        return UserStatus.objects.filter(name_key=name_key(name)).first() if name else None

    def save_through_service(self, instance, is_create):
        # A column the file lacks is "" for the rules to report (the instance is not
        # cleaned first).
        given = fields_of(UserStatusFields, instance, none_as_blank=True)
        if is_create:
            instance.pk = services.user_status_create(fields=given).pk
        else:
            services.user_status_update(status=instance, fields=given)
