from django.urls import path

from reasons.liveperson import views

BASE = "account/<str:account_id>/configuration/le-agents/status-reasons"

urlpatterns = [
    path("account/<str:account_id>/login", views.LoginView.as_view(), name="liveperson-login"),
    path(
        "account/<str:account_id>/refresh", views.RefreshView.as_view(), name="liveperson-refresh"
    ),
    path("account/<str:account_id>/logout", views.LogoutView.as_view(), name="liveperson-logout"),
    path(
        "account/<str:account_id>/service/baseURI.json",
        views.DomainServicesView.as_view(),
        name="liveperson-domains",
    ),
    path(
        "account/<str:account_id>/service/<str:service>/baseURI.json",
        views.DomainServiceView.as_view(),
        name="liveperson-domain",
    ),
    path(BASE, views.ReasonCollectionView.as_view(), name="liveperson-reasons"),
    path(f"{BASE}/<str:reason_id>", views.ReasonDetailView.as_view(), name="liveperson-reason"),
]
