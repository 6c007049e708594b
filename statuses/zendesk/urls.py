"""Zendesk's custom status paths, each also with `.json` (the form zenpy sends).

The OpenAPI document lists each route once, without the suffix (as Zendesk's own document
does); each operation's description says that the suffixed form answers the same."""

from django.urls import path

from statuses.zendesk import views


def routes(suffix, view, name=None):
    """The route, and the same with `.json` (left out of the OpenAPI document)."""
    return [
        path(suffix + ".json", view.as_view(schema=None)),
        path(suffix, view.as_view(), name=name),
    ]


urlpatterns = [
    *routes("custom_statuses", views.CustomStatusListView, "zendesk-custom-status-list"),
    *routes(
        "custom_statuses/<str:status_id>",
        views.CustomStatusDetailView,
        "zendesk-custom-status-detail",
    ),
    *routes(
        "custom_status/default", views.DefaultCustomStatusView, "zendesk-custom-status-default"
    ),
]
