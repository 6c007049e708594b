"""Demo data, contributed by each app from its own `demo.py` (found by autodiscovery),
so that `core` imports no domain app. Used by `manage.py load_demo_data`."""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

_LOADERS: list[tuple[int, Callable]] = []


def demo_data(*, order: int):
    """Register `load(*, admin)` as a demo-data step, run in `order`; it must be idempotent."""

    def register(load):
        _LOADERS.append((order, load))
        return load

    return register


def load_demo_data(*, admin) -> None:
    """Run every app's demo-data step for the demo admin, in order."""
    autodiscover_modules("demo")
    for _order, load in sorted(_LOADERS, key=lambda entry: entry[0]):
        load(admin=admin)
