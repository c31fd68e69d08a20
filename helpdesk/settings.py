"""Settings for MC Helpdesk, read from the environment.

Development (DEBUG=1) gets safe defaults; production refuses to start without
SECRET_KEY and DATABASE_URL so a misconfigured server never runs on a
guessable key or a throw-away SQLite file.
"""
import os
from datetime import timedelta
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
    # --- Accounts (issue 11): login throttling, second factor (see "Accounts" below) ---
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # --- end accounts ---
    "helpdesk",
    "agencies",
    "complaints",
    "bots",
    "api",  # issue 14: the read API for partner systems (/api/v1/), top floor
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
    # --- Accounts (issue 11): second factor and session limits, right after authentication ---
    "django_otp.middleware.OTPMiddleware",
    "helpdesk.accounts.middleware.SessionLimitsMiddleware",
    "helpdesk.accounts.middleware.SecondFactorMiddleware",
    # --- end accounts ---
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # --- Production checks (issue 11): Content-Security-Policy header ---
    "csp.middleware.CSPMiddleware",
    # --- end production checks ---
    "simple_history.middleware.HistoryRequestMiddleware",
    # --- Accounts (issue 11): django-axes must be last (it answers locked-out logins) ---
    "axes.middleware.AxesMiddleware",
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

# --- Accounts (issue 11): passwords, throttling, second factor, sessions (docs/security.md) ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "helpdesk.accounts.passwords.ProjectPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "helpdesk:dashboard"
LOGOUT_REDIRECT_URL = "login"

# django-axes checks every authenticate() call (staff login and /admin/login/ alike) before Django's backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username, and separately a client IP, after AXES_FAILURE_LIMIT failures; the lock lifts after
# AXES_COOLOFF_MINUTES (an admin lifts it earlier with `manage.py axes_reset_username NAME` or `axes_reset_ip IP`).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "helpdesk.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "helpdesk.network.client_ip"  # honours TRUSTED_PROXIES, like the public lookup
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a fixed wait, not one an attacker keeps extending
# Behind N reverse proxies set TRUSTED_PROXIES=N: the client IP is then read from X-Forwarded-For (from the right).
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", os.environ.get("AGENCY_LOOKUP_TRUSTED_PROXIES", "0")))

# Second factor: TOTP apps plus one-time recovery codes; required for managers and admins (helpdesk/accounts).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "MC Helpdesk")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP key or QR code

# Sessions end 8 hours after login and after 30 minutes without a request (shared centre phones).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_AGE_MINUTES", "480")) * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# A reset link an admin hands over (or that is e-mailed) works once and for this long.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_HOURS", "72")) * 3600
# E-mail (password reset by e-mail) only when EMAIL_HOST is set; otherwise admins hand over reset links.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", EMAIL_HOST_USER or "helpdesk@localhost")
# --- end accounts ---

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("my", _("Burmese"))]
# The project's catalogues come first: Django reads LOCALE_PATHS before the apps' catalogues, and without
# this django.contrib.admin's old Burmese ("Log in" as ဖွင့်ဝင်) would win over ours for shared strings.
# BASE_DIR/locale holds Burmese for the Django admin/auth strings staff see (Django ships few).
LOCALE_PATHS = [BASE_DIR / "locale", *(BASE_DIR / app / "locale" for app in ("helpdesk", "agencies", "complaints", "bots", "api"))]
TIME_ZONE = "Asia/Yangon"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Photos, documents and voice notes migrants send to the bots: private, served only through an access-checked view.
    "bot_attachments": {
        "BACKEND": os.environ.get("BOT_ATTACHMENT_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": os.environ.get("BOT_ATTACHMENT_ROOT", str(BASE_DIR / "private" / "bot_attachments"))},
    },
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
# How long a process trusts its cached register version (agencies/register.py); writes bump it at once.
AGENCY_REGISTER_RECHECK_SECONDS = int(os.environ.get("AGENCY_REGISTER_RECHECK_SECONDS", "10"))

# One process: the default local-memory cache. Several gunicorn workers or machines:
# set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so rate limits and caches are shared.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # Separate queues, separate workers (issue 13): a long import never delays a bot reply.
        # replies: webhook events and sending (`db_worker --queue-name replies`, several processes);
        # imports: contact and licence-list imports (`db_worker --queue-name imports`). See docs/bots.md.
        "QUEUES": ["default", "replies", "imports"],
    }
}

