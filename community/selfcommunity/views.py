"""SelfCommunity-compatible endpoints: status posts, categories, tags and media."""

import hashlib

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from access.authentication import ActiveUserOAuth2Authentication
from access.permissions import OAuthScopeForMethod
from community import selectors, services, social, taxonomy
from community.models import Category, Tag
from community.selfcommunity import replies
from community.selfcommunity import schema as openapi_extensions  # noqa: F401  on import
from community.selfcommunity import serializers as sc
from community.selfcommunity.errors import ERRORS
from community.selfcommunity.permissions import MemberOrAnonymousRead, ModelPermissions
from community.selfcommunity.throttling import WriteRateThrottle
from core import cache as generations
from core.api import SurfaceView
from core.parsers import StrictJSONParser

# The one OpenAPI tag of every SelfCommunity operation (config/surfaces.py orders the tags).
TAG = "SelfCommunity"


COUNT_DESCRIPTION = (
    "How many items match. Exact up to 10,000; past that, an estimate (PostgreSQL's planner "
    "estimate), never below 10,001 nor below the items up to the end of this page. "
    "`next` is null exactly on the last page, whatever `count` says."
)


class StatusPagination(LimitOffsetPagination):
    """`limit` and `offset`, replying `{"count","next","previous","results"}`.

    A page reads `limit + 1` rows: `next` is there when the extra row is. `count` counts
    at most `selectors.count_cap()` + 1 rows (never a `COUNT(*)` over a whole large
    table): exact up to the cap, an estimate past it (see COUNT_DESCRIPTION). A page that
    ends before `limit` rows tells the count itself, with no count query.
    """

    default_limit = 20
    max_limit = 100

    # Set by a view before it pages: `rows(window)` turns the sliced queryset into the rows
    # of the page (None: the window's own rows); `count_key`, the shared cache's key (per
    # caller and filter, not per page) under which the count is kept while
    # `count_generations` are current (None: counted every time).
    rows = None
    count_key = None
    count_generations = ()

    # An offset past any table but within a 64-bit SQL integer (with the limit added): a
    # larger one is an empty page, not a database error.
    max_offset = 2**62

    def get_offset(self, request):
        return min(super().get_offset(request), self.max_offset)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        window = queryset[self.offset : self.offset + self.limit + 1]
        rows = list(window if self.rows is None else self.rows(window))
        self.has_next = len(rows) > self.limit
        rows = rows[: self.limit]
        if rows and not self.has_next:
            self.count = self.offset + len(rows)
        elif not rows and self.offset == 0:
            self.count = 0
        else:
            counted = getattr(self, "count_queryset", None)
            counted = queryset if counted is None else counted
            self.count = self._count(counted, seen=self.offset + len(rows) + self.has_next)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows

    def _count(self, queryset, *, seen):
        """Exact up to the cap; past it the planner's estimate, at least cap + 1 and at least
        `seen`, the rows up to the end of this page (and the one after it). From the shared
        cache while `count_generations` are current, when the view set a `count_key`: every
        page of one list or search shares it, so only the first page asked after a write
        counts (COMMUNITY_COUNT_CACHE_SECONDS; 0 counts every time)."""
        cap = selectors.count_cap()

        def count():
            counted, capped = selectors.count_capped(queryset, cap=cap)
            if capped:
                counted = max(counted, selectors.estimate(queryset) or 0)
            return counted, capped

        seconds = settings.COMMUNITY_COUNT_CACHE_SECONDS
        if self.count_key is None or seconds <= 0:
            counted, capped = count()
        else:
            counted, capped = generations.remember(
                self.count_key, self.count_generations, count, timeout=seconds
            )
        return max(counted, seen) if capped else counted

    def get_next_link(self):
        if not self.has_next:
            return None
        url = replace_query_param(self.request.build_absolute_uri(), "limit", self.limit)
        return replace_query_param(url, "offset", self.offset + self.limit)

    def get_paginated_response_schema(self, schema):
        reply = super().get_paginated_response_schema(schema)
        reply["properties"]["count"]["description"] = COUNT_DESCRIPTION
        return reply

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit, "example": 20},
            self.offset_query_param: {"minimum": 0, "example": 0},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class SelfCommunityView(SurfaceView):
    """Base of the SelfCommunity surface: OAuth2 bearers, paging, the write rate limit and
    the `errors` body.

    Every route needs a signed-in caller, except the reads of a view that sets
    `anonymous_read = True` while COMMUNITY_ANONYMOUS_READS is on (permissions.py)."""

    errors = ERRORS
    authentication_classes = [ActiveUserOAuth2Authentication, SessionAuthentication]
    permission_classes = [MemberOrAnonymousRead, OAuthScopeForMethod]
    # Whether GET (and HEAD, OPTIONS) answer an anonymous caller when the setting is on.
    anonymous_read = False
    parser_classes = [StrictJSONParser]
    pagination_class = StatusPagination
    throttle_classes = [WriteRateThrottle]

    def page(self, queryset, serializer_class):
        """One page of `queryset` in the paginated reply."""
        items = self.paginate_queryset(queryset)
        data = serializer_class(items, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


def reply(serializer_class, instance, view, status=200):
    return Response(
        serializer_class(instance, context=view.get_serializer_context()).data, status=status
    )


# --- status posts --------------------------------------------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter(
        "ordering",
        str,
        enum=list(services.STATUS_ORDERINGS),
        description="Default `-added_at`.",
    ),
]


