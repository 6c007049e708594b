"""CSV/JSON import and export of statuses (django-import-export), through the services."""

import dataclasses
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from core.resources import ServiceResource, instance_by_id
from core.text import name_key
from statuses import services
from statuses.models import (
    CATEGORY_OF_STATUS_CATEGORY,
    ConversationCategory,
    ConversationStatus,
    UserStatus,
)
from statuses.services import (
    ConversationStatusFields,
    TranslationFields,
    UserStatusFields,
    field_names,
    fields_of,
)


def _text(row, key):
    value = row.get(key)
    return value.strip() if isinstance(value, str) else value


class _BlankIsNone(widgets.CharWidget):
    """A text cell whose blank value is None (a nullable text, as the services store it)."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value if isinstance(value, str) and value.strip() else None


class TranslationsWidget(widgets.Widget):
    """A status's translations as one cell: a JSON object of locale -> the fields of
    services.TranslationFields, `{"fr": {"agent_label": "Ouvert", "end_user_label": "",
    "description": "", "end_user_description": ""}}`; empty when there are none. A JSON
    file may give the object itself instead of its text. Read back to locale ->
    TranslationFields (an empty cell is no translations); anything else is refused."""

    FIELDS = tuple(field_names(TranslationFields))

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError(gettext("translations must be a JSON object")) from None
        if not isinstance(value, dict):
            raise ValueError(gettext("translations must be a JSON object"))
        return {locale: self._fields(locale, texts) for locale, texts in value.items()}

    def _fields(self, locale, texts):
        if not isinstance(texts, dict):
            raise ValueError(
                gettext("translations: %(locale)s must be an object of %(fields)s")
                % {"locale": locale, "fields": ", ".join(self.FIELDS)}
            )
        unknown = sorted(set(texts) - set(self.FIELDS))
        if unknown:
            raise ValueError(
                gettext("translations: %(locale)s has no field %(field)s")
                % {"locale": locale, "field": unknown[0]}
            )
        values = {}
        for name in self.FIELDS:
            value = texts.get(name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ValueError(
                    gettext("translations: %(locale)s %(field)s must be text")
                    % {"locale": locale, "field": name}
                )
            values[name] = value
        return TranslationFields(**values)

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return json.dumps(value, ensure_ascii=False)


class TranslationsField(fields.Field):
    """The `translations` column: what the status's translations are, or will be once the
    row is saved (an imported cell is kept on the instance until the service writes it)."""

    PENDING = "_imported_translations"

    def get_value(self, instance):
        pending = getattr(instance, self.PENDING, None)
        if pending is not None:
            return {locale: dataclasses.asdict(texts) for locale, texts in sorted(pending.items())}
        if instance.pk is None:
            return {}
        return {
            row.locale: {name: getattr(row, name) for name in TranslationsWidget.FIELDS}
            for row in sorted(instance.translations.all(), key=lambda row: row.locale)
        }

    def save(self, instance, row, is_m2m=False, **kwargs):
        setattr(instance, self.PENDING, self.clean(row, **kwargs))


class ConversationStatusResource(ServiceResource):
    """Columns `id` (optional) and those of services.ConversationStatusFields (`name`,
    `status_category`, `end_user_label`, `description`, `end_user_description`, `active`);
    a row with an id updates that status (a new name renames it), one without updates the
    status of the same name (name_key), or makes a new one.

    A file exported before status categories existed has a Libredesk `category` column
    instead: it is read as the Libredesk wire reads it (services.status_category_for).

    `translations` (TranslationsWidget): a file without the column leaves the statuses'
    translations as they are; with it, each row's cell is its status's whole set
    (conversation_status_translations_set)."""

    id = fields.Field(
        attribute="id", column_name="id", readonly=True, widget=widgets.IntegerWidget()
    )
    # An empty cell is None, as stored ("same as the name"): an unchanged row stays unchanged.
    end_user_label = fields.Field(
        attribute="end_user_label",
        column_name="end_user_label",
        widget=_BlankIsNone(),
    )
    translations = TranslationsField(
        attribute="translations", column_name="translations", widget=TranslationsWidget()
    )

    class Meta(ServiceResource.Meta):
        model = ConversationStatus
        fields = ["id", *field_names(ConversationStatusFields), "translations"]
        # Rows are matched in get_instance: by id, else by name.
        import_id_fields = ["id"]

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        category = _text(row, "category")
        if _text(row, "status_category") or not category:
            return
        if category not in ConversationCategory.values:
            raise ValidationError(
                _("%(name)s must be one of %(allowed)s")
                % {"name": "category", "allowed": ", ".join(ConversationCategory.values)}
            )
        current = self.get_instance(None, row)
        row["status_category"] = services.status_category_for(
            category, current.status_category if current is not None else None
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # As ModelResource.validate_instance, without `category`: it is derived, not read,
        # and a bad status category is reported once, as itself.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, "category"], validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Derived as the services derive it, before the model's constraints are checked.
        instance.category = CATEGORY_OF_STATUS_CATEGORY.get(
            instance.status_category, instance.category
        )

    def get_instance(self, instance_loader, row):
        by_id = instance_by_id(
            ConversationStatus.objects.all(), row, label=_("conversation status")
        )
        if by_id is not None:
            return by_id
        name = _text(row, "name")
        return ConversationStatus.objects.filter(name_key=name_key(name)).first() if name else None

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("translations")

    def save_through_service(self, instance, is_create):
        # The status and its translations are one row: a refused translation leaves no
        # status created or changed by it.
        with transaction.atomic():
            self._save_row(instance, is_create)

    def _save_row(self, instance, is_create):
        given = fields_of(ConversationStatusFields, instance)
        if is_create:
            instance.pk = services.conversation_status_create(fields=given).pk
        elif not self._only_translations_changed(instance, given):
            services.conversation_status_update(status=instance, fields=given)
        translations = getattr(instance, TranslationsField.PENDING, None)
        if translations is not None:
            services.conversation_status_translations_set(
                status=instance, translations=translations
            )

    @staticmethod
    def _only_translations_changed(instance, given):
        """Whether the row changes the status's translations and none of its own fields:
        then the status itself is not written (a default status's translations can be
        imported; its own fields cannot change)."""
        if getattr(instance, TranslationsField.PENDING, None) is None:
            return False
        names = field_names(ConversationStatusFields)
        stored = ConversationStatus.objects.filter(pk=instance.pk).values(*names).first()
        return stored == {name: getattr(given, name) for name in names}


class LanguageLabelsWidget(widgets.Widget):
    """A custom user status's language labels as one cell: a JSON object of locale ->
    label, `{"en-us": "Lunch", "fr": "Déjeuner"}`. A JSON file may give the object itself
    instead of its text. Read back to that mapping; an empty cell is None (the labels stay
    as they are, the name being the canonical one's); anything else is refused."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError(gettext("language_labels must be a JSON object")) from None
        if not isinstance(value, dict):
            raise ValueError(gettext("language_labels must be a JSON object"))
        for locale, label in value.items():
            if not isinstance(label, str):
                raise ValueError(
                    gettext("language_labels: %(locale)s must be text") % {"locale": locale}
                )
        return value

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return json.dumps(value, ensure_ascii=False)


class LanguageLabelsField(fields.Field):
    """The `language_labels` column: what the status's labels are, or will be once the row
    is saved (an imported cell is kept on the instance until the service writes it)."""

    PENDING = "_imported_language_labels"

    def get_value(self, instance):
        pending = getattr(instance, self.PENDING, None)
        if pending is not None:
            return dict(sorted(pending.items()))
        if instance.pk is None:
            return {}
        return {
            row.locale: row.label
            for row in sorted(instance.translations.all(), key=lambda row: row.locale)
        }

    def save(self, instance, row, is_m2m=False, **kwargs):
        setattr(instance, self.PENDING, self.clean(row, **kwargs))


class UserStatusResource(ServiceResource):
    """Columns `id` (optional) and those of services.UserStatusFields (`name`,
    `status_type`, `system_presence`, `active`, `division_id`); matched by id, else by
    name. A file without the later columns (exported before issue 28) still imports: the
    model's defaults fill them in (no presence of its own, active, all divisions).

    `language_labels` (LanguageLabelsWidget): with a cell, the row's labels are the
    status's whole set and its name is the canonical one's (the `name` column then only
    finds the status); without the column or with an empty cell, the labels stay and the
    name is its canonical locale's label (services.user_status_update)."""

    # An empty cell is None, as stored (the status type's canonical presence).
    system_presence = fields.Field(
        attribute="system_presence", column_name="system_presence", widget=_BlankIsNone()
    )
    language_labels = LanguageLabelsField(
        attribute="language_labels", column_name="language_labels", widget=LanguageLabelsWidget()
    )

    class Meta(ServiceResource.Meta):
        model = UserStatus
        fields = ["id", *field_names(UserStatusFields), "language_labels"]
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
        # ...but no presence of its own is None, as stored, not a blank to report.
        given = dataclasses.replace(given, system_presence=instance.system_presence)
        labels = getattr(instance, LanguageLabelsField.PENDING, None)
        # An import keeps the admin's limit of active statuses per presence.
        if is_create:
            instance.pk = services.user_status_create(
                fields=given, labels=labels, within_limits=True
            ).pk
        else:
            services.user_status_update(
                status=instance, fields=given, labels=labels, within_limits=True
            )

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("translations")
