"""Ordered registries that apps fill from a module of their own, found by autodiscovery."""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules


class Registry:
    """Functions registered by apps from their `<module>.py`, returned in `order`.

    `core` stays ignorant of the domain apps: each app registers from its own module
    (`dashboard.py`, `demo.py`), which `entries()` imports with `autodiscover_modules`,
    as the admin finds `admin.py`.
    """

    def __init__(self, module: str):
        self.module = module
        self._entries: list[tuple[int, Callable]] = []

    def register(self, *, order: int):
        """A decorator registering a function to run at `order`."""

        def add(function):
            self._entries.append((order, function))
            return function

        return add

    def entries(self) -> list[Callable]:
        """Every registered function, in order."""
        autodiscover_modules(self.module)
        return [function for _order, function in sorted(self._entries, key=lambda e: e[0])]
