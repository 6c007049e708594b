"""Whether an OAuth2 client's authorization-code grant must use PKCE (RFC 7636): a choice
made per client in the admin (access.models.OAuthClientPolicy), on unless turned off, and
always on for a public client.

django-oauth-toolkit asks its `PKCE_REQUIRED` setting, which may be a callable of the
client id (`pkce_required`), at the authorization request and again at the token request.
The settings import this module, so it loads no model until it is called.
"""

from django.apps import apps


def pkce_may_be_off(client_type: str) -> bool:
    """Only a confidential client may go without PKCE.

    It proves itself with its secret when it trades the code, so a code stolen on the way
    back (a log, a referrer, another app on the device) is of no use alone. A public
    client has no secret: PKCE is all that binds the code to it (RFC 9700 §2.1.1).
    """
    return client_type == apps.get_model("oauth2_provider", "Application").CLIENT_CONFIDENTIAL


def pkce_needed(client_type: str, chosen: bool | None) -> bool:
    """Whether a client of `client_type` needs PKCE, given the choice stored for it (None
    when none is)."""
    return chosen is not False or not pkce_may_be_off(client_type)


def pkce_required(client_id) -> bool:
    """django-oauth-toolkit's `PKCE_REQUIRED`: whether this client's codes need PKCE.

    True for an unknown client id (the toolkit refuses it anyway), for a public client
    whatever its stored choice, and for a client with no choice stored. One query.
    """
    if not isinstance(client_id, str) or "\x00" in client_id:  # no NUL reaches PostgreSQL
        return True
    row = (
        apps.get_model("oauth2_provider", "Application")
        .objects.filter(client_id=client_id)
        .values_list("client_type", "portal_policy__pkce_required")
        .first()
    )
    if row is None:
        return True
    return pkce_needed(*row)


def pkce_choice(application) -> bool:
    """The choice stored for `application` (True when none is): what the admin shows."""
    policy = apps.get_model("access", "OAuthClientPolicy")
    stored = policy.objects.filter(application=application).values_list("pkce_required")
    return next((required for (required,) in stored), True)


def pkce_choice_save(*, application, required: bool) -> None:
    """Store whether `application` requires PKCE; a public client always does."""
    required = required or not pkce_may_be_off(application.client_type)
    apps.get_model("access", "OAuthClientPolicy").objects.update_or_create(
        application=application, defaults={"pkce_required": required}
    )
