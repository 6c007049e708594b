"""Admin screens for accounts and status reasons; reason changes go through reasons.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Case, Count, F, OuterRef, Subquery, When, Window
from django.db.models.functions import RowNumber
from django.forms.models import BaseModelFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from access.admin import CredentialInline, PortalUserAdmin, SessionAdmin, when
from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from core.errors import DomainError
from core.history import command_of
from reasons import services
from reasons.models import Account, AccountApiKey, AccountBearer, StatusReason
from reasons.resources import StatusReasonResource
from reasons.selectors import account_list_for


class MemberAccountsOnly:
    """An admin (or inline) of rows that belong to an account: a manager sees the rows of
    the accounts they are a member of, as the API's members do; a superuser sees all."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(account__in=account_list_for(user=request.user))


class MemberAccountFilter(admin.RelatedFieldListFilter):
    """The account filter of a list, offering the accounts the user is a member of (all to
    a superuser): Django's own offers every account, naming those of other customers."""

    def field_choices(self, field, request, model_admin):
        accounts = account_list_for(user=request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            accounts = accounts.order_by(*ordering)
        return [(account.pk, str(account)) for account in accounts]


class StatusReasonInline(admin.TabularInline):
    """An account's live reasons in their order, read-only here: edit them on the reason
    screens (the reasons list shows the deleted ones too, when asked)."""

    model = StatusReason
    fields = ["order", "text", "state", "enabled"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    # Live reasons only: by sort key is by position.
    ordering = ["sort_key", "id"]
    verbose_name_plural = _("status reasons (deleted ones not shown)")

    def get_queryset(self, request):
        # The account's whole live list (the formset keeps the account's rows): numbered as
        # read, in sort-key order.
        return StatusReason.rows.numbered()

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "revision", "member_count", "reason_count"]
    search_fields = ["id", "name"]
    filter_horizontal = ["members"]
    readonly_fields = ["revision", "created_at"]
    inlines = [StatusReasonInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=account_list_for(user=request.user).values("pk"))
            .annotate(
                member_total=Count("members", distinct=True),
                reason_total=Count("reasons", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ["id", *self.readonly_fields, "reasons_list"]

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    @staticmethod
    def reasons_url(account, **params) -> str:
        """The reasons list filtered to `account` (its account filter's parameter)."""
        query = urlencode({"account__id__exact": account.pk, **params})
        return f"{reverse('admin:reasons_statusreason_changelist')}?{query}"

    @admin.display(description=_("reasons"), ordering="reason_total")
    def reason_count(self, obj):
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>',
            self.reasons_url(obj, deleted=DeletedFilter.ALL),
            _("%(count)s reasons of %(account)s, deleted ones included")
            % {"count": obj.reason_total, "account": obj},
            obj.reason_total,
        )

    @admin.display(description=_("reasons list"))
    def reasons_list(self, obj):
        # The reasons below are read-only here: the link opens the list where they are
        # edited, reordered, deleted and restored, filtered to this account.
        return format_html(
            '<a class="account-reasons-link" href="{}">{}</a> · '
            '<a class="account-deleted-reasons-link" href="{}">{}</a>',
            self.reasons_url(obj),
            _("Edit and reorder the reasons of this account"),
            self.reasons_url(obj, deleted=DeletedFilter.DELETED),
            _("its deleted reasons"),
        )


class DeletedFilter(admin.SimpleListFilter):
    """Deleted: *No* (the default, no parameter), *Yes* or *All*. A soft-deleted reason is
    gone for API clients, so the list hides it unless asked."""

    title = _("deleted")
    parameter_name = "deleted"
    LIVE, DELETED, ALL = "0", "1", "all"

    def lookups(self, request, model_admin):
        return [(self.LIVE, _("No")), (self.DELETED, _("Yes")), (self.ALL, _("All"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return queryset.filter(deleted=value == self.DELETED)

    def shows_deleted(self) -> bool:
        return self.value() in (self.DELETED, self.ALL)

    def choices(self, changelist):
        # No separate "All" entry for "no parameter": no parameter means "No".
        facet_counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        selected = self.value() if self.value() in (self.DELETED, self.ALL) else self.LIVE
        for index, (lookup, title) in enumerate(self.lookup_choices):
            if facet_counts is not None:
                count = facet_counts.get(f"{index}__c", -1)
                title = f"{title} ({count if count != -1 else '-'})"
            yield {
                "selected": selected == lookup,
                "query_string": (
                    changelist.get_query_string(remove=[self.parameter_name])
                    if lookup == self.LIVE
                    else changelist.get_query_string({self.parameter_name: lookup})
                ),
                "display": title,
            }


class ReasonPositionForm(forms.ModelForm):
    """A row of the reasons list: its position input, labelled with the reason's text for
    screen readers. A deleted reason has no position to edit: its input is hidden."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["order"]
        field.required = True
        if self.instance.deleted:
            field.widget = forms.HiddenInput()
        else:
            field.widget.attrs["aria-label"] = _("Position of %(text)s") % {
                "text": self.instance.text
            }


class ReasonPositionFormSet(BaseModelFormSet):
    """The list's position inputs, saved together: the reasons whose position changed move
    in one write per account (`services.reasons_place`), so that the positions typed are
    the positions given, whichever rows change. Django's list editing saves its rows one
    by one; the first row's save writes them all (`save_positions`), inside the same
    transaction as the list's other saves."""

    def clean(self):
        super().clean()
        self.positions_saved = False
        for form in self.forms:
            form.position_batch = self

    def save_positions(self) -> None:
        if self.positions_saved:
            return
        self.positions_saved = True
        by_account: dict[Account, dict[int, int]] = {}
        for form in self.forms:
            if form.has_changed():
                reason = form.instance
                by_account.setdefault(reason.account, {})[reason.pk] = form.cleaned_data["order"]
        self.moved = 0
        for account, positions in sorted(by_account.items(), key=lambda item: item[0].pk):
            self.moved += services.reasons_place(account=account, positions=positions).moved

    def saved_message(self) -> str:
        """What the list says after a save: every reason that moved is counted, those
        renumbered to make room included (Django's message counts the rows typed in)."""
        if not self.moved:
            return gettext("No status reason moved: each is already at the position typed.")
        return ngettext(
            "%(count)d status reason was changed successfully (its position).",
            "%(count)d status reasons were changed successfully (their positions, those "
            "renumbered to make room included).",
            self.moved,
        ) % {"count": self.moved}


def listed_position():
    """What a list with deleted reasons sorts by (after the account): a deleted reason's
    position is the one it goes back to (`order`), a live one's its rank by (sort_key, id),
    numbered by the database in one window over the rows listed (no count per row)."""
    return Case(
        When(deleted=True, then=F("order")),
        default=Window(
            RowNumber(),
            partition_by=[F("account_id"), F("deleted")],
            order_by=[F("sort_key").asc(), F("id").asc()],
        ),
        output_field=BigIntegerField(),
    )


class PositionChangeList(ChangeList):
    """The reasons list: its Position column sorts by position, which for live reasons is
    by sort key (StatusReasonAdmin.get_ordering), not by the `order` column each reason had
    at its last write. The positions shown are numbered as the page is read (the admin's
    queryset: StatusReason.rows.positions_as_read)."""

    def get_ordering_field(self, field_name):
        field = super().get_ordering_field(field_name)
        if field != "order":
            return field
        if self.params.get(DeletedFilter.parameter_name) in (
            DeletedFilter.DELETED,
            DeletedFilter.ALL,
        ):
            return listed_position()
        return "sort_key"


class PositionsAsRead:
    """The reasons of the admin as stored (StatusReason.rows), each instance's `order` set
    to its position once a page, a form's reason or an export is read: one query for the
    lot, where StatusReason.objects would count the reasons before each row."""

    def get_queryset(self, request):
        queryset = StatusReason.rows.positions_as_read()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


@admin.register(StatusReason)
class StatusReasonAdmin(
    MemberAccountsOnly, PositionsAsRead, PortalImportExportMixin, ServiceBackedAdmin
):
    resource_classes = [StatusReasonResource]
    # The text's rules (and its uniqueness among the account's live reasons) are the
    # model's, so the form checks them as every other door does.
    fields = ["account", "text", "state", "enabled", "order"]
    list_display = ["text", "account", "state", "enabled", "order"]
    list_editable = ["order"]
    list_filter = [("account", MemberAccountFilter), "state", "enabled", DeletedFilter]
    list_select_related = ["account"]
    search_fields = ["text", "account__id", "account__name"]
    # By position (then id): for live reasons that is by sort key, which needs no position
    # computed for the rows that are not shown (get_ordering).
    ordering = ["account", "sort_key", "id"]
    actions = ["delete_selected", "enable", "disable", "restore"]
    # The base of import-export's list template (which adds Import and Export to it).
    change_list_template = "admin/reasons/statusreason/change_list.html"
    delete_selected_confirmation_template = (
        "admin/reasons/statusreason/soft_delete_selected_confirmation.html"
    )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        restore = path(
            "<path:object_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name="{}_{}_restore".format(*info),
        )
        return [restore, *super().get_urls()]

    @staticmethod
    def _lists_deleted(request) -> bool:
        shown = request.GET.get(DeletedFilter.parameter_name)
        return shown in (DeletedFilter.DELETED, DeletedFilter.ALL)

    def get_ordering(self, request):
        # Deleted reasons listed too: each at the position it had, among the live ones.
        if self._lists_deleted(request):
            return ["account", listed_position().asc(), "id"]
        return super().get_ordering(request)

    def get_changelist(self, request, **kwargs):
        return PositionChangeList

    def get_list_display(self, request):
        # The deleted mark, and when and by whom, only where deleted reasons are listed
        # (the filter's Yes or All).
        if self._lists_deleted(request):
            return [*self.list_display, "deleted_mark", "deleted_at", "deleted_by"]
        return self.list_display

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self._lists_deleted(request):
            return queryset
        # When and by whom a deleted reason was deleted: its history's latest record with
        # `deleted` set (a deleted reason cannot change until restored, so that record is
        # its delete). Two subqueries on the history's id index; nothing per row.
        deletes = StatusReason.history.filter(id=OuterRef("pk"), deleted=True).order_by(
            "-history_date", "-history_id"
        )
        return queryset.annotate(
            deleted_on=Case(
                When(deleted=True, then=Subquery(deletes.values("history_date")[:1])),
                default=None,
            ),
            deleted_by_name=Case(
                When(deleted=True, then=Subquery(deletes.values("history_user__username")[:1])),
                default=None,
            ),
            deleted_by_reason=Case(
                When(deleted=True, then=Subquery(deletes.values("history_change_reason")[:1])),
                default=None,
            ),
        )

    @admin.display(description=_("deleted at"), ordering="deleted_on")
    def deleted_at(self, obj):
        return getattr(obj, "deleted_on", None)

    @admin.display(description=_("deleted by"), ordering="deleted_by_name")
    def deleted_by(self, obj):
        if not obj.deleted:
            return None
        name = getattr(obj, "deleted_by_name", None)
        if name:
            return name
        command = command_of(getattr(obj, "deleted_by_reason", None))
        return gettext("command %(name)s") % {"name": command} if command else None

    @admin.display(description=_("deleted"), ordering="deleted")
    def deleted_mark(self, obj):
        if not obj.deleted:
            return None
        return format_html('<span class="reason-deleted">{}</span>', _("Deleted"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account":
            kwargs["queryset"] = account_list_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "order":
            # Empty: a new reason goes first, an existing one keeps its place (as the API).
            kwargs["required"] = False
            kwargs["help_text"] = _(
                "1 is the top of the account's list. Another number moves the reason there "
                "(past the end: last) and the others make room. Empty: a new reason goes "
                "first, an existing one keeps its place."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"order": None, **super().get_changeform_initial_data(request)}

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ReasonPositionForm, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=ReasonPositionFormSet, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_fields(self, request, obj=None):
        # A deleted reason has no position among the live ones: its page says where
        # Restore puts it back instead.
        if obj is not None and obj.deleted:
            return ["account", "text", "state", "enabled", "deletion"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["account", "deletion"] if obj else []

    @admin.display(description=_("deleted"))
    def deletion(self, obj):
        return format_html(
            "<strong>{}</strong> {}",
            _("Yes."),
            _(
                "LivePerson API clients no longer see it. Restore puts it back at position "
                "%(position)d."
            )
            % {"position": obj.order},
        )

    def has_change_permission(self, request, obj=None):
        # A deleted reason is shown read-only, with its Restore button (restore_view).
        if obj is not None and obj.deleted:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A deleted reason is not offered for deletion again.
        if obj is not None and obj.deleted:
            return False
        return super().has_delete_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The Restore button (submit_line.html) for a deleted reason, to who may change reasons.
        context["can_restore"] = bool(
            obj is not None and obj.deleted and self.has_change_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        batch = getattr(form, "position_batch", None)
        if batch is not None:  # a row of the list: its position moves with the others'
            batch.save_positions()
            request.reason_positions_saved = batch  # for the message (message_user)
            return
        # The position when the form changed it, or when reverting to a past version (its
        # position too); otherwise the reason keeps its place, wherever others moved it.
        order = obj.order if "order" in form.changed_data or self._reverting(request) else None
        fields = services.ReasonFields(
            text=obj.text, state=obj.state, enabled=obj.enabled, order=order
        )
        if change:
            written = services.reason_update(account=obj.account, reason_id=obj.pk, fields=fields)
        else:
            written = services.reason_create(account=obj.account, fields=fields)
            obj.pk = written.reasons[0].pk
        obj.order = written.reasons[0].order

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The list's save: Django's "N status reasons were changed" counts the rows typed
        # in; the batch counts every reason that moved.
        batch = getattr(request, "reason_positions_saved", None)
        if batch is not None and level == messages.SUCCESS:
            request.reason_positions_saved = None
            message = batch.saved_message()
            level = messages.SUCCESS if batch.moved else messages.INFO
        super().message_user(request, message, level, *args, **kwargs)

    def _reverting(self, request) -> bool:
        """Whether this save reverts the reason to a past version (simple_history's form)."""
        match, opts = request.resolver_match, self.opts
        return (
            bool(match) and match.url_name == f"{opts.app_label}_{opts.model_name}_simple_history"
        )

    def delete_model(self, request, obj):
        # Deleting a reason is a soft delete, as in LivePerson; "Restore" brings it back.
        services.reasons_set_flags(reasons=[obj], deleted=True)

    def delete_queryset(self, request, queryset):
        services.reasons_set_flags(reasons=list(queryset), deleted=True)

    def restore_view(self, request, object_id):
        """The Restore button of a deleted reason's page (POST): the reason is live again,
        at the position it had (services.reasons_set_flags)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        if not obj.deleted:
            self.message_user(
                request, _("“%(text)s” is not deleted.") % {"text": obj.text}, messages.INFO
            )
            return HttpResponseRedirect(change_url)
        try:
            services.reasons_set_flags(reasons=[obj], deleted=False)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(change_url)
        obj.refresh_from_db()
        self.log_change(request, obj, gettext("Restored."))
        self.message_user(
            request,
            _("The status reason “%(text)s” was restored, at position %(position)d.")
            % {"text": obj.text, "position": obj.order},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    def _set(self, request, queryset, done, **flags):
        try:
            count = services.reasons_set_flags(reasons=list(queryset), **flags)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Delete selected status reasons"), permissions=["delete"])
    def delete_selected(self, request, queryset):
        """A soft delete, after a confirmation page that says so (Django's own action
        would list the reasons' history rows as deleted too)."""
        if request.POST.get("post"):
            self._set(
                request,
                queryset,
                lambda n: ngettext("%(count)d reason deleted.", "%(count)d reasons deleted.", n),
                deleted=True,
            )
            return None
        reasons = list(queryset.select_related("account"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete the selected status reasons?"),
            "opts": self.opts,
            "queryset": queryset,
            "live": [reason for reason in reasons if not reason.deleted],
            "already_deleted": [reason for reason in reasons if reason.deleted],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delete_selected_confirmation_template, context)

    @admin.action(description=_("Enable selected reasons"), permissions=["change"])
    def enable(self, request, queryset):
        self._set(
            request,
            queryset,
            lambda n: ngettext("%(count)d reason enabled.", "%(count)d reasons enabled.", n),
            enabled=True,
        )

    @admin.action(description=_("Disable selected reasons"), permissions=["change"])
    def disable(self, request, queryset):
        self._set(
            request,
            queryset,
            lambda n: ngettext("%(count)d reason disabled.", "%(count)d reasons disabled.", n),
            enabled=False,
        )

    @admin.action(description=_("Restore selected reasons"), permissions=["change"])
    def restore(self, request, queryset):
        self._set(
            request,
            queryset,
            lambda n: ngettext("%(count)d reason restored.", "%(count)d reasons restored.", n),
            deleted=False,
        )


@admin.register(AccountBearer)
class AccountBearerAdmin(MemberAccountsOnly, SessionAdmin):
    """LivePerson sessions per account: see who is logged in, and revoke by deleting. A
    manager sees (and ends) the sessions of their own accounts only; the bulk delete
    selects from this same scoped list, so forged ids of other sessions match nothing."""

    list_display = ["user", "account", "created_at", "refreshed_at"]
    list_filter = [("account", MemberAccountFilter), "created_at"]
    search_fields = ["user__username", "account__id"]
    list_select_related = ["user", "account"]
    readonly_fields = ["user", "account", "created_at", "refreshed_at"]
    fields = readonly_fields

    def get_object(self, request, object_id, from_field=None):
        # Another account's session, or one that never existed: 404 alike on its change,
        # delete and history pages (not the admin's redirect to its index).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class AccountBearerInline(MemberAccountsOnly, CredentialInline):
    model = AccountBearer
    verbose_name = _("LivePerson bearer")
    verbose_name_plural = _("LivePerson bearers")

    def get_queryset(self, request):
        live = timezone.now() - services.session_ttl()
        return (
            super().get_queryset(request).filter(refreshed_at__gte=live).select_related("account")
        )

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        return when(credential.last_used_at) if credential.last_used_at else _("never")

    def expires_at(self, credential):
        return credential.refreshed_at + services.session_ttl()


PortalUserAdmin.add_credential_inline(AccountBearerInline)


class AccountApiKeyInline(MemberAccountsOnly, CredentialInline):
    """The LivePerson API keys that sign in as this user, on the user's page."""

    model = AccountApiKey
    fk_name = "user"
    fields = ["app_key", "client", "created_on", "last_used", "expires_on"]
    verbose_name = _("LivePerson API key")
    verbose_name_plural = _("LivePerson API keys (signing in as this user)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_active=True).select_related("account")

    def revoke(self, credential):
        services.api_key_revoke(key=credential)

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        return when(credential.last_used_at) if credential.last_used_at else _("never")

    def expires_at(self, credential):
        return None  # until it is deleted or deactivated

    @admin.display(description=_("expires"))
    def expires_on(self, credential):
        return _("never: until deleted or deactivated")


PortalUserAdmin.add_credential_inline(AccountApiKeyInline)


# --- LivePerson API keys --------------------------------------------------------------------


class AccountApiKeyAddForm(forms.ModelForm):
    """A new key: an account the manager works on, a member of it the key signs in as, its
    permission and what it is for. Its four values are made by the service, not typed."""

    actor = None  # set by AccountApiKeyAdmin.get_form

    class Meta:
        model = AccountApiKey
        fields = ["account", "user", "permission", "name"]

    def clean(self):
        cleaned = super().clean()
        account, user = cleaned.get("account"), cleaned.get("user")
        allowed = (
            account is None
            or user is None
            or services.api_key_issue_allowed(actor=self.actor, account=account, user=user)
        )
        if not allowed:
            raise forms.ValidationError(
                _(
                    "You may not make a key of %(account)s that signs in as %(user)s: the "
                    "user must be an active member of the account, and a key for another "
                    "user takes the permission to change users (for a superuser, a "
                    "superuser)."
                )
                % {"account": account.pk, "user": user},
                code="permission_denied",
            )
        return cleaned


@admin.register(AccountApiKey)
class AccountApiKeyAdmin(MemberAccountsOnly, admin.ModelAdmin):
    """LivePerson API keys per account. A manager makes and sees the keys of the accounts
    they are a member of; the four values are shown once, on the page that answers the
    add. A key is never edited but for its description and whether it is active; deleting
    or deactivating it ends it and its sessions at once."""

    list_display = [
        "__str__",
        "account",
        "user",
        "permission",
        "is_active",
        "app_key",
        "created_at",
        "last_used_at",
    ]
    list_filter = [("account", MemberAccountFilter), "permission", "is_active"]
    search_fields = ["name", "app_key", "access_token", "account__id", "user__username"]
    list_select_related = ["account", "user"]
    readonly_fields = [
        "account",
        "user",
        "permission",
        "app_key",
        "access_token",
        "created_by",
        "created_at",
        "last_used_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["account", "user", "permission", "name"]
        return ["name", "is_active", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AccountApiKeyAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        accounts = account_list_for(user=request.user)
        if db_field.name == "account":
            kwargs["queryset"] = accounts
        elif db_field.name == "user":
            # The members of the manager's accounts (every active user, to a superuser).
            users = get_user_model().objects.filter(is_active=True)
            if not request.user.is_superuser:
                users = users.filter(liveperson_accounts__in=accounts).distinct()
            kwargs["queryset"] = users.order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            if "is_active" in form.changed_data:
                services.api_key_set_active(key=obj, active=obj.is_active)
            if "name" in form.changed_data:
                obj.save(update_fields=["name"])
            return
        try:
            issued = services.api_key_issue(
                account=obj.account,
                user=obj.user,
                permission=obj.permission,
                name=obj.name,
                actor=request.user,
            )
        except DomainError:
            raise PermissionDenied from None
        obj.pk = issued.record.pk
        request._issued_liveperson_key = issued

    def response_add(self, request, obj, post_url_continue=None):
        issued = request._issued_liveperson_key
        context = {
            **self.admin_site.each_context(request),
            "title": _("New LivePerson API key"),
            "opts": self.opts,
            "key": issued.record,
            "issued": issued,
            "done_url": reverse("admin:reasons_accountapikey_changelist"),
        }
        # Not a message and not a redirect: the values go to this one response, which no
        # cache may keep.
        response = TemplateResponse(request, "admin/reasons/accountapikey/issued.html", context)
        add_never_cache_headers(response)
        return response

    def delete_model(self, request, obj):
        services.api_key_revoke(key=obj)

    def delete_queryset(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(key=key)
