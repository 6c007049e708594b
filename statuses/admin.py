"""Admin screens for statuses. Saves and deletes go through statuses.services."""

import dataclasses
import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from core.errors import DomainError
from statuses import services
from statuses.models import (
    ALL_DIVISIONS,
    CANONICAL_PRESENCE,
    MAX_ACTIVE_PER_PRESENCE,
    MAX_PER_CATEGORY,
    MAX_STATUSES,
    ConversationStatus,
    ConversationStatusTranslation,
    StatusCategory,
    SystemPresence,
    UserStatus,
    UserStatusTranslation,
    canonical_locale,
)
from statuses.resources import ConversationStatusResource, UserStatusResource
from statuses.selectors import (
    conversation_status_counts,
    user_status_presence_counts,
    user_statuses_under_presence,
)
from statuses.services import (
    ConversationStatusFields,
    LabelFields,
    TranslationFields,
    UserStatusFields,
    field_names,
    fields_of,
)

# --- translations -------------------------------------------------------------------------


def counted(counts, choices, limit):
    """The "N of limit" line above a counted change list (counted_change_list.html): one
    entry per choice, with how many there are and whether the limit is reached."""
    return [
        {
            "category": value,
            "label": label,
            "n": counts[value],
            "limit": limit,
            "full": counts[value] >= limit,
        }
        for value, label in choices
    ]


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
    change_list_template = "admin/statuses/counted_change_list.html"
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
        status_counts = counted(counts, StatusCategory.choices, MAX_PER_CATEGORY)
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


# The labels inline's form prefix: its foreign key's related name, as Django names it.
LABELS_PREFIX = "translations"


class UserStatusLabelInline(StatusTranslationInline):
    """A custom user status's label per locale (Genesys's languageLabels). The rows are not
    written here: they are handed to the status's one write (UserStatusAdmin.save_related),
    which makes the canonical locale's label the status's name."""

    model = UserStatusTranslation
    fields_class = LabelFields
    verbose_name = _("language label")
    verbose_name_plural = _("language labels")

    def set_translations(self, *, status, translations):
        status._admin_labels = {locale: given.label for locale, given in translations.items()}


class PresenceFilter(admin.SimpleListFilter):
    """The statuses shown under one system presence: their own, or their status type's
    canonical one (as the limit of active statuses counts them)."""

    title = _("presence")
    parameter_name = "presence"

    def lookups(self, request, model_admin):
        return SystemPresence.choices

    def queryset(self, request, queryset):
        if self.value() not in SystemPresence.values:
            return queryset
        return queryset.filter(pk__in=user_statuses_under_presence(self.value()).values("pk"))


# Each presence's place in the list: SystemPresence's order, a status without a presence of
# its own under its type's canonical one.
_PRESENCE_RANK = Case(
    *(
        When(system_presence=presence, then=Value(rank))
        for rank, presence in enumerate(SystemPresence.values)
    ),
    *(
        When(
            system_presence__isnull=True,
            status_type=status_type,
            then=Value(SystemPresence.values.index(presence)),
        )
        for status_type, presence in CANONICAL_PRESENCE.items()
    ),
    default=Value(len(SystemPresence.values)),
    output_field=IntegerField(),
)


