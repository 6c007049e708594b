"""SelfCommunity routes of the taxonomy part (issue 23). They come before the routes of
urls.py, whose `<id>/` patterns would otherwise take their fixed words as ids."""

from django.urls import path

from community.selfcommunity import taxonomy_views as views


def _category(route: str, view, name: str):
    return path(f"category/{route}", view.as_view(), name=f"selfcommunity-category-{name}")


urlpatterns: list = [
    _category("search/", views.CategorySearchView, "search"),
    _category("followed/", views.CategoriesFollowedView, "followed"),
    _category("popular/", views.CategoriesPopularView, "popular"),
    _category("<str:category_id>/follow/", views.CategoryFollowView, "follow"),
    _category("<str:category_id>/is_followed/", views.CategoryIsFollowedView, "is-followed"),
    _category("<str:category_id>/followers/", views.CategoryFollowersView, "followers"),
    _category("<str:category_id>/feed/", views.CategoryFeedView, "feed"),
    _category("<str:category_id>/children/", views.CategoryChildrenView, "children"),
    _category("<str:category_id>/parents/", views.CategoryParentsView, "parents"),
    _category("<str:category_id>/audience/", views.CategoryAudienceView, "audience"),
    path("tag/search/", views.TagSearchView.as_view(), name="selfcommunity-tag-search"),
    path(
        "tag/user/search/", views.UserTagSearchView.as_view(), name="selfcommunity-tag-user-search"
    ),
    path(
        "tag/<str:tag_id>/assign/", views.TagAssignView.as_view(), name="selfcommunity-tag-assign"
    ),
]