class StatusView(SelfCommunityView):
    """Base of the status routes."""

    serializer_class = sc.SCStatusSerializer

    def get_queryset(self):
        return services.status_list()

    def status_page(self, statuses, *, count_key=None, windowed=False):
        """One page of `statuses` in the paginated reply, built from values
        (`replies.status_reply`), not through SCStatusSerializer. Every page of posts comes
        here: the caller's hidden posts are left out and its marks are in each post.

        `count_key` (`count_key()`): the count is kept in the shared cache
        under it while the status lists' generation is current. `windowed`: the page's
        posts are chosen on the statuses table alone, then joined (`statuses` must be
        ordered by their own fields; `selectors.status_window_rows`)."""
        viewer = self.request.user
        statuses = social.without_hidden(statuses, viewer=viewer)
        # Counted as `statuses` (no joins, no columns), paged as values.
        paginator = self.paginator
        paginator.count_queryset = statuses
        if count_key is not None:
            paginator.count_key = count_key
            paginator.count_generations = (services.STATUS_LISTS,)
        if windowed:
            paginator.rows = selectors.status_window_rows
            rows = self.paginate_queryset(statuses)
        else:
            rows = self.paginate_queryset(selectors.status_values(statuses))
        page = selectors.status_page(rows, viewer=viewer)
        shared = {}  # each category's and author's reply made once for the page
        data = [replies.status_reply(s, self.request, page=shared) for s in page]
        return self.get_paginated_response(data)

    def credential_digest(self):
        # A page shows the caller's marks and leaves out what the caller hid: a cached page
        # (or count) is the credential's own (an anonymous caller sends none: one shared
        # entry). Read before authentication, from the headers: the entry is only used once
        # the same credential has been accepted.
        credential = "|".join(
            [
                self.request.META.get("HTTP_AUTHORIZATION", ""),
                self.request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
            ]
        )
        return hashlib.sha256(credential.encode()).hexdigest()

    def reply_key(self):
        return f"{super().reply_key()}:{self.credential_digest()}"

    # Whether the view's count is kept in the shared cache (count_key), and whether its
    # posts are filtered by the `search` parameter (then part of the key).
    keeps_count = False
    searches = False

    def count_key(self):
        """The shared cache's key of the count of this list or search: per credential (the
        posts its caller hid are not counted), search text (as sent) and count cap, for
        every page and ordering. Made from the request alone, so that the credential's
        round trip reads it too (`read_ahead_keys`)."""
        search = self.request.GET.get("search", "") if self.searches else None
        what = hashlib.sha256(repr((search, selectors.count_cap())).encode()).hexdigest()
        return f"status-count:{self.request.path}:{what}:{self.credential_digest()}"

    def read_ahead_keys(self):
        keys = super().read_ahead_keys()
        return [*keys, self.count_key()] if self.keeps_count else keys


