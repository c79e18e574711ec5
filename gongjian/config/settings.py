"""All settings, read from the environment (see docs/configuration.md).

Production differs from development only through the environment.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_secret(
    name: str, *, generate: str | None = None, data_dir: Path, optional: bool = False
) -> str:
    """A secret from `NAME`, from the file named by `NAME_FILE`, or generated once on first
    run and kept in the data directory (outside the repository, never committed); empty if
    `optional` and neither is set."""
    value = str(env.str(name, default=""))
    if value:
        return value
    path = env.str(f"{name}_FILE", default="")
    if path:
        return str(Path(path).read_text(encoding="utf-8")).strip()
    if generate is None:
        if optional:
            return ""
        raise environ.ImproperlyConfigured(f"Set {name} or {name}_FILE")
    kept = data_dir / "secrets" / name.lower()
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.touch(mode=0o600)
        kept.write_text(generate, encoding="utf-8")
    return kept.read_text(encoding="utf-8").strip()


DATA_DIR = Path(env.str("GONGJIAN_DATA_DIR", default=str(Path.home() / ".local/share/gongjian")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("GONGJIAN_DEBUG", default=False)
HTTPS = env.bool("GONGJIAN_HTTPS", default=False)
SECRET_KEY = env_secret(
    "GONGJIAN_SECRET_KEY", generate=secrets.token_urlsafe(50), data_dir=DATA_DIR
)


def fernet_key(name: str, key: str, *, where: str = "") -> str:
    """`key`, checked to be a Fernet key, so that a wrong one stops the start with the
    variable's name rather than failing at the first personal field read."""
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise environ.ImproperlyConfigured(
            f"{name}{where} is not a Fernet key "
            "(32 bytes in URL-safe base64, as made by Fernet.generate_key())"
        ) from None
    return key


def fernet_keys(name: str, value: str) -> list[str]:
    """The Fernet keys in `value`, separated by commas (or white space), each checked."""
    keys = value.replace(",", " ").split()
    return [fernet_key(name, k, where=f": key {n} of {len(keys)}") for n, k in enumerate(keys, 1)]


# Key for personal fields (ID numbers, phones): a Fernet key. Lookup hashes use a key derived
# from it. Losing it loses those fields. To change it: `gongjian field_key_rotate`.
FIELD_KEY = fernet_key(
    "GONGJIAN_FIELD_KEY",
    env_secret("GONGJIAN_FIELD_KEY", generate=Fernet.generate_key().decode(), data_dir=DATA_DIR),
)
# Previous field keys, only ever used to decrypt values written before the last rotation.
FIELD_KEYS_OLD = fernet_keys(
    "GONGJIAN_FIELD_KEYS_OLD",
    env_secret("GONGJIAN_FIELD_KEYS_OLD", data_dir=DATA_DIR, optional=True),
)
ALLOWED_HOSTS = env.list("GONGJIAN_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("GONGJIAN_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its own copy of Swagger UI for /api/v1/docs (no CDN)
    "django_tasks",
    "django_tasks_db",  # the database backend's tables and its worker (gongjian db_worker)
    "django_prometheus",
    "django_otp",
    "django_otp.plugins.otp_static",
    "gongjian.core",
    "gongjian.accounts",
    "gongjian.orgs",
    "gongjian.reporting",
    "gongjian.service",
    "gongjian.cobuild",
    "gongjian.evaluation",
    "gongjian.study",
    "gongjian.inspection",
    "gongjian.consult",
    "gongjian.grid",
    "gongjian.mobilise",
    "gongjian.forms",
    "gongjian.reports",
]

