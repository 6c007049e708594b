"""Demo data and the demo admin's credentials, contributed by each app from its own `demo.py`
(found by autodiscovery), so that `core` imports no other app. Used by `manage.py
load_demo_data` and `manage.py ensure_demo_admin`."""

from dataclasses import dataclass

from core.registry import Registry

_loaders = Registry("demo")
# Register `load(*, admin)` as an idempotent demo-data step: `@demo_data(order=10)`.
demo_data = _loaders.register


def load_demo_data(*, admin) -> None:
    """Run every app's demo-data step for the demo admin, in order."""
    for load in _loaders.entries():
        load(admin=admin)


@dataclass(frozen=True)
class DemoCredential:
    """A credential an app keeps for the demo admin, as `ensure_demo_admin` reports it."""

    # Added to the command's `--json` object, in this order.
    fields: dict[str, object]
    # The banner's lines about it, between the admin's login and the API docs.
    lines: list[str]


_credentials = Registry("demo")
# Register `ensure(*, user, url) -> DemoCredential`, which makes the credential only when it is
# missing (a client set up on an earlier `make run` keeps working): `@demo_credential(order=10)`.
demo_credential = _credentials.register


def ensure_demo_credentials(*, user, url: str) -> list[DemoCredential]:
    """Every app's credential for the demo admin, made if missing, in order; `url` is where
    the portal is served, without a trailing slash, for the banner's links."""
    return [ensure(user=user, url=url) for ensure in _credentials.entries()]
