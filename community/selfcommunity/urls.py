from django.urls import path

from community.selfcommunity import urls_media, urls_status, urls_taxonomy, views

# Any other path under /api/v2/ is a 404 in SelfCommunity's shape from the portal's 404
# handler (settings.API_ERROR_SHAPES), as for the other surfaces.
urlpatterns = [
    *urls_status.urlpatterns,
    *urls_taxonomy.urlpatterns,
    *urls_media.urlpatterns,
    path("status/", views.StatusListView.as_view(), name="selfcommunity-status-list"),
    path("status/search/", views.StatusSearchView.as_view(), name="selfcommunity-status-search"),
    path(
        "status/<str:status_id>/",
        views.StatusDetailView.as_view(),
        name="selfcommunity-status-detail",
    ),
    path(
        "status/<str:status_id>/restore/",
        views.StatusRestoreView.as_view(),
        name="selfcommunity-status-restore",
    ),
    path("category/", views.CategoryListView.as_view(), name="selfcommunity-category-list"),
    path(
        "category/<str:category_id>/",
        views.CategoryDetailView.as_view(),
        name="selfcommunity-category-detail",
    ),
    path("tag/", views.TagListView.as_view(), name="selfcommunity-tag-list"),
    path("tag/<str:tag_id>/", views.TagDetailView.as_view(), name="selfcommunity-tag-detail"),
]
