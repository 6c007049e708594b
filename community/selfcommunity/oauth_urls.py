"""The OAuth2 server of the SelfCommunity surface (django-oauth-toolkit), under /oauth/.

Only the endpoints the contract names are mounted: authorize (authorization-code grant),
token (password, authorization-code and refresh grants) and revocation. Applications are
managed in the admin, not by self-service registration pages.
"""

from django.contrib.auth import views as auth_views
from django.urls import path
from oauth2_provider import views as oauth_views

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", oauth_views.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="community/oauth_login.html"),
        name="login",
    ),
]
