"""The portal's settings for the benchmark: the same apps, middleware and database settings
(config.settings, read from the environment as always), with the benchmark's URLconf, which
adds the floor view.

The one change to the app's behaviour: the SelfCommunity write rate limit is raised so far
that the create row is never throttled (the throttle still runs and counts, in the cache).
"""

import os

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "selfcommunity-write": "100000000/min",
    },
}

if os.environ.get("BENCH_SYNCDB") == "1":
    # The smoke run (bench.run --smoke) makes its tables straight from the models, as
    # pytest-django's --nomigrations does: seconds instead of the whole migration history.
    class _NoMigrations(dict):
        def __contains__(self, app_label):
            return True

        def __getitem__(self, app_label):
            return None

    MIGRATION_MODULES = _NoMigrations()
