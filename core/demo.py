"""Demo data, contributed by each app from its own `demo.py` (found by autodiscovery),
so that `core` imports no domain app. Used by `manage.py load_demo_data`."""

from core.registry import Registry

_loaders = Registry("demo")
# Register `load(*, admin)` as an idempotent demo-data step: `@demo_data(order=10)`.
demo_data = _loaders.register


def load_demo_data(*, admin) -> None:
    """Run every app's demo-data step for the demo admin, in order."""
    for load in _loaders.entries():
        load(admin=admin)