@admin.register(UserStatus)
class UserStatusAdmin(PortalImportExportMixin, TranslatedStatusAdmin):
    """Custom user statuses, grouped by the system presence they are shown under, with how
    many of each are active of the limit above the list; their labels per locale inline.
    One record is both a Rocket.Chat custom user status and a Genesys presence definition,
    and its page says so. Saves go through the services, which apply the form's rules again."""

    resource_classes = [UserStatusResource]
    form = UserStatusForm
    inlines = [UserStatusLabelInline]
    change_list_template = "admin/statuses/counted_change_list.html"
    list_display = [
        "name",
        "presence_shown",
        "status_type",
        "active",
        "division_id",
        "id",
        "updated_at",
    ]
    list_filter = [PresenceFilter, "status_type", "active", "division_id"]
    search_fields = ["name", "id"]
    readonly_fields = ["id", "same_record", "updated_at"]
    actions = ["reactivate", "deactivate"]

    def get_ordering(self, request):
        return [_PRESENCE_RANK.asc(), "name", "id"]

    def get_fields(self, request, obj=None):
        # The form edits what a write sets (services.UserStatusFields), no more, no less.
        editable = field_names(UserStatusFields)
        return editable if obj is None else ["id", "same_record", *editable, "updated_at"]

    @admin.display(description=_("Presence"), ordering=_PRESENCE_RANK)
    def presence_shown(self, obj):
        return SystemPresence(obj.presence).label

    @admin.display(description=_("One record, two wires"))
    def same_record(self, obj):
        return _("Rocket.Chat _id %(id)s = Genesys presence definition %(path)s") % {
            "id": obj.pk,
            "path": f"/api/v2/presence/definitions/{obj.pk}",
        }

    def changelist_view(self, request, extra_context=None):
        counts = user_status_presence_counts()
        status_counts = counted(counts, SystemPresence.choices, MAX_ACTIVE_PER_PRESENCE)
        extra_context = {
            "status_counts": status_counts,
            "status_counts_label": _("Active statuses per presence"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Reactivate"), permissions=["change"])
    def reactivate(self, request, queryset):
        """Make the selected inactive statuses active again, each through the service under
        the limit of active statuses per presence; those refused are named with why."""
        done, refused = [], []
        for status in queryset.filter(active=False).order_by("name", "pk"):
            fields = dataclasses.replace(fields_of(UserStatusFields, status), active=True)
            try:
                services.user_status_update(status=status, fields=fields, within_limits=True)
            except DomainError as exc:
                refused.append((status.name, exc.message))
            else:
                done.append(status.name)
        if done:
            self.message_user(
                request,
                ngettext("%(names)s is active again.", "%(names)s are active again.", len(done))
                % {"names": ", ".join(done)},
                messages.SUCCESS,
            )
        for name, reason in refused:
            self.message_user(
                request,
                _("%(name)s was not reactivated: %(reason)s") % {"name": name, "reason": reason},
                messages.ERROR,
            )
        if not done and not refused:
            self.message_user(request, _("The selected statuses are active already."))

    @admin.action(description=_("Deactivate"), permissions=["change"])
    def deactivate(self, request, queryset):
        """Make the selected statuses inactive: hidden from the chat, names still reserved."""
        names = []
        for status in queryset.filter(active=True).order_by("name", "pk"):
            services.user_status_deactivate(status=status)
            names.append(status.name)
        if names:
            self.message_user(
                request,
                ngettext("%(names)s is now inactive.", "%(names)s are now inactive.", len(names))
                % {"names": ", ".join(names)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("The selected statuses are inactive already."))

    @staticmethod
    def _labels_posted(request):
        """Whether the request carries the labels inline (its management form): the change
        page does; a revert from the history (simple_history shows no inlines and calls no
        save_related) and a script that posts only the fields do not."""
        return f"{LABELS_PREFIX}-TOTAL_FORMS" in request.POST

    def save_model(self, request, obj, form, change):
        # With the labels inline, the status is written with its labels in save_related: one
        # write, one event, one version. Without it, here, its labels left as they are.
        if not self._labels_posted(request):
            self._write(obj, form, change, labels=None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self._labels_posted(request):
            obj = form.instance
            labels = getattr(obj, "_admin_labels", None)
            if labels is not None:
                labels = self._labels_with_name(obj, form, labels)
            self._write(obj, form, change, labels=labels)

    @staticmethod
    def _write(obj, form, change, *, labels):
        # The form has set its cleaned data on `obj`.
        fields = fields_of(UserStatusFields, obj)
        # The admin keeps Genesys's limit of active statuses per presence, which it shows.
        if change:
            services.user_status_update(
                status=obj, fields=fields, labels=labels, within_limits=True
            )
        else:
            created = services.user_status_create(fields=fields, labels=labels, within_limits=True)
            obj.pk, obj.name, obj.updated_at = created.pk, created.name, created.updated_at

    @staticmethod
    def _labels_with_name(obj, form, labels):
        """The labels the write stores. None given: the name in en-us. A renamed status whose
        canonical label was not edited: that label becomes the new name (a label edited
        wins over the name: the name is the canonical label)."""
        if not labels:
            return {"en-us": obj.name}
        locale = canonical_locale(labels)
        old_name = form.initial.get("name")
        if "name" in form.changed_data and labels[locale] == old_name:
            return {**labels, locale: obj.name}
        return labels

    def delete_model(self, request, obj):
        services.user_status_delete(status_id=obj.pk)

    def delete_queryset(self, request, queryset):
        # All or nothing, each through the service (its webhook event and history).
        with transaction.atomic():
            for status in queryset:
                services.user_status_delete(status_id=status.pk)