class StatusListView(StatusView):
    """List or publish status posts."""

    anonymous_read = True
    keeps_count = True

    # What a page of posts shows (community/apps.py); the search's replies are cached too.
    reply_generations = (services.STATUS_LISTS,)

    @extend_schema(
        tags=[TAG],
        summary="List status posts",
        operation_id="statusList",
        parameters=LIST_PARAMETERS,
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        return self.cached_reply(self.page_of_statuses)

    def page_of_statuses(self):
        query = self.read(sc.SCStatusListQuerySerializer, data=self.request.query_params)
        statuses = services.status_list(ordering=query["ordering"])
        return self.status_page(statuses, count_key=self.count_key(), windowed=True).data

    @extend_schema(
        tags=[TAG],
        summary="Create a status post",
        operation_id="statusCreate",
        request=sc.SCStatusWriteSerializer,
        responses={201: sc.SCStatusSerializer, **ERRORS.responses(400, 401, 403, 413, 415, 429)},
    )
    def post(self, request):
        body = self.read(sc.SCStatusWriteSerializer)
        status = services.status_create(author=request.user, **body)
        # Built from what was written (`replies.status_reply`), as the list builds its pages.
        written = selectors.written_status(
            status,
            categories=status.written["categories"],
            medias=status.written["medias"],
            viewer=request.user,
        )
        return Response(replies.status_reply(written, request), status=201)


class StatusSearchView(StatusView):
    """Search status posts by their text."""

    anonymous_read = True
    keeps_count = True
    searches = True

    reply_generations = (services.STATUS_LISTS,)

    @extend_schema(
        tags=[TAG],
        summary="Search status posts",
        operation_id="statusSearch",
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Text to find in the text or action, ignoring case; on "
                "PostgreSQL from the start of a word.",
            ),
            *LIST_PARAMETERS,
        ],
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        return self.cached_reply(self.page_of_results)

    def page_of_results(self):
        query = self.read(sc.SCStatusListQuerySerializer, data=self.request.query_params)
        search = query.get("search")
        statuses = services.status_list(ordering=query["ordering"], search=search)
        return self.status_page(statuses, count_key=self.count_key(), windowed=True).data


