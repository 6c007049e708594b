"""The demo admin's API key, kept across `make run`s (`manage.py ensure_demo_admin`)."""

from access.models import ApiKey
from access.services import api_key_issue
from core.demo import DemoCredential, demo_credential


@demo_credential(order=10)
def ensure_api_key(*, user, url):
    """The demo admin's API key, made only when it has none (first start, or revoked).

    A key made on an earlier start keeps working: clients set up with it must not break on
    the next `make run`. Its secret is known, and shown, only when it is made now.
    """
    existing = ApiKey.objects.filter(user=user).values_list("key", flat=True).first()
    issued = None if existing else api_key_issue(user=user, actor=None)
    api_key = issued.api_key if issued else existing
    api_secret = issued.api_secret if issued else None
    if issued:
        lines = [
            "  API key, made now (the secret is shown only this once; keep it):",
            f"    export KEY={api_key}",
            f"    export SECRET={api_secret}",
            "  Try it:",
            f'    curl -H "Authorization: token $KEY:$SECRET" {url}/api/v1/statuses',
        ]
    else:
        lines = [f"  API key:    {api_key} (unchanged; its secret was shown when it was made)"]
    new_key = f".venv/bin/python manage.py create_api_key {user.get_username()}"
    lines.append(f"  A new key (the old one stops working at once): {new_key}")
    return DemoCredential(
        fields={"api_key": api_key, "api_secret": api_secret, "key_created": issued is not None},
        lines=lines,
    )
