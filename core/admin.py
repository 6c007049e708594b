"""Admin helpers shared by the apps."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import BINARY_FORMATS
from import_export.forms import ImportForm
from import_export.tmp_storages import CacheStorage
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from core.errors import DomainError
from core.history import REQUEST_REASON


def admin_url(opts, view):
    """The URL of one of the admin's standard views (`changelist`, `import`) for a model."""
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")


class ServiceBackedAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose saves go through services, with change history and revert.

    The form already checks fields and constraints; a DomainError raised by a service
    (a protected object, a name taken by a concurrent request) becomes an error message
    instead of a 500. Reverting to a historical version uses the same form and
    `save_model`, so it is held to the same rules as any other change.
    """

    def _refused(self, request, exc):
        self.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        # list_editable saves go through save_model, and so through the services.
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def _refuse_out_of_scope(self, request, object_id):
        """404 for an object that exists but lies outside what this manager may see (another
        account's reason): its history is as private as the object itself."""
        pk = unquote(object_id)
        try:
            exists = self.model._default_manager.filter(pk=pk).exists()
        except (ValueError, ValidationError):  # not even an id of this model
            raise Http404 from None
        if exists and not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404
        return exists

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_out_of_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The form of one past version. Viewing it needs the view permission; reverting
        (POST) needs the change permission, as any other change does."""
        exists = self._refuse_out_of_scope(request, object_id)
        try:  # simple_history looks `version_id` up as it comes: "abc" was a ValueError
            version_id = get_history_model_for_model(self.model)._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None
        if request.method == "POST":
            if not exists:
                self.message_user(
                    request,
                    _(
                        "This %(name)s has been deleted, so it cannot be reverted; "
                        "add it again instead."
                    )
                    % {"name": self.opts.verbose_name},
                    messages.ERROR,
                )
                return HttpResponseRedirect(admin_url(self.opts, "changelist"))
            current = self.get_queryset(request).get(pk=unquote(object_id))
            if not self.has_change_permission(request, current):
                raise PermissionDenied
            self._record_revert(request, version_id)
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def _record_revert(self, request, version_id):
        """Every change this revert saves is recorded as "Reverted to <date> version", the
        date as the history page shows it (core.history.request_reason)."""
        history_model = get_history_model_for_model(self.model)
        date = history_model.objects.filter(pk=version_id).values_list("history_date", flat=True)
        date = date.first()
        if date is not None:
            shown = formats.date_format(timezone.localtime(date), "DATETIME_FORMAT")
            setattr(request, REQUEST_REASON, _("Reverted to %(date)s version") % {"date": shown})


# --- imports and exports ------------------------------------------------------------------


class PendingImportStorage(CacheStorage):
    """import-export's cache storage for a previewed file, kept `IMPORT_PENDING_SECONDS`.

    Nothing is written to the server's temp folder, and the key is a random name made by
    the server; `PortalImportExportMixin` only accepts it back from the user it was issued
    to, for the same model.
    """

    @property
    def CACHE_LIFETIME(self):
        return settings.IMPORT_PENDING_SECONDS


class BoundedImportForm(ImportForm):
    """The upload form, refusing files over `IMPORT_MAX_BYTES` before they are read."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(limit)s bytes; split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_BYTES},
                code="too_large",
            )
        return upload


class PortalImportExportMixin(ImportExportMixin):
    """django-import-export for the portal's admins, held to the model permissions.

    - Importing needs the add and change permissions; exporting needs view.
    - The preview stores the file under a server-chosen name, recorded in the manager's
      session; the confirm step accepts only that name, for that model, once.
    - The confirm step imports the whole file again in one transaction: any invalid row
      (one that became invalid since the preview, say) rolls everything back and the
      errors are shown; nothing is half-written.
    - Files over `IMPORT_MAX_BYTES` or with more than `IMPORT_MAX_ROWS` rows are refused.
    - A format with `native_types` (JSON) exports JSON's own booleans and numbers.
    """

    tmp_storage_class = PendingImportStorage
    import_form_class = BoundedImportForm
    SESSION_KEY = "pending_imports"

    def has_import_permission(self, request):
        opts = self.opts
        return request.user.has_perms(
            [
                f"{opts.app_label}.{get_permission_codename(action, opts)}"
                for action in ("add", "change")
            ]
        )

    def has_export_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}")

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # import-export's own, with native values for the formats that have types of their
        # own (it asks for them only for the spreadsheet formats).
        if not self.has_export_permission(request):
            raise PermissionDenied
        native = type(file_format) in BINARY_FORMATS or getattr(file_format, "native_types", False)
        data = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data

    def _pending(self, request):
        return request.session.setdefault(self.SESSION_KEY, {})

    def _pending_key(self):
        return self.opts.label_lower

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        upload = getattr(context.get("form"), "cleaned_data", {}).get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name and context.get("confirm_form") is not None:
            self._pending(request)[self._pending_key()] = name
            request.session.modified = True
        elif name:
            self.get_tmp_storage_class()(name=name).remove()  # a refused preview keeps nothing
        return response

    def get_import_data_kwargs(self, **kwargs):
        # Any invalid row rolls the whole import back, at the preview and at the confirm.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        issued = self._pending(request).pop(self._pending_key(), None)
        request.session.modified = True
        if not issued or request.POST.get("import_file_name") != issued:
            self.message_user(
                request,
                _("This import is not waiting for confirmation; upload the file again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(admin_url(self.opts, "import"))
        try:
            return super().process_import(request, **kwargs)
        finally:
            self.get_tmp_storage_class()(name=issued).remove()

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            context = {
                **self.admin_site.each_context(request),
                **self.get_import_context_data(),
                "title": _("Import"),
                "opts": self.opts,
                "result": result,
                "form": self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                "import_error_display": self.import_error_display,
            }
            self.message_user(
                request,
                _("Nothing was imported: the file has errors now (see below)."),
                messages.ERROR,
            )
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)
