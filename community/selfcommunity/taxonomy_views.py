"""SelfCommunity's category and tag routes beyond list and detail: search, follow (and
who follows), a category's feed, children, parents and audience, the tag searches and
putting a tag on a category. The services are `community.taxonomy`'s."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from community import services, taxonomy
from community.models import CategoryFollow, TagType
from community.selfcommunity import replies
from community.selfcommunity import serializers as sc
from community.selfcommunity.errors import ERRORS
from community.selfcommunity.views import (
    TAG,
    SelfCommunityView,
    StatusView,
    category_page,
    member,
)

# --- lists of categories -----------------------------------------------------------------------


class CategorySearchView(SelfCommunityView):
    """Search categories: the list's filters, under SelfCommunity's search path."""

    serializer_class = None
    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="Search categories",
        operation_id="categorySearch",
        description="The category list's filters and order. A signed-in caller's categories "
        "carry `followed`.",
        parameters=[sc.SCCategoryListQuerySerializer],
        responses={200: sc.SCCategorySerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        query = self.read(sc.SCCategoryListQuerySerializer, data=request.query_params)
        return category_page(self, taxonomy.category_list(viewer=member(request), **query))


class CategoriesFollowedView(SelfCommunityView):
    """The categories the caller follows."""

    serializer_class = None

    @extend_schema(
        tags=[TAG],
        summary="List the categories I follow",
        operation_id="categoryFollowed",
        description="In the display order; every one has `followed` true.",
        parameters=[sc.SCCategoryFollowedQuerySerializer],
        responses={200: sc.SCCategorySerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        query = self.read(sc.SCCategoryFollowedQuerySerializer, data=request.query_params)
        categories = taxonomy.categories_followed(user=request.user, **query)
        return category_page(self, categories, followed=True)


class CategoriesPopularView(SelfCommunityView):
    """Categories, the most followed first."""

    serializer_class = None
    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List categories, the most followed first",
        operation_id="categoryPopular",
        description="By `followers_counter`, then in the display order.",
        responses={200: sc.SCCategorySerializer(many=True), **ERRORS.responses(401)},
    )
    def get(self, request):
        return category_page(self, taxonomy.categories_popular())


# --- one category ------------------------------------------------------------------------------


class CategoryRouteView(SelfCommunityView):
    """Base of the routes under `category/{id}/`: an unknown id is 404 `not_found`."""

    serializer_class = None

    def category(self):
        return services.category_get(category_id=self.kwargs["category_id"])


class CategoryFollowView(CategoryRouteView):
    """Follow a category, or stop following it."""

    @extend_schema(
        tags=[TAG],
        summary="Follow or unfollow a category",
        operation_id="categoryFollow",
        description="Follows the category, or stops following it if the caller already "
        "does (SelfCommunity's one route for both); `is_followed` tells which.",
        request=None,
        responses={
            204: OpenApiResponse(description="Followed, or no longer followed"),
            **ERRORS.responses(401, 403, 404, 429),
        },
    )
    def post(self, request, category_id):
        taxonomy.category_follow_toggle(category=self.category(), user=request.user)
        return Response(status=204)


class CategoryIsFollowedView(CategoryRouteView):
    """Whether the caller follows a category."""

    @extend_schema(
        tags=[TAG],
        summary="Whether I follow a category",
        operation_id="categoryIsFollowed",
        responses={200: sc.SCCategoryFollowedSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, category_id):
        followed = taxonomy.category_is_followed(category=self.category(), user=request.user)
        return Response({"is_followed": followed})


class CategoryFollowersView(CategoryRouteView):
    """The members who follow a category."""

    @extend_schema(
        tags=[TAG],
        summary="List the followers of a category",
        operation_id="categoryFollowers",
        description="The latest follower first.",
        responses={200: sc.SCUserSerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, category_id):
        category = self.category()
        # Counted as plain follow rows, paged with each member's columns.
        self.paginator.count_queryset = CategoryFollow.objects.filter(category=category)
        rows = self.paginate_queryset(taxonomy.category_followers(category=category))
        data = [replies.author_reply(user) for user in taxonomy.member_rows(rows)]
        return self.get_paginated_response(data)


class CategoryFeedView(StatusView):
    """The posts of a category, as units of a feed."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="Get a category's feed",
        operation_id="categoryFeed",
        description="The posts published in the category (or in one below it, as a post in "
        "a category is also in its parents), without deleted ones and the ones the caller "
        "hid, each as a feed unit `{type, status, has_boost}`.",
        parameters=[sc.SCCategoryFeedQuerySerializer],
        responses={200: sc.SCFeedUnitSerializer(many=True), **ERRORS.responses(400, 401, 404)},
    )
    def get(self, request, category_id):
        category = services.category_get(category_id=category_id)
        query = self.read(sc.SCCategoryFeedQuerySerializer, data=request.query_params)
        statuses = taxonomy.category_feed(category=category, ordering=query.get("ordering"))
        # The status lists' own page (`status_page`: without the posts the caller hid, with
        # the caller's marks), each post wrapped as a feed unit.
        response = self.status_page(statuses)
        response.data["results"] = [replies.feed_unit_reply(s) for s in response.data["results"]]
        return response


