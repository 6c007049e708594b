"""Genesys Cloud's presence paths, relative to `api/v2/`, spelled as the vendor does (no
trailing slash). The legacy `/api/v2/presencedefinitions…` routes are not served."""

from django.urls import path

from statuses.genesys import views

urlpatterns = [
    path(
        "presence/definitions",
        views.PresenceDefinitionListView.as_view(),
        name="genesys-presence-definition-list",
    ),
    path(
        "presence/definitions/<str:definition_id>",
        views.PresenceDefinitionDetailView.as_view(),
        name="genesys-presence-definition-detail",
    ),
    path(
        "systempresences", views.SystemPresenceListView.as_view(), name="genesys-system-presences"
    ),
]
