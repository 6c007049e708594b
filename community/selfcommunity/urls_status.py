"""SelfCommunity routes of the status part (issue 23). They come before the routes of
urls.py, whose `<id>/` patterns would otherwise take their fixed words as ids."""

from django.urls import path

from community.selfcommunity import social_views as views

ONE = "status/<str:status_id>/"

urlpatterns: list = [
    path(
        "status/following/",
        views.StatusFollowedListView.as_view(),
        name="selfcommunity-status-following-list",
    ),
    path(
        "status/suspended/",
        views.StatusSuspendedListView.as_view(),
        name="selfcommunity-status-suspended-list",
    ),
    path(
        "status/uncommented/",
        views.StatusUncommentedView.as_view(),
        name="selfcommunity-status-uncommented",
    ),
    path(f"{ONE}vote/", views.StatusVoteView.as_view(), name="selfcommunity-status-vote"),
    path(f"{ONE}follow/", views.StatusFollowView.as_view(), name="selfcommunity-status-follow"),
    path(
        f"{ONE}following/",
        views.StatusFollowingView.as_view(),
        name="selfcommunity-status-following",
    ),
    path(f"{ONE}flag/", views.StatusFlagView.as_view(), name="selfcommunity-status-flag"),
    path(
        f"{ONE}flag/status/",
        views.StatusFlagStatusView.as_view(),
        name="selfcommunity-status-flag-status",
    ),
    path(f"{ONE}hide/", views.StatusHideView.as_view(), name="selfcommunity-status-hide"),
    path(
        f"{ONE}hide/status/",
        views.StatusHideStatusView.as_view(),
        name="selfcommunity-status-hide-status",
    ),
    path(f"{ONE}suspend/", views.StatusSuspendView.as_view(), name="selfcommunity-status-suspend"),
    path(
        f"{ONE}suspended/",
        views.StatusSuspendedView.as_view(),
        name="selfcommunity-status-suspended",
    ),
    path(
        f"{ONE}contributors/",
        views.StatusContributorsView.as_view(),
        name="selfcommunity-status-contributors",
    ),
    path(f"{ONE}related/", views.StatusRelatedView.as_view(), name="selfcommunity-status-related"),
    path(f"{ONE}shares/", views.StatusSharesView.as_view(), name="selfcommunity-status-shares"),
    path(
        f"{ONE}shares_users/",
        views.StatusSharesUsersView.as_view(),
        name="selfcommunity-status-shares-users",
    ),
]
