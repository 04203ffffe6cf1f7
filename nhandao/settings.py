"""One settings file, driven by the environment (see .env.example).

SQLite under var/ is the default so that a fresh clone runs with one command;
DATABASE_URL switches every command to PostgreSQL (or another SQLite file).
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("NHANDAO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# Development: `make run/test/demo` set NHANDAO_DEV=1, and so do the tests (inherited by the
# processes they start). Only then may SECRET_KEY and the key-encryption key be left out.
if "pytest" in sys.modules:
    os.environ.setdefault("NHANDAO_DEV", "1")
NHANDAO_DEV = env_bool("NHANDAO_DEV", False)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 (refused outside development)


def secret_key(environ, *, dev: bool) -> str:
    """SECRET_KEY from the environment or SECRET_KEY_FILE (a container secret). Outside
    development a missing, public or short key refuses to start: sessions, CSRF tokens and
    password-reset links would be forgeable."""
    key = environ.get("SECRET_KEY", "")
    if not key and environ.get("SECRET_KEY_FILE"):
        key = Path(environ["SECRET_KEY_FILE"]).read_text().strip()
    if dev:
        return key or DEV_SECRET_KEY
    if not key or key == DEV_SECRET_KEY or len(key) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY is required outside development (NHANDAO_DEV=1): at least 50 random "
            'characters, e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    return key


SECRET_KEY = secret_key(os.environ, dev=NHANDAO_DEV)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    # before django_tasks_db: its `db_worker` command is nhandao.lib's (the first app wins)
    "nhandao.lib",
    "django_tasks",
    "django_tasks_db",
    "nhandao.accounts",
    "nhandao.orgs",
    "nhandao.audit",
    "nhandao.campaigns",
    "nhandao.donations",
    "nhandao.beneficiaries",
    "nhandao.relief",
    "nhandao.people",
    "nhandao.reports",
    "nhandao.blood",
    "nhandao.movements",
    "nhandao.emulation",
    "nhandao.coordination",
    "nhandao.portal",
    "nhandao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a locked database (a long import on SQLite) answers 503 "đang bận", not 500
    "nhandao.lib.busy.BusyDatabaseMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' rule).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nhandao.urls"
WSGI_APPLICATION = "nhandao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nhandao.orgs.cockpit.frame",
            ],
            "builtins": ["nhandao.lib.templatetags.vn", "nhandao.orgs.templatetags.access_tags"],
        },
    }
]


def database_config(url: str, conn_max_age: int) -> dict:
    """The default database from its URL, with persistent connections on both backends: a
    request no longer pays for a new connection (PostgreSQL: a server process; SQLite:
    opening the file, the PRAGMAs, and a cold page cache that made every search read its
    index pages again). Health checks replace a connection the server closed (a PostgreSQL
    restart) before a request uses it. conn_max_age 0 closes it after each request."""
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while an import writes; IMMEDIATE transactions take
        # the write lock up front, so two writers queue instead of failing with "database
        # is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'nhandao.sqlite3'}"
DATABASES = {
    "default": database_config(DATABASE_URL, int(os.environ.get("DB_CONN_MAX_AGE", "600")))
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"nhandao.accounts.validators.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes): 5 failures per username and address
# lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
# Vietnamese only: a browser set to English must not get Django's own messages ("This field
# is required.") in English amid the Vietnamese pages.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True


def cache_config(url: str, *, testing: bool, var_dir: Path) -> dict:
    """The default cache, shared by every worker process (the portal's page and search-result
    caches and its per-client rate limits must not be per process):

    - `url` (REDIS_URL, or CACHE_URL=redis://…) set: Redis, shared by every machine;
    - otherwise files under var/cache: shared by the processes of one machine, needing no
      service and no table, so a fresh clone runs on SQLite alone. Not the database cache:
      on SQLite every cache write (a rate-limit counter on each search, each page filled)
      would take the database's single write lock and queue behind an import, and it
      counts its table on every write to cull it;
    - tests: in memory, so that each test starts from an empty cache of its own.
    """
    if testing:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nhandao"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "nhandao",
        }
    if url:
        raise ImproperlyConfigured(
            f"REDIS_URL/CACHE_URL must start with redis://, rediss:// or unix:// (got {url!r})."
        )
    return {
        "BACKEND": "nhandao.lib.filecache.FileCache",
        "LOCATION": str(var_dir / "cache"),
        # Django's file cache, trimmed every few seconds rather than on every write
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }


CACHES = {
    "default": cache_config(
        os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", ""),
        testing="pytest" in sys.modules,
        var_dir=VAR_DIR,
    )
}

# Notifications (blood reminders, one-time codes) go through Django's email backend; in
# development they are printed on the console instead of needing a mail server.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if NHANDAO_DEV
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "nhandao <khong-tra-loi@localhost>")
# the address of the site in links of notification emails ("https://nhandao.example.vn")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000" if NHANDAO_DEV else "")

# Text messages (lib/sms.py: blood reminders and one-time codes, users who choose SMS): a
# gateway from the environment; printed on the console in development; kept in memory in
# tests, whatever the environment, as Django does with email. With neither a gateway nor
# NHANDAO_DEV, SMS is not available: donors get email or stay on the call list.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
if not SMS_GATEWAY_TOKEN and os.environ.get("SMS_GATEWAY_TOKEN_FILE"):  # a container secret
    SMS_GATEWAY_TOKEN = Path(os.environ["SMS_GATEWAY_TOKEN_FILE"]).read_text().strip()
SMS_SENDER = os.environ.get("SMS_SENDER", "")  # the brand name registered with the carriers
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))  # seconds
if "pytest" in sys.modules:
    SMS_BACKEND = "nhandao.lib.sms.LocmemBackend"
else:
    SMS_BACKEND = os.environ.get("SMS_BACKEND") or (
        "nhandao.lib.sms.HttpGatewayBackend"
        if SMS_GATEWAY_URL
        else "nhandao.lib.sms.ConsoleBackend"
        if NHANDAO_DEV
        else ""
    )

# --- behind HTTPS (deploy/: Caddy in front; see deploy/production.env.example) -----------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's probe speaks plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The proxy says the request came over HTTPS; trusted only because the app listens where only
# the proxy reaches it (deploy/compose.yaml, deploy/systemd: 127.0.0.1 or the compose network).
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies whose X-Forwarded-For is believed (lib/net.client_ip: rate limits and lockout).
TRUSTED_PROXIES = [p for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_CLIENT_IP_CALLABLE = "nhandao.lib.net.client_ip"

# Uploaded and generated files on S3-compatible object storage (django-storages) when
# S3_BUCKET is set; else on disk under var/media.
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,  # private files: short-lived signed links only
            "file_overwrite": False,
        },
    }

# Logs on standard error; LOG_FORMAT=json writes one JSON object a line (python-json-logger)
# for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# dumpdata/loaddata keep microseconds (the ledger's hashes cover them): lib/serializers_json.py
SERIALIZATION_MODULES = {"json": "nhandao.lib.serializers_json"}

# Background work (django-tasks): a database queue worked by `nhandao db_worker`, in tests too
# (tests/conftest.py's `tasks` fixture runs that command): tests and production run the same
# code path. See docs/decisions/0003-tasks-after-commit.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
