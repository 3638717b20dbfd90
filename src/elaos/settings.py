"""e-Laos settings: everything that differs between machines comes from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into an ignored local file."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = PROJECT_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "elaos.core",
    "elaos.accounts",
    "elaos.agencies",
    "elaos.notifications",
    "elaos.workflows",
    "elaos.payments",
    "elaos.documents",
    "elaos.search",
    "elaos.services",
    "elaos.civil_society",
    "elaos.consultation",
    "elaos.coordination",
    "elaos.budget",
    "elaos.migration",
    "elaos.protection",
    "elaos.exchange",
    "elaos.oidc",
    "elaos.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "oauth2_provider",
]

MIDDLEWARE = [
    "elaos.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "elaos.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "elaos.urls"
WSGI_APPLICATION = "elaos.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    }
]

# Database: DATABASE_URL, SQLite by default. SQLite runs in WAL mode with IMMEDIATE transactions so that
# concurrent writers queue instead of failing, and the audit chain's read-then-append is serialised.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "elaos.accounts.backends.EmailPasswordBackend",
    "elaos.accounts.backends.PhoneCodeBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60

# Throttling (django-axes): 5 failures lock the login identifier for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "elaos.accounts.backends.login_identifier"
AXES_LOCKOUT_CALLABLE = "elaos.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# Locking by IP address would lock whole mobile networks: Lao operators put many phones behind one carrier-grade
# NAT address. Per-identifier locking is kept; address-level abuse is for the reverse proxy's rate limits.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# Phone sign-in codes
PHONE_CODE_LENGTH = 6
PHONE_CODE_TTL_SECONDS = 10 * 60
PHONE_CODE_MAX_PER_HOUR = 5
PHONE_REGION = "LA"

# Internationalisation: Lao first, English second.
LANGUAGE_CODE = "lo"
LANGUAGES = [("lo", "ລາວ"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "elaos_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["elaos.formats"]
TIME_ZONE = "Asia/Vientiane"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = PROJECT_DIR / "media"
# Uploads and issued documents: outside the web root, served only through views that check access.
# The public address of this installation: links in SMS and e-mail, and the QR codes on issued documents.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
ELAOS_PUBLIC_URL = SITE_URL
PRIVATE_MEDIA_ROOT = Path(os.environ.get("ELAOS_PRIVATE_MEDIA", PROJECT_DIR / "private-media"))
SERVICES_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Security headers and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Background tasks: django-tasks with the database backend (no broker needed).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications"],
    }
}

# Periodic tasks, enqueued by `manage.py periodic` (started by `manage.py serve`): (task path, every N seconds).
PERIODIC_TASKS = [
    ("elaos.workflows.tasks.sla_sweep", 300),
    ("elaos.payments.tasks.expire_payments", 600),
    ("elaos.civil_society.tasks.annual_report_reminders", 24 * 60 * 60),
]

# Anonymous visitors' copies of public pages (home, catalogue, register) are kept this long (0 turns it off).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "elaos"}}
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))

# The bank simulator page (/payments/simulator/<reference>/) "pays" a Lao QR in development and demos.
PAYMENTS_SIMULATOR = env_bool("PAYMENTS_SIMULATOR")

# Notifications: "outbox" keeps messages in the local simulator (read them at /backoffice/outbox/);
# "kannel" sends SMS through a Kannel-compatible HTTP gateway; "smtp" sends e-mail through EMAIL_HOST.
NOTIFY_SMS_BACKEND = os.environ.get("NOTIFY_SMS_BACKEND", "outbox")
NOTIFY_EMAIL_BACKEND = os.environ.get("NOTIFY_EMAIL_BACKEND", "outbox")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "http://127.0.0.1:13013/cgi-bin/sendsms")
SMS_GATEWAY_USERNAME = os.environ.get("SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PASSWORD = os.environ.get("SMS_GATEWAY_PASSWORD", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "e-Laos")
NOTIFY_MAX_ATTEMPTS = 6
NOTIFY_BACKOFF_SECONDS = 30
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "e-Laos <no-reply@e-laos.gov.la>")

NINJA_PAGINATION_PER_PAGE = 50

# --- budget (Glass Accounts) settings: owned by the budget app ---
# --- end budget ---

# --- migration and protection settings: owned by the migration and protection apps ---
# --- end migration ---

# --- OpenID Provider (django-oauth-toolkit) and federation: owned by the oidc app ---
# --- end oidc ---

# --- agency data exchange, consent, webhooks: owned by the exchange app ---
# --- end exchange ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "elaos.core.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
