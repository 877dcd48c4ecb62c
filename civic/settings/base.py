"""Settings shared by every environment.

Environments differ only by environment variables; local.py, production.py and
test.py set defaults for those variables and nothing else of substance.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CIVIC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, so that its change forms show each language's field.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "template_partials",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "partnerships",
    "outcomes",
    "jobs",
    "kpis",
    "wellbeing",
    "delivery",
    "reports",
    "engagement",
    "exchange",
    "public",
    "networks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "civic.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages: the language their address names (/cy/... Welsh, else English);
    # the API and the admin site: Accept-Language (partnerships.i18n).
    "partnerships.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Public pages (PUBLIC_PATH_PREFIXES) are the same for everyone and kept
    # by shared caches: there the request has no user and no session read,
    # so nothing adds Vary: Cookie or sets a cookie.
    "partnerships.middleware.PublicPathsMiddleware",
    # Marks a session that has just written, so it reads its writes from the
    # primary rather than from a replica a moment behind (partnerships.replica).
    "partnerships.replica.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partnerships.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partnerships.middleware.HistoryContextMiddleware",
    # Last, so that the tenant transaction wraps exactly the view.
    "partnerships.middleware.TenantMiddleware",
    # After the tenant middleware: its process_view reads the membership
    # that the tenant middleware sets (an admin must have a second factor).
    "partnerships.middleware.SecondFactorMiddleware",
    # Answers a locked-out sign-in with the lockout page (after the tenant
    # middleware, so that the attempt's own rows are written in its scope).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civic.urls"
# The admin site's path (CIVIC_ADMIN_PATH, e.g. "staff-7f3k/"): /admin/ by
# default on a developer's machine and in the tests; production requires it
# set (production.py), so that the sign-in page is not where every scanner
# looks first. Obscurity only: the lockout and staff checks are the defence.
ADMIN_URL_PREFIX = "/" + os.environ.get("CIVIC_ADMIN_PATH", "admin/").strip("/") + "/"
API_URL_PREFIX = "/api/"
# Paths the tenant middleware leaves alone: /healthz must answer even when
# the database is down, so it cannot start a transaction first.
TENANT_EXEMPT_PATHS = ("/healthz", "/healthz/")
# The published pages, embeds, open data and report PDFs (public/urls.py),
# in English and in Welsh: answered alike to every visitor, signed in or not.
PUBLIC_PATH_PREFIXES = ("/public/", "/cy/public/")
WSGI_APPLICATION = "civic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.policy.policy_context",
                "partnerships.i18n.language_twin",
                "civic.navigation.navigation",
            ],
        },
    },
]

# PostgreSQL is the only database. Row-level security depends on it.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. `make demo` starts an embedded PostgreSQL and "
        "sets it for you; see README.md."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
# A streaming replica (README, "Scaling"): dashboards, reports and exports
# read from it (partnerships.replica); writes, and a session's reads for a
# moment after it wrote, go to the primary. The same runtime role.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_READ_YOUR_WRITES_SECONDS = int(
    os.environ.get("CIVIC_REPLICA_READ_YOUR_WRITES_SECONDS", "10")
)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # The test suite reads the replica alias from the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["partnerships.replica.ReplicaRouter"]
# The dashboard's rendered content is cached by the partnership's data version
# (reports.dashboard_cache.dashboard_html_get); 0 turns the cache off.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("CIVIC_DASHBOARD_CACHE_SECONDS", "86400"))
# Two roles (README, "Database roles"): DATABASE_URL names the role this
# process connects as. Web, workers and beat use the runtime role, which owns
# nothing; `migrate`, `demo_load` and the other owner commands run with
# DATABASE_URL set to the owner's URL. The migrations grant the runtime role,
# named here, its row privileges.
DATABASE_RUNTIME_ROLE = os.environ.get("DATABASE_RUNTIME_ROLE", "civic")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partnerships.User"
# django-axes first: it refuses a locked-out account or address before any
# password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "partnerships.backends.EmailBackend",
]
# Passwords the NCSC way: length, no composition rules, no common or breached
# password (Django's shipped list of 20,000), not the password being replaced.
PASSWORD_MIN_LENGTH = int(os.environ.get("CIVIC_PASSWORD_MIN_LENGTH", "12"))
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "partnerships.passwords.NotCurrentPasswordValidator"},
]

# Sign-in lockout (django-axes): after CIVIC_LOGIN_FAILURE_LIMIT failed
# sign-ins for one email address, or from one client address, further
# attempts for it are refused for CIVIC_LOGIN_COOLOFF_MINUTES (platform staff
# can lift a lockout sooner in the admin site, under Axes). Per account stops
# guessing one password from many addresses; per address stops one address
# trying many accounts. Unknown addresses count and lock alike, so the answers
# never tell whether an account exists. Failures are counted in the database.
AXES_FAILURE_LIMIT = int(os.environ.get("CIVIC_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_MINUTES = int(os.environ.get("CIVIC_LOGIN_COOLOFF_MINUTES", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "partnerships.backends.login_username"
AXES_LOCKOUT_CALLABLE = "partnerships.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout, not from the latest refused attempt: the
# page can tell the account's owner when to come back, and trying early (even
# with the right password) does not keep them out longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sign-ins are recorded as security events; axes keeps only the failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind CIVIC_TRUSTED_PROXIES proxies
# the address that many hops back in X-Forwarded-For (never the header alone,
# which a client can fill with anything to dodge the per-address count).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("CIVIC_TRUSTED_PROXIES", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    if AXES_IPWARE_PROXY_COUNT
    else ("REMOTE_ADDR",)
)

# Idle sessions end (partnerships.middleware.IdleTimeoutMiddleware): after
# CIVIC_IDLE_TIMEOUT_ADMIN_MINUTES without a request for platform staff and
# anyone who administers a partnership, CIVIC_IDLE_TIMEOUT_MINUTES for
# everyone else.
IDLE_TIMEOUT_ADMIN_MINUTES = int(
    os.environ.get("CIVIC_IDLE_TIMEOUT_ADMIN_MINUTES", "30")
)
IDLE_TIMEOUT_MINUTES = int(os.environ.get("CIVIC_IDLE_TIMEOUT_MINUTES", str(8 * 60)))
# Multi-factor authentication (django-otp: authenticator apps, and recovery
# codes). Partnership admins and platform staff must enrol at their first
# sign-in and give a code at every sign-in after; everyone else may enrol.
# CIVIC_MFA_REQUIRED=0 lifts the requirement (`make demo` does, so that the
# demo accounts sign in with a password alone; the sign-in page says so).
MFA_REQUIRED = env_bool("CIVIC_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("CIVIC_MFA_ISSUER", "Civic")
# Passkeys (django-otp-webauthn), a second factor only: never a sign-in
# without the password. The relying party ID is the host people reach the
# site at (the request's, which ALLOWED_HOSTS vouches for) unless
# CIVIC_WEBAUTHN_RP_ID names it; passkeys belong to that domain, so set it
# before anyone enrols. The origin checked is the request's scheme and host
# unless CIVIC_WEBAUTHN_ORIGINS lists them (comma-separated).
WEBAUTHN_RP_ID = os.environ.get("CIVIC_WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CIVIC_WEBAUTHN_ORIGINS", "").split(",")
    if origin.strip()
]
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_RP_ID_CALLABLE = "partnerships.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "partnerships.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Sensitive actions (roles, second factors, exports of everything, locking
# and reopening quarters, passwords, API tokens) ask for the password (and a
# code, if enrolled) again when the last sign-in or confirmation is older.
REAUTHENTICATION_MINUTES = int(os.environ.get("CIVIC_REAUTHENTICATION_MINUTES", "10"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "partnerships:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Each language named in itself, as a language switch must (a Welsh reader
# looks for "Cymraeg", not "Welsh"), so the names are not translated.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The partnership's own texts in both languages (django-modeltranslation):
# each registered field gets ``<field>_en`` and ``<field>_cy`` columns in the
# same row, so the table's row-level security covers the Welsh text too. The
# field's own name reads the active language's text, falling back to English
# (``en-gb`` is matched to ``en``); templates mark a fallback with
# ``{% bilingual obj "field" %}`` (civic/templatetags/bilingual.py).
MODELTRANSLATION_LANGUAGES = ("en", "cy")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Annual report PDFs: the filesystem under CIVIC_VAR_DIR, or an S3-compatible
# bucket when CIVIC_REPORTS_BUCKET is set (credentials from the usual AWS_*
# variables). Either way they are reached only through the download view,
# which checks membership; neither has a public URL.
REPORTS_BUCKET = os.environ.get("CIVIC_REPORTS_BUCKET", "")
if REPORTS_BUCKET:
    REPORTS_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": REPORTS_BUCKET,
            "endpoint_url": os.environ.get("CIVIC_REPORTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CIVIC_REPORTS_S3_REGION") or None,
            "location": os.environ.get("CIVIC_REPORTS_S3_PREFIX", "reports"),
            "default_acl": "private",
            "file_overwrite": True,
            "querystring_auth": True,
        },
    }
else:
    REPORTS_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "reports", "allow_overwrite": True},
    }
# Uploaded spreadsheets waiting to be checked and imported: reached only by
# the import task, never through a URL.
IMPORTS_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": VAR_DIR / "imports"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "reports": REPORTS_STORAGE,
    "imports": IMPORTS_STORAGE,
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }

# Celery: with no broker configured, tasks run in-process (the demo).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A render that outlives the hard limit is killed; the soft limit fires first
# so the report is marked failed with a reason rather than left rendering.
# Spreadsheet imports: the largest upload, and the limits an XLSX (a zip)
# must keep before it is opened at all (see exchange/spreadsheets.py).
IMPORT_MAX_BYTES = int(os.environ.get("CIVIC_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("CIVIC_IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))
)
IMPORT_MAX_ZIP_RATIO = 200
IMPORT_MAX_ZIP_ENTRIES = 1000
IMPORT_TIME_LIMIT = int(os.environ.get("CIVIC_IMPORT_TIME_LIMIT", "600"))
REPORT_RENDER_TIME_LIMIT = int(os.environ.get("CIVIC_REPORT_TIME_LIMIT", "300"))
REPORT_RENDER_HARD_TIME_LIMIT = REPORT_RENDER_TIME_LIMIT + max(
    2, REPORT_RENDER_TIME_LIMIT // 10
)
# A message whose worker died unacknowledged goes back on the queue after the
# visibility timeout, so it must outlast the longest legitimate render, or a
# slow render would be delivered to a second worker while the first still runs.
# Workers sweep for such messages every CELERY_RESTORE_INTERVAL seconds (the
# transport's default sweeps only every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(
        os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(3 * REPORT_RENDER_TIME_LIMIT))
    ),
    "unacked_restore_interval": int(os.environ.get("CELERY_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": 1,
}
if (
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    <= REPORT_RENDER_HARD_TIME_LIMIT
):
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than the report render's hard "
        "time limit (CIVIC_REPORT_TIME_LIMIT plus a tenth)."
    )
# WeasyPrint keeps memory until its process exits: recycle a worker child once
# it has grown past this many KiB (checked after each task).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = (
    int(os.environ.get("CELERY_WORKER_MAX_MEMORY_MIB", "400")) * 1024
)
CELERY_TIMEZONE = TIME_ZONE
# Hourly: the Reminder rows keep each email to once, and a missed hour
# (beat restarting) is caught up by the next.
CELERY_BEAT_SCHEDULE = {
    "quarter-reminders": {
        "task": "kpis.tasks.send_quarter_reminders",
        "schedule": crontab(minute=0),
    },
    # Admins' daily digest of figures submitted, approved and returned, at
    # 07:00 (TIME_ZONE); a second run the same day sends nothing again.
    "admin-digests": {
        "task": "kpis.tasks.send_admin_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Jobs whose task the broker refused (Redis down) wait, marked; these
    # send them again once the broker is back (jobs.services.jobs_resend).
    "resend-unsent-imports": {
        "task": "exchange.tasks.resend_unsent_imports",
        "schedule": 60.0,
    },
    "resend-unsent-reports": {
        "task": "reports.tasks.resend_unsent_reports",
        "schedule": 60.0,
    },
    "resend-unsent-public-reports": {
        "task": "public.tasks.resend_unsent_public_reports",
        "schedule": 60.0,
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "civic@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the
# tests' real worker writes its emails there).
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# The address links in emails start with: the site as its users reach it.
SITE_URL = os.environ.get("CIVIC_SITE_URL", "http://localhost:8000")

# Django's database sessions, read by a statement written once
# (partnerships.sessions).
SESSION_ENGINE = "partnerships.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS: on by default in production (production.py), off elsewhere.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT")
# The containers' health checks ask over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
# Preloading commits the whole domain to HTTPS in browsers' shipped lists,
# which takes months to undo: the operator opts in (DJANGO_HSTS_PRELOAD=1),
# and until then `check --deploy`'s reminder (W021) is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# django-otp-webauthn's check wants OTP_WEBAUTHN_ALLOWED_ORIGINS listed; our
# helper (partnerships.passkeys.PasskeyHelper) reads CIVIC_WEBAUTHN_ORIGINS or
# the request's own origin instead.
SILENCED_SYSTEM_CHECKS += ["otp_webauthn.E030"]
# X-Forwarded-Proto says whether the client used HTTPS; only a proxy that
# sets it on every request, overwriting the client's, may be believed, and
# only when the application cannot be reached except through that proxy.
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): the pages load scripts, styles, fonts
# and images from the site itself only, and run no inline script or style but
# one carrying the request's nonce (`nonce="{{ request.csp_nonce }}"`; the
# nonce is in the header only on pages that use it). The API's documentation
# pages relax it for what Swagger UI and Redoc need (civic/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (civic.middleware): no page uses any of these browser
# features, so none may, not even a script that got in somehow.
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# The API (/api/v1/): bearer tokens first, so that a request without
# credentials is answered 401 with a WWW-Authenticate header; the session
# (with its CSRF check) serves the browsable docs and same-site scripts.
# Throttle counts live in the default cache: Redis when REDIS_URL is set,
# shared by every web process; otherwise each process counts for itself.
# With Redis down, reads pass uncounted and writes answer 503 (apiconf).
API_PAGE_SIZE = int(os.environ.get("CIVIC_API_PAGE_SIZE", "50"))
API_MAX_PAGE_SIZE = int(os.environ.get("CIVIC_API_MAX_PAGE_SIZE", "500"))
API_BULK_MAX_ROWS = int(os.environ.get("CIVIC_API_BULK_MAX_ROWS", "1000"))
# A token's "last used" is written at most this often, not on every request.
API_TOKEN_TOUCH_SECONDS = 60
# The deepest a JSON request body may nest (arrays and objects); the bulk
# record, the deepest the API takes, needs four.
API_JSON_MAX_DEPTH = 20
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partnerships.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["partnerships.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "partnerships.apiconf.PageNumberPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "EXCEPTION_HANDLER": "partnerships.apiconf.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "partnerships.apiconf.AnonThrottle",
        "partnerships.apiconf.UserThrottle",
        "partnerships.apiconf.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("CIVIC_API_RATE_ANON", "60/minute"),
        "user": os.environ.get("CIVIC_API_RATE_USER", "1200/hour"),
        "write": os.environ.get("CIVIC_API_RATE_WRITE", "120/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # How many proxies in front of the app append to X-Forwarded-For; the
    # throttles count by the address that many hops back. 0 (the default)
    # ignores the header, which a client can write anything into.
    "NUM_PROXIES": int(os.environ.get("CIVIC_TRUSTED_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Civic API",
    "DESCRIPTION": (
        "Read a partnership's framework (mission, priorities, outcomes, projects, "
        "performance measures), read and record quarterly values, and request and "
        "download annual reports. Every path under `/api/v1/p/{slug}/` belongs to "
        "one partnership: a partnership you are not a member of, and its objects, "
        "answer 404. Authenticate with `Authorization: Bearer <token>` (make a "
        "token at /account/tokens/) or a signed-in session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "kpis.models.ReviewStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "ProjectStatusEnum": "outcomes.models.ProjectStatus",
        "ActionStatusEnum": "delivery.models.ActionStatus",
        "RiskRatingEnum": "delivery.models.RiskRating",
        "ActivityStatusEnum": "engagement.models.ActivityStatus",
        # Two "kind" fields: an import's (what the file holds) and a Welsh
        # text's (what it belongs to).
        "ImportKindEnum": "exchange.models.ImportKind",
        # Two "language" fields: a report's (English, Welsh or bilingual) and
        # an invitation email's (a language of the site).
        "ReportLanguageEnum": "reports.models.ReportLanguage",
        "SiteLanguageEnum": [code for code, _name in LANGUAGES],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
