"""Admin screens for the community: categories, tags, media, members and post moderation.

OAuth applications and tokens are in django-oauth-toolkit's own admin.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from community import sanitize, services, social
from community.models import (
    Category,
    FlagModeration,
    FlagType,
    Media,
    MemberProfile,
    Status,
    StatusFlag,
    Tag,
)
from community.resources import CategoryResource
from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from core.errors import DomainError

M2M_FIELDS = {"parents", "tags"}


@admin.register(Category)
class CategoryAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    resource_classes = [CategoryResource]
    list_display = ["name", "order", "active", "content_only_staff", "slug", "lastmod_datetime"]
    list_editable = ["order", "active"]
    list_filter = ["active", "content_only_staff"]
    search_fields = ["name", "slug", "slogan"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["parents", "tags"]
    fields = [
        "name",
        "slug",
        "slogan",
        "order",
        "active",
        "content_only_staff",
        "parents",
        "tags",
        "name_synonyms",
        "html_info",
        "seo_title",
        "seo_description",
        "auto_follow",
        "stream_order_by",
    ]

    def save_model(self, request, obj, form, change):
        # The service saves the category with its parents and tags (refusing parent
        # cycles); `obj` already carries the form's values, including list_editable ones.
        data = form.cleaned_data
        fields = {name: getattr(obj, name) for name in self.fields if name not in M2M_FIELDS}
        services.category_save(
            category=obj,
            parents=[c.pk for c in data["parents"]] if "parents" in data else None,
            tags=[t.pk for t in data["tags"]] if "tags" in data else None,
            **fields,
        )

    def save_related(self, request, form, formsets, change):
        # Parents and tags were saved by the service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Tag)
class TagAdmin(ServiceBackedAdmin):
    list_display = ["name", "type", "active", "visible", "color", "created_at"]
    list_filter = ["type", "active", "visible"]
    search_fields = ["name", "description"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {k: data[k] for k in ["description", "color", "visible", "active"]}
        saved = services.tag_save(
            tag=obj if change else None, name=data["name"], type=data["type"], **fields
        )
        obj.pk, obj.created_at = saved.pk, saved.created_at


class MediaForm(forms.ModelForm):
    """The media form; an uploaded image is checked by the same service rule as the API's."""

    url = forms.URLField(label=_("URL"), max_length=2000, required=False, assume_scheme="https")
    # Not Django's ImageField form field: its check trusts the file name's extension. What
    # the file is comes from decoding it, in the service, as for the API.
    image = forms.FileField(label=_("image"), required=False)

    class Meta:
        model = Media
        fields = ["owner", "type", "title", "description", "url", "image", "order"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            try:
                services.image_checked(image)
            except DomainError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from None
        return image


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    form = MediaForm
    list_display = ["id", "type", "title", "owner", "added_at"]
    list_filter = ["type"]
    search_fields = ["title", "url", "owner__username"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["image_width", "image_height", "added_at"]

    def save_model(self, request, obj, form, change):
        services.media_save(media=obj)


@admin.register(MemberProfile)
class MemberProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "ext_id", "location"]
    search_fields = ["user__username", "ext_id"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


def awaiting_moderation(queryset):
    """The posts of `queryset` in the moderation queue: live, with at least one flag no
    moderator has decided about yet."""
    pending = StatusFlag.objects.filter(status=OuterRef("pk"), moderation=FlagModeration.PENDING)
    return queryset.filter(Exists(pending), deleted=False)


class FlaggedFilter(admin.SimpleListFilter):
    """Posts with flags, or without; the moderation queue: flagged posts awaiting a
    decision. Flagged lists are sorted most flagged first (StatusChangeList)."""

    title = _("flags")
    parameter_name = "flagged"
    QUEUE = "queue"
    SORTED_BY_FLAGS = {"yes", QUEUE}

    def lookups(self, request, model_admin):
        return [
            (self.QUEUE, _("Awaiting a decision")),
            ("yes", _("Flagged")),
            ("no", _("Not flagged")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.QUEUE:
            return awaiting_moderation(queryset)
        if self.value() == "yes":
            return queryset.filter(flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(flag_count=0)
        return queryset


class StatusChangeList(ChangeList):
    """The posts list, with each listed post's flags counted by type in one query. A
    flagged list (the moderation queue among them) puts the most flagged first, unless a
    column header asks otherwise (the headers show that order)."""

    FLAG_ORDERING = ["-flag_count", "-added_at", "-id"]

    def __init__(self, request, *args, **kwargs):
        flagged = request.GET.get(FlaggedFilter.parameter_name)
        self.sorted_by_flags = flagged in FlaggedFilter.SORTED_BY_FLAGS
        super().__init__(request, *args, **kwargs)

    def _get_default_ordering(self):
        return self.FLAG_ORDERING if self.sorted_by_flags else super()._get_default_ordering()

    def get_results(self, request):
        super().get_results(request)
        posts = {post.pk: post for post in self.result_list}
        for post in posts.values():
            post.flags_by_type = {}
        if not posts:
            return
        counts = (
            StatusFlag.objects.filter(status_id__in=list(posts))
            .values_list("status_id", "flag_type")
            .annotate(count=Count("id"))
            .order_by("status_id", "flag_type")
        )
        for status_id, flag_type, count in counts:
            posts[status_id].flags_by_type[flag_type] = count


class SoftDeleteReasonForm(forms.Form):
    """The reason a moderator gives for a soft delete (the post's admin History keeps it)."""

    MAX_LENGTH = 500

    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Why the post is deleted, for the other moderators: it is kept in the post's "
            "History and shown on its page."
        ),
    )


class StatusFlagInline(admin.TabularInline):
    """The flags of a post, on its page: read-only (the flags admin moderates them)."""

    model = StatusFlag
    fk_name = "status"
    extra = 0
    can_delete = False
    fields = ["user", "flag_type", "added_at", "moderation", "moderated_at", "moderated_by"]
    readonly_fields = fields
    ordering = ["-added_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    """Moderation of status posts: search, filter and soft-delete, restore, collapse or expand.

    A post's content is its author's: the admin shows it read-only (no Save buttons) and
    changes only its moderation flags, through the actions, from the list or from the
    buttons on the post's own page.
    """

    list_display = [
        "id",
        "author",
        "summary",
        "added_at",
        "deleted",
        "collapsed",
        "flag_count",
        "flag_types",
    ]
    list_filter = ["deleted", "collapsed", FlaggedFilter, "categories"]
    inlines = [StatusFlagInline]
    search_fields = ["plain_text", "action", "author__username"]
    list_select_related = ["author"]
    date_hierarchy = "added_at"
    actions = ["soft_delete", "restore", "collapse", "expand"]
    change_form_template = "admin/community/status/change_form.html"
    soft_delete_confirmation_template = "admin/community/status/soft_delete_confirmation.html"
    # The post as its readers see it first; its stored markup and the rest folded below.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "author",
                    "preview",
                    "action",
                    "categories",
                    "tags",
                    "addressing",
                    "added_at",
                    "last_edited_at",
                    "deleted",
                    "collapsed",
                ]
            },
        ),
        (
            _("Counts"),
            {
                "fields": [
                    "flag_count",
                    "comment_count",
                    "view_count",
                    "vote_count",
                    "share_count",
                    "follower_count",
                ]
            },
        ),
        (
            _("Stored markup and details"),
            {
                "classes": ["collapse"],
                "fields": [
                    "html",
                    "summary",
                    "slug",
                    "medias",
                    "location",
                    "location_lat",
                    "location_lng",
                    "last_activity_at",
                ],
            },
        ),
    ]
    readonly_fields = [
        "author",
        "preview",
        "action",
        "html",
        "summary",
        "slug",
        "categories",
        "medias",
        "addressing",
        "tags",
        "location",
        "location_lat",
        "location_lng",
        "added_at",
        "last_activity_at",
        "last_edited_at",
        "deleted",
        "collapsed",
        "comment_count",
        "view_count",
        "vote_count",
        "flag_count",
        "share_count",
        "follower_count",
    ]

    class Media:
        css = {"all": ["community/moderation.css"]}

    def get_changelist(self, request, **kwargs):
        return StatusChangeList

    @admin.display(description=_("flag types"))
    def flag_types(self, post):
        counts = getattr(post, "flags_by_type", None) or {}
        labels = [(FlagType(flag_type).label, count) for flag_type, count in sorted(counts.items())]
        return ", ".join(
            f"{label} ({count})" if count > 1 else str(label) for label, count in labels
        )

    @admin.display(description=_("preview"))
    def preview(self, post):
        """The post rendered as its readers see it, sanitised again (never the stored markup
        as it is), with the images attached to it; images of other sites are named, not
        loaded."""
        origins = [settings.MEDIA_URL] if "//" in settings.MEDIA_URL else []
        rendered = sanitize.preview(post.html, image_origins=origins)
        images = [
            media for media in post.medias.all() if media.type == Media.Type.IMAGE and media.image
        ]
        return render_to_string(
            "admin/community/status/preview.html",
            {
                # Sanitised by nh3 just above: the allowlist has no script, style or event
                # attribute, and links get rel=noopener.
                "html": mark_safe(rendered.html),  # noqa: S308
                "other_sites_images": rendered.other_sites_images,
                "images": images,
            },
        )

    def has_add_permission(self, request):
        # Posts are written by members through the API; the admin moderates them.
        return False

    def has_change_permission(self, request, obj=None):
        # The change permission allows the moderation actions (asked with obj=None); a post
        # itself is never edited here, so its page is Django's read-only view.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Deleting is soft (the action below), so a moderator can always restore a post.
        return False

    # The buttons a post's page offers: (action, label, whether it applies to the post).
    POST_PAGE_ACTIONS = [
        ("soft_delete", _("Delete this post (soft)"), lambda post: not post.deleted),
        ("restore", _("Restore this post"), lambda post: post.deleted),
        ("collapse", _("Collapse this post"), lambda post: not post.collapsed),
        ("expand", _("Expand this post"), lambda post: post.collapsed),
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = self.get_object(request, object_id)
        allowed = self.get_actions(request)
        moderation = [
            (name, label)
            for name, label, applies in self.POST_PAGE_ACTIONS
            if post is not None and name in allowed and applies(post)
        ]
        context = {
            **(extra_context or {}),
            "moderation": moderation,
            "deletion": self.last_soft_delete(post) if post is not None and post.deleted else None,
        }
        return super().change_view(request, object_id, form_url, context)

    def deletion_logged(self, reason):
        return gettext("Deleted (soft). Reason: %(reason)s") % {"reason": reason}

    def last_soft_delete(self, post):
        """The admin History's record of the post's latest soft delete with a reason (who,
        when, why), or None. The reason follows the logged prefix."""
        prefix = self.deletion_logged("")
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Status),
                object_id=str(post.pk),
                action_flag=CHANGE,
                change_message__startswith=prefix,
            )
            .select_related("user")
            .order_by("-action_time", "-id")
            .first()
        )
        if entry is None:
            return None
        return {
            "at": entry.action_time,
            "by": entry.user,
            "reason": entry.change_message[len(prefix) :],
        }

    def _apply(self, request, queryset, service, done_message, logged, **kwargs):
        """Run a moderation service on each selected post, recording it in the post's admin
        History (`logged`)."""
        done = []
        for status in queryset:
            service(status=status, actor=request.user, **kwargs)
            self.log_change(request, status, str(logged))
            done.append(status)
        self.message_user(request, done_message(len(done)), messages.SUCCESS)
        if "_from_post_page" in request.POST and len(done) == 1:
            # Sent by a button on the post's own page: back to that page.
            return HttpResponseRedirect(reverse("admin:community_status_change", args=[done[0].pk]))
        return None

    @admin.action(description=_("Delete selected posts (soft)"), permissions=["change"])
    def soft_delete(self, request, queryset):
        """Asks a reason first (a confirmation page); the confirmed delete records it in
        each post's History and decides the post's pending flags as deleted."""
        form = SoftDeleteReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            return self._apply(
                request,
                queryset,
                self._soft_delete_one,
                lambda n: ngettext("%d post deleted.", "%d posts deleted.", n) % n,
                self.deletion_logged(form.cleaned_data["reason"]),
            )
        if form.is_bound:
            self.message_user(
                request,
                gettext("Say why the post is deleted: a reason is required."),
                messages.ERROR,
            )
        posts = list(queryset)
        context = {
            **self.admin_site.each_context(request),
            "title": ngettext("Delete this post?", "Delete these %(count)d posts?", len(posts))
            % {"count": len(posts)},
            "opts": self.opts,
            "posts": posts,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "from_post_page": "_from_post_page" in request.POST,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.soft_delete_confirmation_template, context)

    @staticmethod
    def _soft_delete_one(*, status, actor):
        pending = list(status.flags.filter(moderation=FlagModeration.PENDING))
        if pending:
            # A flagged post deleted here is the moderators' decision about its flags.
            social.flags_moderate(flags=pending, decision=FlagModeration.DELETED, actor=actor)
        else:
            services.status_delete(status=status, actor=actor)

    @admin.action(description=_("Restore selected posts"), permissions=["change"])
    def restore(self, request, queryset):
        return self._apply(
            request,
            queryset,
            services.status_restore,
            lambda n: ngettext("%d post restored.", "%d posts restored.", n) % n,
            _("Restored."),
        )

    @admin.action(description=_("Collapse selected posts"), permissions=["change"])
    def collapse(self, request, queryset):
        return self._apply(
            request,
            queryset,
            services.status_collapse,
            lambda n: ngettext("%d post collapsed.", "%d posts collapsed.", n) % n,
            _("Collapsed."),
        )

    @admin.action(description=_("Expand selected posts"), permissions=["change"])
    def expand(self, request, queryset):
        return self._apply(
            request,
            queryset,
            services.status_collapse,
            lambda n: ngettext("%d post expanded.", "%d posts expanded.", n) % n,
            _("Expanded."),
            collapsed=False,
        )


@admin.register(StatusFlag)
class StatusFlagAdmin(admin.ModelAdmin):
    """Moderation of the flags members put on posts: filter by reason and by decision, and
    decide about the flagged posts (ignore, hide, delete; `social.flags_moderate`).

    A decision is about a post: every flag of it records the decision, with when and by
    whom. Flags themselves are the members': never added, edited or deleted here.
    """

    list_display = [
        "id",
        "status_link",
        "user",
        "flag_type",
        "added_at",
        "moderation",
        "moderated_at",
        "moderated_by",
    ]
    list_filter = ["flag_type", "moderation", "added_at"]
    search_fields = ["status__plain_text", "status__action", "user__username"]
    list_select_related = ["status", "user", "moderated_by"]
    date_hierarchy = "added_at"
    actions = ["ignore", "hide", "delete_posts"]
    readonly_fields = [
        "status",
        "user",
        "flag_type",
        "added_at",
        "moderation",
        "moderated_at",
        "moderated_by",
    ]

    @admin.display(description=_("status post"), ordering="status")
    def status_link(self, flag):
        url = reverse("admin:community_status_change", args=[flag.status_id])
        return format_html('<a href="{}">{}</a>', url, flag.status)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # As for posts: the change permission allows the decisions (asked with obj=None);
        # a flag's own page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # A flag leaves only when its member takes it back (the post's flag_count follows).
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deciding also collapses or deletes posts: the post moderation permission too.
        if not request.user.has_perm("community.change_status"):
            for name in ("hide", "delete_posts"):
                actions.pop(name, None)
        return actions

    def _decide(self, request, queryset, decision, done_message, logged):
        posts = social.flags_moderate(flags=list(queryset), decision=decision, actor=request.user)
        for post in posts:
            self.log_change(request, post, str(logged))
        self.message_user(request, done_message(len(posts)), messages.SUCCESS)

    @admin.action(description=_("Ignore the flags (keep the posts)"), permissions=["change"])
    def ignore(self, request, queryset):
        self._decide(
            request,
            queryset,
            FlagModeration.IGNORED,
            lambda n: ngettext("Flags of %d post ignored.", "Flags of %d posts ignored.", n) % n,
            _("Flags ignored."),
        )

    @admin.action(description=_("Hide the flagged posts (collapse)"), permissions=["change"])
    def hide(self, request, queryset):
        self._decide(
            request,
            queryset,
            FlagModeration.HIDDEN,
            lambda n: ngettext("%d flagged post hidden.", "%d flagged posts hidden.", n) % n,
            _("Hidden after flags."),
        )

    @admin.action(description=_("Delete the flagged posts (soft)"), permissions=["change"])
    def delete_posts(self, request, queryset):
        self._decide(
            request,
            queryset,
            FlagModeration.DELETED,
            lambda n: ngettext("%d flagged post deleted.", "%d flagged posts deleted.", n) % n,
            _("Deleted after flags."),
        )
