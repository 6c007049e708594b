"""Admin screens for statuses. Saves and deletes go through statuses.services."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from core.errors import DomainError
from statuses import services
from statuses.models import (
    ALL_DIVISIONS,
    MAX_PER_CATEGORY,
    MAX_STATUSES,
    ConversationStatus,
    ConversationStatusTranslation,
    StatusCategory,
    UserStatus,
)
from statuses.resources import ConversationStatusResource, UserStatusResource
from statuses.selectors import conversation_status_counts
from statuses.services import (
    ConversationStatusFields,
    TranslationFields,
    UserStatusFields,
    field_names,
    fields_of,
)

# --- translations -------------------------------------------------------------------------


class StatusTranslationFormSet(BaseInlineFormSet):
    """The inline's formset. A POST without its management form (a script that posts only
    the status's fields, as the portal's tests and tools have done since before
    translations) leaves the translations as they are (`untouched`) instead of refusing the
    whole change as tampered with; the page itself always sends the management form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.untouched = self.is_bound and f"{self.prefix}-TOTAL_FORMS" not in self.data

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # named for screen readers, as the inline's inputs
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete this translation")

    @cached_property
    def forms(self):
        return [] if self.untouched else super().forms

    def full_clean(self):
        if self.untouched:
            self._errors, self._non_form_errors = [], self.error_class()
            return
        super().full_clean()


class StatusTranslationInline(admin.TabularInline):
    """A status's translations, one row per locale, edited on the status's own page.

    Saved through the app's service (`set_translations`), never by the formset: the
    status's admin calls `save_translations` from its save_related (TranslatedStatusAdmin).
    Who may edit them is who may change the status: the inline asks the status's admin,
    so no separate translation permissions are needed. A subclass names its model, its
    fields object (`fields_class`, whose fields follow `locale` in the form) and the service.
    """

    extra = 0
    fk_name = "status"
    formset = StatusTranslationFormSet
    fields_class: type = TranslationFields

    def get_fields(self, request, obj=None):
        return ["locale", *field_names(self.fields_class)]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A table's inputs have no <label> of their own (Django's tabular inline names them
        # by the column's heading alone): each is named for screen readers here.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and not formfield.widget.is_hidden:
            formfield.widget.attrs["aria-label"] = str(db_field.verbose_name).capitalize()
        return formfield

    def set_translations(self, *, status, translations):
        """Replace `status`'s translations with `translations` (locale -> fields_class)."""
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.translation_inline = self
        return formset

    def _status_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._status_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        status_admin = self._status_admin()
        if obj is None:
            return status_admin.has_add_permission(request)
        return status_admin.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        status_admin = self._status_admin()
        if obj is None:
            return status_admin.has_add_permission(request)
        return status_admin.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def save_translations(self, *, status, formset):
        """Hand the formset's rows to the service as the status's whole set; the formset's
        lists of added, changed and deleted rows are filled for the admin's change message."""
        translations, added, changed, deleted = {}, [], [], []
        if formset.untouched:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        for form in formset.forms:
            row = form.instance  # cleaned by the form: its locale normalised
            if formset.can_delete and formset._should_delete_form(form):
                if row.pk is not None:
                    deleted.append(row)
                continue
            if row.pk is None and not form.has_changed():
                continue  # an empty extra row
            if row.locale in translations:  # the formset's unique check has refused it
                raise ValueError(f"locale {row.locale} twice in one formset")
            translations[row.locale] = fields_of(self.fields_class, row)
            if row.pk is None:
                added.append(row)
            elif form.has_changed():
                changed.append((row, form.changed_data))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            added,
            changed,
            deleted,
        )
        self.set_translations(status=status, translations=translations)