class CategoryChildrenView(CategoryRouteView):
    """The categories one level below a category."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the children of a category",
        operation_id="categoryChildren",
        description="The categories that name it as a parent, in the display order.",
        responses={200: sc.SCCategorySerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, category_id):
        return category_page(self, taxonomy.category_children(category=self.category()))


class CategoryParentsView(CategoryRouteView):
    """The parents of a category."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the parents of a category",
        operation_id="categoryParents",
        description="Its parents (one level up), in the display order.",
        responses={200: sc.SCCategorySerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, category_id):
        return category_page(self, taxonomy.category_parents(category=self.category()))


class CategoryAudienceView(CategoryRouteView):
    """How many members a category reaches."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="Get a category's audience",
        operation_id="categoryAudience",
        description="`category_audience` is the number of its followers; "
        "`connections_audience` is always 0 (the portal has no connections).",
        responses={200: sc.SCCategoryAudienceSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, category_id):
        return Response(taxonomy.category_audience(category=self.category()))


# --- tags ----------------------------------------------------------------------------------------


class TagSearchView(SelfCommunityView):
    """Search tags: the tag list's filters, under SelfCommunity's search path."""

    serializer_class = None
    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="Search tags",
        operation_id="tagSearch",
        description="The tag list's filters; the newest first unless `ordering` says otherwise.",
        parameters=[sc.SCTagListQuerySerializer],
        responses={200: sc.SCTagSerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        query = self.read(sc.SCTagListQuerySerializer, data=request.query_params)
        return self.page(taxonomy.tag_list(**query), sc.SCTagSerializer)


class UserTagSearchView(SelfCommunityView):
    """Search the tags of type user (the ones a post addresses)."""

    serializer_class = None
    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="Search the tags of type user",
        operation_id="tagUserSearch",
        description="The tags a post may address (`addressing`): the tag list's filters, "
        "of type `user` only.",
        parameters=[sc.SCTagSearchQuerySerializer],
        responses={200: sc.SCTagSerializer(many=True), **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        query = self.read(sc.SCTagSearchQuerySerializer, data=request.query_params)
        return self.page(taxonomy.tag_list(type=TagType.USER, **query), sc.SCTagSerializer)


class MayChangeCategories(BasePermission):
    """Putting a tag on a category changes the category: `community.change_category`."""

    def has_permission(self, request, view):
        return request.user.has_perm("community.change_category")


class TagAssignView(SelfCommunityView):
    """Put a tag on a category."""

    serializer_class = None
    permission_classes = [*SelfCommunityView.permission_classes, MayChangeCategories]

    @extend_schema(
        tags=[TAG],
        summary="Put a tag on a category",
        operation_id="tagAssign",
        description="With `community.change_category`. The body names one of `user`, "
        "`category` and `contribution`; the portal accepts `category` (a tag of type "
        "category): it keeps no member tags, and a post's tags are its author's. A tag "
        "already on the category changes nothing.",
        request=sc.SCTagAssignSerializer,
        responses={
            204: OpenApiResponse(description="The tag is on the category"),
            **ERRORS.responses(400, 401, 403, 404, 413, 415, 429),
        },
    )
    def post(self, request, tag_id):
        tag = services.tag_get(tag_id=tag_id)
        body = self.read(sc.SCTagAssignSerializer)
        taxonomy.tag_assign(tag=tag, category_id=body["category"])
        return Response(status=204)