class StatusDetailView(StatusView):
    """Read, replace or soft-delete one status post."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="Get a status post",
        operation_id="statusRetrieve",
        responses={200: sc.SCStatusSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        return reply(sc.SCStatusSerializer, services.status_get(status_id=status_id), self)

    @extend_schema(
        tags=[TAG],
        summary="Update a status post",
        operation_id="statusUpdate",
        description="Its author only; the same body and rules as create.",
        request=sc.SCStatusWriteSerializer,
        responses={
            200: sc.SCStatusSerializer,
            **ERRORS.responses(400, 401, 403, 404, 413, 415, 429),
        },
    )
    def put(self, request, status_id):
        status = services.status_get(status_id=status_id)
        services.status_require_author(status=status, actor=request.user)
        body = self.read(sc.SCStatusWriteSerializer)
        status = services.status_update(status=status, actor=request.user, **body)
        return reply(sc.SCStatusSerializer, status, self)

    @extend_schema(
        tags=[TAG],
        summary="Delete a status post",
        operation_id="statusDelete",
        description="Soft delete, by its author or staff; `restore` undoes it.",
        responses={
            204: OpenApiResponse(description="Deleted"),
            **ERRORS.responses(401, 403, 404, 429),
        },
    )
    def delete(self, request, status_id):
        services.status_delete(status=services.status_get(status_id=status_id), actor=request.user)
        return Response(status=204)


class StatusRestoreView(SelfCommunityView):
    """Restore a soft-deleted status post."""

    serializer_class = None

    @extend_schema(
        tags=[TAG],
        summary="Restore a status post",
        operation_id="statusRestore",
        request=None,
        responses={
            204: OpenApiResponse(description="Restored"),
            **ERRORS.responses(401, 403, 404, 429),
        },
    )
    def post(self, request, status_id):
        status = services.status_get(status_id=status_id, include_deleted=True)
        services.status_restore(status=status, actor=request.user)
        return Response(status=204)


# --- categories and tags --------------------------------------------------------------------


def member(request):
    """The signed-in caller, or None for an anonymous one."""
    return request.user if request.user.is_authenticated else None


def category_page(view, categories, *, followed=None):
    """One page of `categories` (`services.category_list`'s, with parents and tags), each
    with `followed` for a signed-in caller: one query more (none when the caller's
    `followed` is known for all of them, as in the categories the caller follows)."""
    rows = view.paginate_queryset(categories)
    viewer = member(view.request)
    if viewer is None:
        marks = {}
    elif followed is not None:
        marks = {category.pk: followed for category in rows}
    else:
        ids = taxonomy.followed_among(user=viewer, category_ids=[c.pk for c in rows])
        marks = {category.pk: category.pk in ids for category in rows}
    data = [
        replies.category_reply(replies.category_row(category), followed=marks.get(category.pk))
        for category in rows
    ]
    return view.get_paginated_response(data)


def category_detail_reply(request, category):
    """One category, with `followed` for a signed-in caller (one query)."""
    viewer = member(request)
    followed = None
    if viewer is not None:
        followed = taxonomy.category_is_followed(category=category, user=viewer)
    return replies.category_reply(replies.category_row(category), followed=followed)


class CategoryListView(SelfCommunityView):
    """List categories (anyone signed in) or create one (with the add permission)."""

    permission_classes = [MemberOrAnonymousRead, ModelPermissions, OAuthScopeForMethod]
    anonymous_read = True
    queryset = Category.objects.all()
    serializer_class = sc.SCCategorySerializer

    @extend_schema(
        tags=[TAG],
        summary="List categories",
        operation_id="categoryList",
        description="In the display order. A signed-in caller's categories carry `followed`.",
        parameters=[sc.SCCategoryListQuerySerializer],
        responses={200: sc.SCCategorySerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        query = self.read(sc.SCCategoryListQuerySerializer, data=request.query_params)
        return category_page(self, taxonomy.category_list(viewer=member(request), **query))

    @extend_schema(
        tags=[TAG],
        summary="Create a category",
        operation_id="categoryCreate",
        request=sc.SCCategoryWriteSerializer,
        responses={201: sc.SCCategorySerializer, **ERRORS.responses(400, 401, 403, 413, 415, 429)},
    )
    def post(self, request):
        category = services.category_save(**self.read(sc.SCCategoryWriteSerializer))
        return reply(sc.SCCategorySerializer, category, self, status=201)


class CategoryDetailView(SelfCommunityView):
    """Read, update or delete a category."""

    permission_classes = [MemberOrAnonymousRead, ModelPermissions, OAuthScopeForMethod]
    anonymous_read = True
    queryset = Category.objects.all()
    serializer_class = sc.SCCategorySerializer

    def get_object(self):
        return services.category_get(category_id=self.kwargs["category_id"])

    @extend_schema(
        tags=[TAG],
        summary="Get a category",
        operation_id="categoryRetrieve",
        description="With `followed` for a signed-in caller.",
        responses={200: sc.SCCategorySerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, category_id):
        return Response(category_detail_reply(request, self.get_object()))

    @extend_schema(
        tags=[TAG],
        summary="Replace a category",
        operation_id="categoryUpdate",
        request=sc.SCCategoryWriteSerializer,
        responses={
            200: sc.SCCategorySerializer,
            **ERRORS.responses(400, 401, 403, 404, 413, 415, 429),
        },
    )
    def put(self, request, category_id):
        category = self.get_object()
        category = services.category_save(
            category=category, **self.read(sc.SCCategoryWriteSerializer)
        )
        return reply(sc.SCCategorySerializer, category, self)

    @extend_schema(
        tags=[TAG],
        summary="Update some fields of a category",
        operation_id="categoryPartialUpdate",
        request=sc.SCCategoryWriteSerializer,
        responses={
            200: sc.SCCategorySerializer,
            **ERRORS.responses(400, 401, 403, 404, 413, 415, 429),
        },
    )
    def patch(self, request, category_id):
        category = self.get_object()
        body = self.read(sc.SCCategoryWriteSerializer, partial=True)
        body.setdefault("name", category.name)
        category = services.category_save(category=category, **body)
        return reply(sc.SCCategorySerializer, category, self)

    @extend_schema(
        tags=[TAG],
        summary="Delete a category",
        operation_id="categoryDelete",
        responses={
            204: OpenApiResponse(description="Deleted"),
            **ERRORS.responses(401, 403, 404, 429),
        },
    )
    def delete(self, request, category_id):
        services.category_delete(category=self.get_object())
        return Response(status=204)


class TagListView(SelfCommunityView):
    """List tags (anyone signed in) or create one (with the add permission)."""

    permission_classes = [MemberOrAnonymousRead, ModelPermissions, OAuthScopeForMethod]
    anonymous_read = True
    queryset = Tag.objects.all()
    serializer_class = sc.SCTagSerializer

    @extend_schema(
        tags=[TAG],
        summary="List tags",
        operation_id="tagList",
        description="The newest first unless `ordering` says otherwise.",
        parameters=[sc.SCTagListQuerySerializer],
        responses={200: sc.SCTagSerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        query = self.read(sc.SCTagListQuerySerializer, data=request.query_params)
        return self.page(taxonomy.tag_list(**query), sc.SCTagSerializer)

    @extend_schema(
        tags=[TAG],
        summary="Create a tag",
        operation_id="tagCreate",
        request=sc.SCTagWriteSerializer,
        responses={201: sc.SCTagSerializer, **ERRORS.responses(400, 401, 403, 413, 415, 429)},
    )
    def post(self, request):
        tag = services.tag_save(**self.read(sc.SCTagWriteSerializer))
        return reply(sc.SCTagSerializer, tag, self, status=201)


class TagDetailView(SelfCommunityView):
    """Read, update or delete a tag."""

    permission_classes = [MemberOrAnonymousRead, ModelPermissions, OAuthScopeForMethod]
    anonymous_read = True
    queryset = Tag.objects.all()
    serializer_class = sc.SCTagSerializer

    def get_object(self):
        return services.tag_get(tag_id=self.kwargs["tag_id"])

    @extend_schema(
        tags=[TAG],
        summary="Get a tag",
        operation_id="tagRetrieve",
        responses={200: sc.SCTagSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, tag_id):
        return reply(sc.SCTagSerializer, self.get_object(), self)

    @extend_schema(
        tags=[TAG],
        summary="Replace a tag",
        operation_id="tagUpdate",
        request=sc.SCTagWriteSerializer,
        responses={200: sc.SCTagSerializer, **ERRORS.responses(400, 401, 403, 404, 413, 415, 429)},
    )
    def put(self, request, tag_id):
        tag = services.tag_save(tag=self.get_object(), **self.read(sc.SCTagWriteSerializer))
        return reply(sc.SCTagSerializer, tag, self)

    @extend_schema(
        tags=[TAG],
        summary="Update some fields of a tag",
        operation_id="tagPartialUpdate",
        request=sc.SCTagWriteSerializer,
        responses={200: sc.SCTagSerializer, **ERRORS.responses(400, 401, 403, 404, 413, 415, 429)},
    )
    def patch(self, request, tag_id):
        tag = self.get_object()
        body = self.read(sc.SCTagWriteSerializer, partial=True)
        body.setdefault("name", tag.name)
        body.setdefault("type", tag.type)
        return reply(sc.SCTagSerializer, services.tag_save(tag=tag, **body), self)

    @extend_schema(
        tags=[TAG],
        summary="Delete a tag",
        operation_id="tagDelete",
        responses={
            204: OpenApiResponse(description="Deleted"),
            **ERRORS.responses(401, 403, 404, 429),
        },
    )
    def delete(self, request, tag_id):
        services.tag_delete(tag=self.get_object())
        return Response(status=204)