class TranslatedStatusAdmin(ServiceBackedAdmin):
    """A status admin with a StatusTranslationInline: translations are saved through the
    inline's service, and the status's history page lists its translations' changes too
    (each translation keeps its own history; this shows those of the status's locales,
    deleted ones included, below the status's own)."""

    object_history_template = "admin/statuses/translated_object_history.html"
    # The newest changes of a status's translations the history page shows.
    translation_history_limit = 200

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            inline = getattr(formset, "translation_inline", None)
            if inline is None:
                self.save_formset(request, form, formset, change)
            else:
                inline.save_translations(status=form.instance, formset=formset)

    def translation_models(self):
        """The translation models of this admin's inlines."""
        return [
            inline.model for inline in self.inlines if issubclass(inline, StatusTranslationInline)
        ]

    def translation_history(self, request, object_id):
        """The newest changes of the status's translations, newest first, each with its
        changes against the translation's version before it (`history_delta_changes`)."""
        records = []
        for model in self.translation_models():
            rows = (
                model.history.filter(status_id=object_id)
                .select_related("history_user")
                .order_by("-history_date", "-history_id")[: self.translation_history_limit]
            )
            rows = list(rows)
            by_translation = {}
            for record in reversed(rows):  # oldest first: each meets its previous version
                previous = by_translation.get(record.id)
                if previous is not None:
                    delta = record.diff_against(previous, excluded_fields=["agent_label_key"])
                    record.history_delta_changes = [
                        {"field": change.field, "old": change.old, "new": change.new}
                        for change in delta.changes
                    ]
                by_translation[record.id] = record
            records.extend(rows)
        records.sort(key=lambda record: record.history_date, reverse=True)
        return records[: self.translation_history_limit]

    def history_view(self, request, object_id, extra_context=None):
        # Read when the page is drawn: after the checks of the id, the scope and the
        # permissions that the status's own history page makes.
        extra_context = {
            **(extra_context or {}),
            "translation_history": functools.partial(
                self.translation_history, request, unquote(object_id)
            ),
        }
        return super().history_view(request, object_id, extra_context)


class ConversationStatusTranslationInline(StatusTranslationInline):
    """A conversation status's agent label, end-user label and descriptions per locale."""

    model = ConversationStatusTranslation
    fields_class = TranslationFields

    def set_translations(self, *, status, translations):
        services.conversation_status_translations_set(status=status, translations=translations)


