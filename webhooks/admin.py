"""Webhook subscriptions and their delivery log in the admin.

A signing secret is shown once, in the reply to the POST that made it (a new subscription
or a rotation), as API keys are. Rotating asks first on a page of its own. The delivery log
lists every attempt and lets a manager send deliveries again.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from core.errors import DomainError
from webhooks import catalogue, selectors, services
from webhooks.models import Attempt, Delivery, Subscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Target URL"),
        max_length=2000,
        assume_scheme="https",
        # Wide enough for a whole URL (change_form.html's style): a target is checked by eye.
        widget=forms.URLInput(attrs={"class": "vURLField webhook-url"}),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=catalogue.event_type_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Every change of these kinds is sent to the target URL, of the objects the "
            "subscription's owner may view."
        ),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        help_text=_(
            "Only the events of objects in this scope (an account), one the owner may see; "
            "none for every scope the owner may see. Events of kinds without a scope are not "
            "filtered."
        ),
    )
    owner = None  # set by SubscriptionAdmin.get_form: the user the events are filtered for

    class Meta:
        model = Subscription
        fields = ["url", "description", "event_types", "scope", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "scope" in self.fields:
            scopes = catalogue.SCOPES.values()
            self.fields["scope"].label = ", ".join(str(s.label) for s in scopes) or _("Scope")
            self.fields["scope"].choices = [
                ("", _("All of the owner's")),
                *(
                    (value.pk, str(value))
                    for scope in scopes
                    if self.owner is not None
                    for value in scope.visible_for(self.owner)
                ),
            ]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if "url" in self.changed_data:
            try:
                services.check_target(url)
            except DomainError as exc:
                raise forms.ValidationError(exc.message, code="invalid") from None
        return url


class FailingFilter(admin.SimpleListFilter):
    title = _("health")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("failing", _("Failing")), ("paused", _("Paused")), ("ok", _("Working"))]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(failing_since__isnull=False)
        if self.value() == "paused":
            return queryset.filter(is_active=False)
        if self.value() == "ok":
            return queryset.filter(failing_since__isnull=True, is_active=True)
        return queryset


def show_secret(model_admin, request, subscription, secret, *, rotated):
    """The one page that shows a signing secret: never cached, never in a message."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Signing secret"),
        "opts": Subscription._meta,
        "subscription": subscription,
        "secret": secret,
        "rotated": rotated,
        "done_url": reverse("admin:webhooks_subscription_change", args=[subscription.pk]),
    }
    response = TemplateResponse(request, "admin/webhooks/subscription/secret.html", context)
    add_never_cache_headers(response)
    return response


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["__str__", "url", "is_active", "event_type_count", "health", "last_attempt"]
    list_filter = ["is_active", FailingFilter]
    search_fields = ["url", "description"]
    readonly_fields = ["owner", "health", "paused_reason", "created_at", "secret_rotation"]
    change_form_template = "admin/webhooks/subscription/change_form.html"

    def get_queryset(self, request):
        # A manager sees, edits, tests and resends only their own; a superuser all.
        return (
            selectors.subscription_list_for(user=request.user)
            .select_related("owner")
            .annotate(last_attempt_at=Max("deliveries__attempt_log__started_at"))
        )

    def get_list_display(self, request):
        if request.user.is_superuser:
            return [*self.list_display, "owner"]
        return self.list_display

    def get_readonly_fields(self, request, obj=None):
        # Only the owner may point a subscription elsewhere: its events are what the owner
        # may see (a superuser may still pause, rotate or delete another's).
        if obj is not None and obj.owner_id != request.user.pk:
            return ["url", *self.readonly_fields]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.owner = obj.owner if obj is not None else request.user
        return form

    def get_fieldsets(self, request, obj=None):
        main = ["url", "description", "event_types", "scope", "is_active"]
        if obj is None:
            return [(None, {"fields": main})]
        return [
            (None, {"fields": main}),
            (
                _("State"),
                {
                    "fields": [
                        "owner", "health", "paused_reason", "secret_rotation", "created_at"
                    ]
                },
            ),
        ]  # fmt: skip

    @admin.display(description=_("event types"))
    def event_type_count(self, obj):
        return len(obj.event_types)

    @admin.display(description=_("health"))
    def health(self, obj):
        if not obj.is_active:
            return obj.paused_reason or _("Paused")
        if obj.failing_since:
            return format_html(
                '<strong class="webhook-failing">{}</strong>',
                _("Failing since %(when)s")
                % {"when": obj.failing_since.strftime("%Y-%m-%d %H:%M")},
            )
        return _("Working")

    @admin.display(description=_("last attempt"), ordering="last_attempt_at")
    def last_attempt(self, obj):
        return obj.last_attempt_at

    @admin.display(description=_("previous secret"))
    def secret_rotation(self, obj):
        if obj.previous_secret_expires_at:
            return _("Still valid until %(when)s (requests carry both signatures)") % {
                "when": obj.previous_secret_expires_at.strftime("%Y-%m-%d %H:%M %Z")
            }
        return "-"

    # --- saving through the services --------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            services.subscription_update(
                subscription=obj,
                actor=request.user,
                url_changed="url" in form.changed_data,
                scope_changed="scope" in form.changed_data,
            )
        else:
            issued = services.subscription_create(
                owner=request.user,
                url=obj.url,
                description=obj.description,
                event_types=obj.event_types,
                scope=obj.scope,
                is_active=obj.is_active,
            )
            obj.pk = issued.subscription.pk
            request._webhook_secret = issued.secret

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_webhook_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return show_secret(self, request, obj, secret, rotated=False)

    # --- rotate, test, log ------------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/rotate-secret/",
                self.admin_site.admin_view(self.rotate_view),
                name="webhooks_subscription_rotate",
            ),
            path(
                "<int:object_id>/send-test/",
                self.admin_site.admin_view(self.send_test_view),
                name="webhooks_subscription_send_test",
            ),
        ]
        return own + super().get_urls()

    def _changeable(self, request, object_id):
        subscription = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, subscription):
            raise PermissionDenied
        return subscription

    def rotate_view(self, request, object_id):
        subscription = self._changeable(request, object_id)
        if request.method == "POST":
            issued = services.secret_rotate(subscription=subscription)
            return show_secret(self, request, issued.subscription, issued.secret, rotated=True)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rotate the signing secret?"),
            "opts": Subscription._meta,
            "subscription": subscription,
        }
        return TemplateResponse(request, "admin/webhooks/subscription/rotate_confirm.html", context)

    def send_test_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        subscription = self._changeable(request, object_id)
        services.send_test_event(subscription=subscription)
        self.message_user(
            request,
            _("A test event is on its way; its attempts appear in the delivery log."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:webhooks_delivery_changelist") + f"?subscription__id__exact={object_id}"
        )


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = [
        "number",
        "started_at",
        "status_code",
        "latency_ms",
        "error",
        "response_excerpt",
        "next_retry_at",
    ]
    readonly_fields = fields
    ordering = ["number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: one row per event and subscription, with its attempts."""

    list_display = [
        "event_type",
        "created_at",
        "subscription",
        "state",
        "attempts",
        "last_status",
        "last_latency",
        "next_attempt",
    ]
    list_filter = ["state", ("subscription", admin.RelatedOnlyFieldListFilter), "event__type"]
    search_fields = ["event__type", "event__object_key", "subscription__url"]
    list_select_related = ["event", "subscription"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    inlines = [AttemptInline]
    fields = [
        "event_type",
        "webhook_id",
        "subscription",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "finished_at",
        "body",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        last = Attempt.objects.filter(delivery=OuterRef("pk")).order_by("-number")
        # Only what the user may read: their own subscriptions' deliveries of objects they
        # may view (a delivery's body is the object, its attempts quote the target).
        return selectors.delivery_list_for(user=request.user).annotate(
            last_status_code=Subquery(last.values("status_code")[:1]),
            last_latency_ms=Subquery(last.values("latency_ms")[:1]),
            last_error=Subquery(last.values("error")[:1]),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing of a delivery is edited; resending is its own permission-checked action.
        return False

    @admin.display(description=_("event"), ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description=_("webhook-id"))
    def webhook_id(self, obj):
        return obj.event.webhook_id

    @admin.display(description=_("body"))
    def body(self, obj):
        return format_html("<pre class='webhook-body'>{}</pre>", obj.event.body)

    @admin.display(description=_("HTTP status"), ordering="last_status_code")
    def last_status(self, obj):
        if obj.last_status_code is None:
            return obj.last_error or "-"
        return obj.last_status_code

    @admin.display(description=_("latency (ms)"))
    def last_latency(self, obj):
        return obj.last_latency_ms if obj.last_latency_ms is not None else "-"

    @admin.display(description=_("next attempt"), ordering="next_attempt_at")
    def next_attempt(self, obj):
        return obj.next_attempt_at if obj.state == Delivery.State.PENDING else "-"

    @admin.action(description=_("Send the selected deliveries again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = services.delivery_resend(deliveries=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again, with the same webhook-id.",
                "%(count)d deliveries will be sent again, with the same webhook-id.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_resend_permission(self, request):
        return request.user.has_perm("webhooks.change_subscription")


# django-tasks-db's raw task rows are the queue's internals: managers follow deliveries in
# the delivery log above, not in a list of task results.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
