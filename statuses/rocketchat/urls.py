from django.urls import path

from statuses.rocketchat import views

urlpatterns = [
    path("login", views.LoginView.as_view(), name="rocketchat-login"),
    path("me", views.MeView.as_view(), name="rocketchat-me"),
    path("logout", views.LogoutView.as_view(), name="rocketchat-logout"),
    path("custom-user-status.list", views.UserStatusListView.as_view(), name="rocketchat-list"),
    path(
        "custom-user-status.create", views.UserStatusCreateView.as_view(), name="rocketchat-create"
    ),
    path(
        "custom-user-status.update", views.UserStatusUpdateView.as_view(), name="rocketchat-update"
    ),
    path(
        "custom-user-status.delete", views.UserStatusDeleteView.as_view(), name="rocketchat-delete"
    ),
]
