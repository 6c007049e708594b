"""Admin screens for the community: categories, tags, media, members and post moderation.

OAuth applications and tokens are in django-oauth-toolkit's own admin.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community import services
from community.models import Category, Media, MemberProfile, Status, Tag
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


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    """Moderation of status posts: search, filter and soft-delete, restore, collapse or expand.

    A post's content is its author's: the admin shows it read-only (no Save buttons) and
    changes only its moderation flags, through the actions, from the list or from the
    buttons on the post's own page.
    """

    list_display = ["id", "author", "summary", "added_at", "deleted", "collapsed"]
    list_filter = ["deleted", "collapsed", "categories"]
    search_fields = ["plain_text", "action", "author__username"]
    list_select_related = ["author"]
    date_hierarchy = "added_at"
    actions = ["soft_delete", "restore", "collapse", "expand"]
    change_form_template = "admin/community/status/change_form.html"
    readonly_fields = [
        "author",
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
    ]

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
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "moderation": moderation}
        )

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
        return self._apply(
            request,
            queryset,
            services.status_delete,
            lambda n: ngettext("%d post deleted.", "%d posts deleted.", n) % n,
            _("Deleted (soft)."),
        )

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