MIDDLEWARE = [
    "gongjian.core.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongjian.core.middleware.RejectNulMiddleware",
    "gongjian.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongjian.core.middleware.RequestContextMiddleware",
    "gongjian.core.web.PageErrorMiddleware",
    "gongjian.core.replica.ReadYourWritesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "gongjian.config.urls"
WSGI_APPLICATION = "gongjian.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongjian.orgs.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'gongjian.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("GONGJIAN_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica for the dashboard's, statistics', exports' and briefings' reads
# (gongjian/core/replica.py, ADR 0022); the primary serves everything else.
REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gongjian.core.replica.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("GONGJIAN_REPLICA_MAX_LAG_SECONDS", default=10.0)
REPLICA_CHECK_SECONDS = env.float("GONGJIAN_REPLICA_CHECK_SECONDS", default=5.0)
READ_YOUR_WRITES_SECONDS = env.int("GONGJIAN_READ_YOUR_WRITES_SECONDS", default=10)
# Behind pgbouncer in transaction mode: no server-side cursors (Django's requirement).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    for _alias in DATABASES:
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
            "GONGJIAN_DB_DISABLE_SERVER_SIDE_CURSORS", default=False
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env.str(
            "GONGJIAN_TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Text messages (the outbox, `gongjian outbox_send`): off, log (masked, nothing leaves) or http
# (a JSON POST to the gateway at GONGJIAN_SMS_URL); see gongjian/core/sms.py.
# The office that issues certificates and briefings (its full name, as on its seal); empty:
# 中共<the district>委直属机关工作委员会. See docs/documents.md.
DOCUMENT_ISSUER = str(env.str("GONGJIAN_DOCUMENT_ISSUER", default=""))
# The briefing's .docx template (红头, 版记, styles) an office may replace with its own; empty:
# the one shipped in gongjian/reports/data/briefing-template.docx. See docs/documents.md.
BRIEFING_TEMPLATE = str(env.str("GONGJIAN_BRIEFING_TEMPLATE", default=""))
# CJK font files for PDFs, the first that exists is embedded (subset); GONGJIAN_PDF_CJK_FONT
# puts one first. Debian: apt-get install fonts-noto-cjk.
PDF_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)

SMS_BACKEND = str(env.str("GONGJIAN_SMS_BACKEND", default="off")).strip().lower()
SMS_URL = str(env.str("GONGJIAN_SMS_URL", default=""))
SMS_TOKEN = env_secret("GONGJIAN_SMS_TOKEN", data_dir=DATA_DIR, optional=True)
SMS_SIGN = str(env.str("GONGJIAN_SMS_SIGN", default=""))
# The public suggestion form for residents without an account (an SMS code proves the phone).
CONSULT_PUBLIC_FORM = env.bool("GONGJIAN_CONSULT_PUBLIC_FORM", default=False)
if SMS_BACKEND not in ("off", "log", "http"):
    raise environ.ImproperlyConfigured(
        f"GONGJIAN_SMS_BACKEND is {SMS_BACKEND!r}; expected off, log or http"
    )
if SMS_BACKEND == "http" and not SMS_URL.startswith(("http://", "https://")):
    raise environ.ImproperlyConfigured(
        "GONGJIAN_SMS_BACKEND is http: set GONGJIAN_SMS_URL to the gateway's http(s) URL"
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gongjian.accounts.backends.PhoneOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "gongjian.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "gongjian.accounts.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gongjian.accounts.validators.NotPersonalValidator"},
    {"NAME": "gongjian.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"last": 5}},
]
PASSWORD_HASHERS = env.list(
    "GONGJIAN_PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
PASSWORD_MAX_AGE_DAYS = env.int("GONGJIAN_PASSWORD_MAX_AGE_DAYS", default=90)
# The log-in policy (ADR 0011): failures per account and source address lock that pair; many
# more across all sources lock the account's password log-in (SMS codes still work).
LOCKOUT_FAILURES = env.int("GONGJIAN_LOCKOUT_FAILURES", default=5)
LOCKOUT_WINDOW_MINUTES = env.int("GONGJIAN_LOCKOUT_WINDOW_MINUTES", default=15)
LOCKOUT_ACCOUNT_FAILURES = env.int("GONGJIAN_LOCKOUT_ACCOUNT_FAILURES", default=50)
LOCKOUT_SOURCE_FAILURES = env.int("GONGJIAN_LOCKOUT_SOURCE_FAILURES", default=300)
SMS_CODES_PER_SOURCE_HOUR = env.int("GONGJIAN_SMS_CODES_PER_SOURCE_HOUR", default=100)
# Second factors (TOTP) for the posts that can unmask or export; off only for a trial.
OTP_REQUIRED = env.bool("GONGJIAN_OTP_REQUIRED", default=True)
OTP_FRESH_MINUTES = env.int("GONGJIAN_OTP_FRESH_MINUTES", default=15)
OTP_TOTP_ISSUER = env.str("GONGJIAN_OTP_ISSUER", default="共建平台")
API_TOKEN_MAX_DAYS = 90
API_TOKEN_IDLE_DAYS = env.int("GONGJIAN_API_TOKEN_IDLE_DAYS", default=30)
SESSION_IDLE_MINUTES = env.int("GONGJIAN_SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("GONGJIAN_SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUDIT_RETENTION_DAYS = max(184, env.int("GONGJIAN_AUDIT_RETENTION_DAYS", default=184))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("GONGJIAN_STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("GONGJIAN_MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Static files are collected (`gongjian collectstatic`) and served from STATIC_ROOT; scanning
# the finders on every start would cost each test client ~0.4 s.
WHITENOISE_USE_FINDERS = False

UPLOAD_MAX_BYTES = env.int("GONGJIAN_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_UNZIPPED_BYTES = env.int("GONGJIAN_UPLOAD_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024)
UPLOAD_MAX_ZIP_ENTRIES = env.int("GONGJIAN_UPLOAD_MAX_ZIP_ENTRIES", default=2000)
# An import upload is kept (encrypted) only between its check and its commit or discard;
# `gongjian import_purge`, run every few minutes, discards what is older than this.
IMPORT_KEEP_HOURS = env.float("GONGJIAN_IMPORT_KEEP_HOURS", default=1.0)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security: behind HTTPS in production (GONGJIAN_HTTPS=1), plain HTTP for the local demo.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy on every response (django-csp 4 format): scripts and styles
# from this site only, no inline script, no style="…" attribute (app.js applies widths and
# colours from data attributes), no plugins, no framing. A response that sets its own header
# (the evidence files) keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("GONGJIAN_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("GONGJIAN_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("GONGJIAN_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Read the client's address from X-Forwarded-For only when nginx sets it.
TRUST_X_FORWARDED_FOR = env.bool("GONGJIAN_TRUST_X_FORWARDED_FOR", default=False)

# Health and metrics (gongjian/core/health.py): /metrics answers only these networks.
METRICS_NETWORKS = env.list("GONGJIAN_METRICS_NETWORKS", default=["127.0.0.1/32", "::1/128"])
READY_MAX_QUEUE_AGE_SECONDS = env.float("GONGJIAN_READY_MAX_QUEUE_AGE_SECONDS", default=600.0)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
PROMETHEUS_EXPORT_MIGRATIONS = False

# Logs: one JSON object a line (time, level, request id, user id; gongjian/core/logging.py),
# or `text` for a person reading a terminal; phones and ID numbers are redacted either way.
LOG_FORMAT = str(env.str("GONGJIAN_LOG_FORMAT", default="json")).strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"pii": {"()": "gongjian.core.logging.RedactPersonalInfo"}},
    "formatters": {
        "json": {"()": "gongjian.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["pii"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        },
    },
    "loggers": {
        # One line per request (no query string) when GONGJIAN_REQUEST_LOG=1.
        "gongjian.request": {
            "level": "INFO" if env.bool("GONGJIAN_REQUEST_LOG", default=False) else "WARNING"
        },
    },
    "root": {"handlers": ["console"], "level": env.str("GONGJIAN_LOG_LEVEL", default="WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
