"""SelfCommunity routes of the media part (issue 23): every media route, the fixed words
(`upload/chunk/`, `upload/complete/`) before `<id>/`, which would otherwise take them as
ids."""

from django.urls import path

from community.selfcommunity import media_views as views

urlpatterns: list = [
    path("media/", views.MediaCreateView.as_view(), name="selfcommunity-media-create"),
    path(
        "media/upload/chunk/",
        views.MediaChunkUploadView.as_view(),
        name="selfcommunity-media-chunk-upload",
    ),
    path(
        "media/upload/complete/",
        views.MediaChunkCompleteView.as_view(),
        name="selfcommunity-media-chunk-complete",
    ),
    path(
        "media/<str:media_id>/", views.MediaDetailView.as_view(), name="selfcommunity-media-detail"
    ),
    path(
        "media/<str:media_id>/click/",
        views.MediaClickView.as_view(),
        name="selfcommunity-media-click",
    ),
]
