from django.urls import path

from statuses.libredesk import views

urlpatterns = [
    path("statuses", views.StatusListView.as_view(), name="libredesk-status-list"),
    path(
        "statuses/<str:status_id>",
        views.StatusDetailView.as_view(),
        name="libredesk-status-detail",
    ),
    path(
        "agents/<str:agent_id>/api-key",
        views.AgentApiKeyView.as_view(),
        name="libredesk-agent-api-key",
    ),
]