# --- Production checks (issue 11): HTTPS, HSTS, Content-Security-Policy; `check --deploy` is clean ---
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    # The proxy in front (nginx, Caddy) terminates TLS and must set X-Forwarded-Proto itself,
    # overwriting any value a client sends; gunicorn must not be reachable around it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Asking browsers to preload the domain is the domain owner's (irreversible) choice, not the app's.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
# No inline script anywhere (static files only); style attributes are allowed, <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# --- end production checks ---

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
    # Expected 403/404 answers are one INFO line, not a WARNING with a traceback (issue 11).
    "filters": {"expected_client_errors": {"()": "helpdesk.log_filters.ExpectedClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["expected_client_errors"]},
    },
}

# --- Bots (issue 6): channel secrets and API base URLs come only from the environment (README, "Bots").
BOT_NAME = os.environ.get("BOT_NAME", "MC Helpdesk")
BOT_DEFAULT_CENTRE = os.environ.get("BOT_DEFAULT_CENTRE", "")  # centre code, e.g. NDG
BOT_PUBLIC_URL = os.environ.get("BOT_PUBLIC_URL", "")  # https://host as the channels see it (behind a proxy)
# SMS segments one broadcast may spend (0: broadcasts send no SMS); see docs/broadcasts.md.
BROADCAST_SMS_BUDGET = int(os.environ.get("BROADCAST_SMS_BUDGET", "0"))
BOT_SEND_MAX_ATTEMPTS = int(os.environ.get("BOT_SEND_MAX_ATTEMPTS", "8"))
BOT_VOICE_PROMPT_MY_URL = os.environ.get("BOT_VOICE_PROMPT_MY_URL", "")  # recorded Burmese voice menu (mp3)
BOT_ATTACHMENT_MAX_BYTES = int(os.environ.get("BOT_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))  # larger files are not kept
BOT_ATTACHMENT_TYPES = os.environ.get(  # MIME types kept; "image/*" keeps every image type
    "BOT_ATTACHMENT_TYPES", "image/*,application/pdf,audio/ogg,audio/mpeg,audio/amr,audio/mp4,audio/x-m4a,audio/aac,video/mp4",
).split(",")
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_API_BASE = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org")
VIBER_AUTH_TOKEN = os.environ.get("VIBER_AUTH_TOKEN", "")
VIBER_API_BASE = os.environ.get("VIBER_API_BASE", "https://chatapi.viber.com")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
MESSENGER_PAGE_ACCESS_TOKEN = os.environ.get("MESSENGER_PAGE_ACCESS_TOKEN", "")
MESSENGER_APP_SECRET = os.environ.get("MESSENGER_APP_SECRET", "")  # signs every webhook call (X-Hub-Signature-256)
MESSENGER_VERIFY_TOKEN = os.environ.get("MESSENGER_VERIFY_TOKEN", "")  # any string; typed again in the Meta app dashboard
MESSENGER_API_BASE = os.environ.get("MESSENGER_API_BASE", "https://graph.facebook.com/v25.0")
MESSENGER_HUMAN_AGENT = env_bool("MESSENGER_HUMAN_AGENT")  # Meta approved the Human Agent feature: staff may reply for 7 days

# --- Retention (issue 12, docs/personal-data.md): days each kind of personal data is kept; `apply_retention` blanks the rest.
RETENTION_PAYLOAD_DAYS = int(os.environ.get("RETENTION_PAYLOAD_DAYS", "90"))  # raw webhook payloads and answers
RETENTION_TRANSCRIPT_DAYS = int(os.environ.get("RETENTION_TRANSCRIPT_DAYS", "180"))  # what migrants wrote, once handled
RETENTION_OUTBOUND_DAYS = int(os.environ.get("RETENTION_OUTBOUND_DAYS", "180"))  # what the bot and staff sent
RETENTION_SENSITIVE_DAYS = int(os.environ.get("RETENTION_SENSITIVE_DAYS", "365"))  # both, in conversations marked sensitive
RETENTION_ATTACHMENT_DAYS = int(os.environ.get("RETENTION_ATTACHMENT_DAYS", "180"))  # files migrants sent, once handled and not case evidence
RETENTION_CHANNEL_ID_DAYS = int(os.environ.get("RETENTION_CHANNEL_ID_DAYS", "365"))  # chat ids, phones, names of conversations without a case
RETENTION_CALLBACK_DAYS = int(os.environ.get("RETENTION_CALLBACK_DAYS", "90"))  # name and phone of a call-back request, once called back

# --- Partner API (issue 14, docs/api.md): calls per token per window (seconds); 0 turns the limit off.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "120"))
API_RATE_WINDOW = int(os.environ.get("API_RATE_WINDOW", "60"))
