"""Settings for MC Helpdesk, read from the environment.

Development (DEBUG=1) gets safe defaults; production refuses to start without
SECRET_KEY and DATABASE_URL so a misconfigured server never runs on a
guessable key or a throw-away SQLite file.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

if not DEBUG and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "helpdesk",
    "agencies",
    "complaints",
    "bots",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "helpdesk.middleware.QueryStringGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.upload_limits.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the tasks worker and the web process use the file at once.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    # Concurrent writers (two webhooks, web + worker) wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"].update(transaction_mode="IMMEDIATE", timeout=20)
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "helpdesk:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("my", _("Burmese"))]
# The project's catalogues come first: Django reads LOCALE_PATHS before the apps' catalogues, and without
# this django.contrib.admin's old Burmese ("Log in" as ဖွင့်ဝင်) would win over ours for shared strings.
# BASE_DIR/locale holds Burmese for the Django admin/auth strings staff see (Django ships few).
LOCALE_PATHS = [BASE_DIR / "locale", *(BASE_DIR / app / "locale" for app in ("helpdesk", "agencies", "complaints", "bots"))]
TIME_ZONE = "Asia/Yangon"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Public agency lookup (page and JSON API): requests per client IP per window (seconds); 0 turns the limit off.
# Behind N reverse proxies set AGENCY_LOOKUP_TRUSTED_PROXIES=N so the client IP is read from X-Forwarded-For.
AGENCY_LOOKUP_RATE_LIMIT = int(os.environ.get("AGENCY_LOOKUP_RATE_LIMIT", "30"))
AGENCY_LOOKUP_RATE_WINDOW = int(os.environ.get("AGENCY_LOOKUP_RATE_WINDOW", "60"))
AGENCY_LOOKUP_TRUSTED_PROXIES = int(os.environ.get("AGENCY_LOOKUP_TRUSTED_PROXIES", "0"))

# One process: the default local-memory cache. Several gunicorn workers or machines:
# set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so rate limits and caches are shared.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Protection (issue 11, docs/security-access.md): the access log of reads and exports, upload limits.
ACCESS_LOG_DAYS = int(os.environ.get("ACCESS_LOG_DAYS", "365"))  # purge_access_log deletes older entries
# Reverse proxies in front of the app (each appends to X-Forwarded-For): the access log records the client they saw.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", str(AGENCY_LOOKUP_TRUSTED_PROXIES)))
MB = 1024 * 1024
UPLOAD_MAX_BYTES = int(float(os.environ.get("UPLOAD_MAX_MB", "10")) * MB)  # one spreadsheet upload, refused before reading
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("DATA_UPLOAD_MAX_MB", "2.5")) * MB)  # a form's fields, files excluded
FILE_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("FILE_UPLOAD_MAX_MEMORY_MB", "2.5")) * MB)  # larger files go to a temp file
# An XLSX is a zip: these are checked on its directory before openpyxl unpacks anything.
XLSX_MAX_ROWS = int(os.environ.get("XLSX_MAX_ROWS", "200000"))
XLSX_MAX_COLUMNS = int(os.environ.get("XLSX_MAX_COLUMNS", "200"))
XLSX_MAX_UNPACKED_BYTES = int(float(os.environ.get("XLSX_MAX_UNPACKED_MB", "200")) * MB)  # all parts together
AGENCY_IMPORT_SYNC_ROWS = int(os.environ.get("AGENCY_IMPORT_SYNC_ROWS", "2000"))  # longer licence lists: background task
XLSX_MAX_SHARED_STRINGS_BYTES = int(float(os.environ.get("XLSX_MAX_SHARED_STRINGS_MB", "50")) * MB)
# Excel's cells hold at most 32,767 characters (up to ~128 KB of UTF-8, more once XML-escaped).
XLSX_MAX_CELL_BYTES = int(os.environ.get("XLSX_MAX_CELL_BYTES", str(256 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Bots (issue 6): channel secrets and API base URLs come only from the environment (README, "Bots").
BOT_NAME = os.environ.get("BOT_NAME", "MC Helpdesk")
BOT_DEFAULT_CENTRE = os.environ.get("BOT_DEFAULT_CENTRE", "")  # centre code, e.g. NDG
BOT_PUBLIC_URL = os.environ.get("BOT_PUBLIC_URL", "")  # https://host as the channels see it (behind a proxy)
BOT_SEND_MAX_ATTEMPTS = int(os.environ.get("BOT_SEND_MAX_ATTEMPTS", "8"))
BOT_VOICE_PROMPT_MY_URL = os.environ.get("BOT_VOICE_PROMPT_MY_URL", "")  # recorded Burmese voice menu (mp3)
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_API_BASE = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org")
VIBER_AUTH_TOKEN = os.environ.get("VIBER_AUTH_TOKEN", "")
VIBER_API_BASE = os.environ.get("VIBER_API_BASE", "https://chatapi.viber.com")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
