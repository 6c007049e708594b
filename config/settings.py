"""Settings for the status configuration portal.

Every value is read from the environment through django-environ (a `.env` file in the
project folder, or the file named by ENV_FILE, is read too; real variables win). Each
setting has a safe local default; see `.env.example` for the full list.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from access.pkce import pkce_required
from access.time_zones import setting_time_zone
from config.surfaces import ERROR_SHAPES, EVENT_SHAPES, OPENAPI_DESCRIPTION, OPENAPI_TAGS
from core.exports import CSV, JSON

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE names another file, or /dev/null for none (the tests use that).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or put it in "
            ".env) to a long random string; it is only optional when DEBUG=true."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# One switch for everything that assumes TLS in front of the app.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Whether a request came over HTTPS is decided by gunicorn, which believes
# X-Forwarded-Proto only from TRUSTED_PROXIES (its forwarded_allow_ips, gunicorn.conf.py)
# and sets wsgi.url_scheme. Django itself never reads that header: it would believe any
# client that reaches the app server directly.
SECURE_PROXY_SSL_HEADER = None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",  # django.contrib.admin with the portal's dashboard
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "oauth2_provider",
    "core",
    "access",
    "statuses",
    "reasons",
    "community",
    "django_tasks",
    "django_tasks_db",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Libredesk's router redirects a route with a trailing slash added (301 GET, 308 other).
    "statuses.libredesk.middleware.TrailingSlashRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A manager's own time zone on admin pages (access.time_zones); API routes untouched.
    "access.time_zones.AdminTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets every change record who made it (admin user or API caller).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out sign-in into the lockout page (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Vendor paths such as /api/v1/statuses have no trailing slash.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections to a database server: opening one per request is a network
# round trip, a login and a new server process (docs/performance.md). Health checks drop a
# connection the server closed (a restart, an outage) before a request uses it, so the
# portal still recovers by itself. An SQLite connection is a local file opened in-process:
# it is closed after each request, so a file that is moved or replaced is seen at once.
_IS_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
# Persistent connections (checked before reuse): a new connection per request costs a third
# of a list request's time (docs/performance.md).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if _IS_SQLITE:
    # Writers take SQLite's lock when their transaction starts, so concurrent requests
    # queue (up to the timeout) instead of failing with "database is locked" mid-way.
    # Write-ahead logging: readers never wait for a writer, and a commit appends to the log
    # instead of rewriting pages; `synchronous=NORMAL` syncs at checkpoints, not at every
    # commit (a power cut may lose the last commits, never corrupt the file). Back the file
    # up with `sqlite3 db.sqlite3 ".backup copy.sqlite3"`, not by copying it alone.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (login and write throttles) count in this cache, so it must be shared by
# every process: the database cache by default (its table is made by `migrate`), or Redis
# for several machines, e.g. CACHE_URL=redis://127.0.0.1:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://portal_cache")}
if CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
    # It also holds credential checks and list replies (core.cache): room for them, rather
    # than Django's default of 300 entries before a third is thrown away.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses password sign-ins (admin, OAuth sign-in page, OAuth password grant) while
    # their username and address are locked out (django-axes).
    "access.lockout.PasswordLockoutBackend",
    # Reads a user's own and group permissions in one query instead of two.
    "access.backends.PermissionsInOneQueryBackend",
]

# Brute-force protection of every password sign-in that has a request (django-axes): the
# admin login, the OAuth sign-in page and the OAuth password grant share one count. After
# ADMIN_LOGIN_FAILURES failed logins, that username from that address is locked out of all
# of them for the cool-off time. (The names keep "ADMIN" so deployments keep working.)
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "access.lockout.PasswordLoginHandler"
AXES_CLIENT_IP_CALLABLE = "access.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "access.lockout.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
# Django's zone stays UTC: API replies, webhook payloads, commands, the worker and the logs
# keep it whatever the environment says (a DRF datetime is rendered in the current zone).
TIME_ZONE = "UTC"
# The zone the admin shows a signed-in manager's times in, unless they pick their own
# ("My time zone", access.time_zones): an IANA name such as Europe/Paris, checked here.
ADMIN_TIME_ZONE = setting_time_zone(env.str("TIME_ZONE", default="UTC"))
# Every date and time the admin shows names its zone (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Files served at the site's root by WhiteNoise: /favicon.ico, which browsers ask for on
# every page.
WHITENOISE_ROOT = BASE_DIR / "core" / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Where uploaded files are served from: this site's /media/ by default; in production a
# separate origin such as https://media.example-usercontent.com/ (see the README).
MEDIA_URL = env.str("MEDIA_URL", default="media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Content-Security-Policy on every page (django-csp). Scripts come only from this site:
# the admin, the browsable API, Swagger UI (its split view, no inline script) and ReDoc
# run on it. Inline styles stay allowed (the admin and ReDoc set them). Uploaded media
# send their own, stricter policy (core.views.uploaded_file).
_MEDIA_ORIGIN = [MEDIA_URL] if MEDIA_URL.startswith(("http://", "https://")) else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_MEDIA_ORIGIN],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of the portal uses are switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ]
}

# API bodies larger than this are refused with 413 in each surface's error shape.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# Imports and exports in the admin (django-import-export): CSV and JSON. CSV cells that a
# spreadsheet would run as a formula (`=cmd|...`) are exported with a leading apostrophe.
IMPORT_EXPORT_FORMATS = [CSV, JSON]
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Admin messages may carry a freshly made secret: keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        # DRF's JSONRenderer's output, made by orjson (several times faster).
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # drf-spectacular's, with each property's example from its serializer's field_examples.
    "DEFAULT_SCHEMA_CLASS": "core.schema.PortalAutoSchema",
    "DEFAULT_METADATA_CLASS": "core.metadata.PortalMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # How many proxies in front of the app append to X-Forwarded-For; 0 trusts none, so
    # rate limits key on the connecting address and a client cannot pick its own.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "oauth-token": env.str("LOGIN_RATE", default="30/min"),
        # Password guessing against the login routes, per client IP.
        "rocketchat-login": env.str("LOGIN_RATE", default="30/min"),
        # Posts, edits and uploads per SelfCommunity user.
        "selfcommunity-write": env.str("COMMUNITY_WRITE_RATE", default="120/min"),
        "liveperson-login": env.str("LOGIN_RATE", default="30/min"),
        # Zendesk's email:password Basic form: every request checks a password.
        "zendesk-password": env.str("LOGIN_RATE", default="30/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Status configuration portal",
    # "Status APIs wire-compatible with Libredesk (conversation statuses), ...": the surfaces
    # of config/surfaces.py that name their objects, in product order.
    "DESCRIPTION": OPENAPI_DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # One tag per surface, in product order, each linking to its contract (config/surfaces.py);
    # operations in the order their routes are declared (login before the routes it opens).
    "TAGS": OPENAPI_TAGS,
    "SORT_OPERATIONS": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar: nothing is loaded from another site
    # (ReDoc's bundle is served by core.apidocs without its CDN logo; system fonts).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "/favicon.ico",
    "REDOC_DIST": "SIDECAR",
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif"},
                "code": {"fontFamily": "ui-monospace, 'SFMono-Regular', Menlo, monospace"},
            }
        },
    },
    # The SelfCommunity surface's OAuth2 server (django-oauth-toolkit, under /oauth/).
    "OAUTH2_FLOWS": ["password", "authorizationCode", "clientCredentials"],
    "OAUTH2_AUTHORIZATION_URL": "/oauth/authorize/",
    "OAUTH2_TOKEN_URL": "/oauth/token/",
    "OAUTH2_REFRESH_URL": "/oauth/token/",
    "OAUTH2_SCOPES": {"read": "Read community content", "write": "Publish and edit"},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.document_database_unavailable",
        "core.schema.drop_implied_int64_bounds",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ConversationStatusCategoryEnum": "statuses.models.ConversationCategory",
        "SuccessStatusEnum": ["success"],
        "ErrorStatusEnum": ["error"],
        "SCTagTypeEnum": "community.models.TagType",
        "SCMediaTypeEnum": "community.models.MediaType",
        "SCMediaCreateTypeEnum": ["url", "image"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every failed sign-in at INFO; lockouts are WARNINGs.
    "loggers": {"axes": {"level": "WARNING"}},
}

# How long, at most, an API request's credential (API key, login token, LivePerson bearer,
# OAuth2 token) is taken from the shared cache instead of the database (access/
# credential_cache.py; revocations end it at once). 0 checks the database every time.
CREDENTIAL_CACHE_SECONDS = env.int("CREDENTIAL_CACHE_SECONDS", default=60)
# How long, at most, a list reply is served from the shared cache (core.cache; any write to
# what it shows retires it at once, on every server). 0 builds every reply afresh.
REPLY_CACHE_SECONDS = env.int("REPLY_CACHE_SECONDS", default=300)
# How long, at most, the count of a SelfCommunity status list or search (per caller and
# search, whatever the page) is reused from the shared cache (community/selectors.py; any
# write to the posts retires it at once, on every server). 0 counts every time.
COMMUNITY_COUNT_CACHE_SECONDS = env.int("COMMUNITY_COUNT_CACHE_SECONDS", default=300)

# How often, at most, an API key's last_used_at is written.
API_KEY_LAST_USED_RESOLUTION_SECONDS = 60

# Rocket.Chat-style login tokens expire after this many days (Rocket.Chat's default: 90).
LOGIN_TOKEN_TTL_DAYS = env.int("LOGIN_TOKEN_TTL_DAYS", default=90)
# LivePerson-style bearers expire after this many hours.
BEARER_TTL_HOURS = env.int("BEARER_TTL_HOURS", default=24)

# SelfCommunity's OAuth2 server (django-oauth-toolkit). RFC 9700 recommendations are
# enforced except two, both the vendor's: its clients log in with the password grant, so it
# stays; and its docs show the authorization-code grant without PKCE, so an admin may turn
# PKCE off for a confidential client (RFC 9700 recommends it for them, and requires it only
# of public clients, which always need it here).
OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read community content", "write": "Publish and edit"},
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=36000),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_TOKEN_SECONDS", default=30 * 86400),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Per client, chosen in the admin: on unless a confidential client turned it off, and
    # always on for a public one (access/pkce.py). The toolkit calls it with the client id.
    "PKCE_REQUIRED": pkce_required,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if HTTPS else ["http", "https"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # An unknown client id costs the same hash as a wrong secret (no client-id oracle).
    "OAUTH2_VALIDATOR_CLASS": "access.oauth.PortalOAuth2Validator",
}
# W002 warns that the password grant is enabled: SelfCommunity's contract needs it.
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W002"]
# The authorization-code grant sends a browser that is not logged in here.
LOGIN_URL = "/oauth/login/"

# Whether anonymous clients (no credential at all) may read SelfCommunity's statuses,
# categories and tags, as the vendor's `content_availability` community option allows;
# writes and every route about the caller still need a bearer. Off: every route needs one.
COMMUNITY_ANONYMOUS_READS = env.bool("COMMUNITY_ANONYMOUS_READS", default=False)
# Largest image a community member may upload as a media.
COMMUNITY_IMAGE_MAX_BYTES = env.int("COMMUNITY_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# Chunked uploads (`media/upload/chunk/`, community/uploads.py): the largest chunk
# (SelfCommunity's documented 204800 bytes, the size its UI sends), the folder where the
# chunks of an upload in progress wait, outside MEDIA_ROOT so that they are never served
# (every web process must see the same folder), and how long an upload may sit without a
# new chunk before it is removed with its file.
COMMUNITY_UPLOAD_CHUNK_MAX_BYTES = env.int("COMMUNITY_UPLOAD_CHUNK_MAX_BYTES", default=204800)
COMMUNITY_UPLOAD_DIR = env.path(
    "COMMUNITY_UPLOAD_DIR", default=Path(tempfile.gettempdir()) / "portal-chunked-uploads"
)
COMMUNITY_UPLOAD_EXPIRY_SECONDS = env.int("COMMUNITY_UPLOAD_EXPIRY_SECONDS", default=3600)
# Largest image, in pixels (width x height), that any upload may claim in its header: it
# is refused before it is decoded, as decoding costs up to 4 bytes a pixel (100 MB at 25M).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=25_000_000)

# Where no view's own handler runs (unknown paths, a refused Host header, a database
# outage), a surface's path still answers in its error shape: the first pattern that
# matches the path (re.match), as (pattern, dotted ErrorShape). Each surface of
# config/surfaces.py declares its own (`errors`); a fallback such as Libredesk's /api/v1/,
# which Rocket.Chat's method names share, is tried after every other pattern.
API_ERROR_SHAPES = ERROR_SHAPES
# What Retry-After says while the database cannot be reached.
DATABASE_RETRY_AFTER_SECONDS = 5

# Admin imports: largest file, most rows, and how long a previewed file waits for its
# confirmation (in the cache, never in a temp folder).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)
IMPORT_PENDING_SECONDS = 3600

# Change events to webhook subscribers (webhooks/, docs/architecture.md "Webhooks"). The
# queue is django-tasks with its database backend: a task row commits with the change.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "webhooks"]}
}
# Where each kind of object gets its surfaces' shapes: the modules each surface of
# config/surfaces.py names (`events`), which register them.
WEBHOOKS_EVENT_SHAPES = EVENT_SHAPES
# Targets on loopback, private, link-local (cloud metadata) or other non-public addresses
# are refused, at delivery time too, unless this is on (tests and `make run` turn it on).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
# Plain http targets only where the portal itself is not served over HTTPS (development).
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=HTTPS)
# Fernet keys (urlsafe base64, 32 bytes) that encrypt the webhook signing secrets and the
# LivePerson API keys' two secrets at rest; the first encrypts, all decrypt. Empty: one key
# derived from SECRET_KEY (docs/security.md).
WEBHOOKS_ENCRYPTION_KEYS = env.list("WEBHOOKS_ENCRYPTION_KEYS", default=[])
# How long a worker holds a delivery it is sending (longer than one attempt can take: 10 s
# to connect, 30 s for the reply), and how often workers look for abandoned ones.
WEBHOOKS_LEASE_SECONDS = env.int("WEBHOOKS_LEASE_SECONDS", default=60)
WEBHOOKS_SWEEP_SECONDS = env.float("WEBHOOKS_SWEEP_SECONDS", default=15)
# Each worker process sends on this many threads, and a subscription has at most this many
# deliveries being sent at once: a target that answers slowly holds up only its own queue.
WEBHOOKS_WORKER_THREADS = env.int("WEBHOOKS_WORKER_THREADS", default=8)
WEBHOOKS_SENDS_PER_SUBSCRIPTION = env.int("WEBHOOKS_SENDS_PER_SUBSCRIPTION", default=2)
# Retries: exponential from BASE, capped at MAX, with jitter, for RETRY_FOR_HOURS after the
# event; a subscription failing without a break for PAUSE_AFTER_DAYS is paused.
WEBHOOKS_RETRY_BASE_SECONDS = env.float("WEBHOOKS_RETRY_BASE_SECONDS", default=5)
WEBHOOKS_RETRY_MAX_SECONDS = env.float("WEBHOOKS_RETRY_MAX_SECONDS", default=3600)
WEBHOOKS_RETRY_FOR_HOURS = env.float("WEBHOOKS_RETRY_FOR_HOURS", default=24)
WEBHOOKS_PAUSE_AFTER_DAYS = env.int("WEBHOOKS_PAUSE_AFTER_DAYS", default=3)
# Workers delete finished deliveries (with their attempts), events left without deliveries,
# and the queue's finished task rows once they are this many days old (webhooks/retention.py).
WEBHOOKS_RETENTION_DAYS = env.int("WEBHOOKS_RETENTION_DAYS", default=30)