@admin.register(ConversationStatus)
class ConversationStatusAdmin(PortalImportExportMixin, TranslatedStatusAdmin):
    """Conversation statuses, as a manager knows them from Zendesk: what agents and what
    customers see, the category, whether active, and which is its category's default;
    above the list, how many statuses each category has of the limit."""

    resource_classes = [ConversationStatusResource]
    inlines = [ConversationStatusTranslationInline]
    change_list_template = "admin/statuses/conversationstatus/change_list.html"
    list_display = [
        "agents_see",
        "customers_see",
        "category_shown",
        "active",
        "is_category_default",
        "is_default",
        "updated_at",
    ]
    list_filter = ["status_category", "active", "is_category_default", "is_default"]
    search_fields = ["name", "end_user_label"]
    readonly_fields = ["is_category_default", "is_default", "created_at", "updated_at"]
    # The form edits what a write sets (services.ConversationStatusFields), no more, no less.
    fields = [*field_names(ConversationStatusFields), *readonly_fields]
    actions = ["make_default"]

    @admin.display(description=_("Agents see"), ordering="name")
    def agents_see(self, obj):
        return obj.name

    @admin.display(description=_("Customers see"), ordering="end_user_label")
    def customers_see(self, obj):
        return obj.end_user_label or obj.name

    @admin.display(description=_("Category"), ordering="status_category")
    def category_shown(self, obj):
        return obj.get_status_category_display()

    def changelist_view(self, request, extra_context=None):
        counts = conversation_status_counts()
        status_counts = [
            {
                "category": category,
                "label": label,
                "n": counts[category],
                "limit": MAX_PER_CATEGORY,
                "full": counts[category] >= MAX_PER_CATEGORY,
            }
            for category, label in StatusCategory.choices
        ]
        total = sum(counts.values())
        status_counts.append(
            {
                "category": "",
                "label": _("All"),
                "n": total,
                "limit": MAX_STATUSES,
                "full": total >= MAX_STATUSES,
            }
        )
        extra_context = {"status_counts": status_counts, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Make default"), permissions=["change"])
    def make_default(self, request, queryset):
        """Make the selected statuses their categories' defaults: one per category among
        the selection, all or none (services.conversation_status_make_default)."""
        statuses = list(queryset.order_by("pk"))
        try:
            services.conversation_status_make_default(statuses=statuses)
        except DomainError as exc:
            self.message_user(
                request,
                _("No default was changed: %(reason)s") % {"reason": exc.message},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(names)s is now the default of its category.",
                "%(names)s are now the defaults of their categories.",
                len(statuses),
            )
            % {"names": ", ".join(status.name for status in statuses)},
            messages.SUCCESS,
        )

    # A default status's own fields cannot change (get_readonly_fields, save_model); its
    # translations can, so its page stays a change page with the translations inline.

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_default:
            return [*field_names(ConversationStatusFields), *self.readonly_fields]
        return self.readonly_fields

    def revert_disabled(self, request, obj=None):
        # A default's versions have nothing to revert to: its fields never change.
        return (obj is not None and obj.is_default) or super().revert_disabled(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A category keeps its default: make another the default before deleting this one.
        if obj is not None and (obj.is_default or obj.is_category_default):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The form has set its cleaned data on `obj`.
        if change and obj.is_default:
            return  # nothing of its own to write (its translations: save_related)
        fields = fields_of(ConversationStatusFields, obj)
        if change:
            services.conversation_status_update(status=obj, fields=fields)
        else:
            created = services.conversation_status_create(fields=fields)
            obj.pk, obj.created_at, obj.updated_at = (
                created.pk,
                created.created_at,
                created.updated_at,
            )

    def delete_model(self, request, obj):
        services.conversation_status_delete(status=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            # Django's own action under its own name, for the statuses that may go.
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (
                type(self).delete_selected_keeping_defaults,
                name,
                description,
            )
        return actions

    @admin.action(permissions=["delete"])
    def delete_selected_keeping_defaults(self, request, queryset):
        """Django's *Delete selected* for the custom statuses among the selection; the
        defaults in it are kept, and both the confirmation and the result say so.

        Django's action would list a default as a status this manager "doesn't have
        permission to delete" and refuse the whole selection."""
        kept = [
            status.name for status in queryset if status.is_default or status.is_category_default
        ]
        deletable = queryset.filter(is_default=False, is_category_default=False)
        if not deletable.exists():
            self._say_kept(request, kept)
            return None
        response = delete_selected(self, request, deletable)
        if response is None:  # confirmed and done
            self._say_kept(request, kept)
            return None
        # The confirmation page: its form carries the whole selection (so the result can
        # name the kept defaults too), its list only what will be deleted.
        response.context_data.update({"queryset": queryset, "kept_defaults": kept})
        return response

    def _say_kept(self, request, names):
        if names:
            self.message_user(
                request,
                ngettext(
                    "The default status %(names)s cannot be deleted; it was kept.",
                    "The default statuses %(names)s cannot be deleted; they were kept.",
                    len(names),
                )
                % {"names": ", ".join(names)},
                messages.WARNING,
            )

    def delete_queryset(self, request, queryset):
        # All or nothing, each through the service (its rules and history apply).
        with transaction.atomic():
            for status in queryset:
                services.conversation_status_delete(status=status)


class UserStatusForm(forms.ModelForm):
    """A custom user status's form: a blank (or left out) division is all divisions, as on
    the Genesys wire, so a form posted by a script that predates divisions still saves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "division_id" in self.fields:
            self.fields["division_id"].required = False

    def clean_division_id(self):
        value = self.cleaned_data.get("division_id")
        return value.strip() if isinstance(value, str) and value.strip() else ALL_DIVISIONS


@admin.register(UserStatus)
class UserStatusAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    """Custom user statuses. The form gets the model's field rules; saves go through the
    services, which apply them again."""

    resource_classes = [UserStatusResource]
    form = UserStatusForm
    list_display = ["name", "status_type", "id", "updated_at"]
    list_filter = ["status_type"]
    search_fields = ["name", "id"]
    readonly_fields = ["id", "updated_at"]

    def get_fields(self, request, obj=None):
        # The form edits what a write sets (services.UserStatusFields), no more, no less.
        editable = field_names(UserStatusFields)
        return editable if obj is None else ["id", *editable, "updated_at"]

    def save_model(self, request, obj, form, change):
        # The form has set its cleaned data on `obj`.
        fields = fields_of(UserStatusFields, obj)
        if change:
            services.user_status_update(status=obj, fields=fields)
        else:
            created = services.user_status_create(fields=fields)
            obj.pk, obj.updated_at = created.pk, created.updated_at

    def delete_model(self, request, obj):
        services.user_status_delete(status_id=obj.pk)
