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
    "elaos.core.middleware.UnstorableInputMiddleware",
]
CSRF_FAILURE_VIEW = "elaos.core.views.csrf_failure"

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
                "elaos.core.context_processors.shared_page",
            ],
        },
    }
]

# Database: DATABASE_URL, SQLite by default. SQLite runs in WAL mode with IMMEDIATE transactions so that
# concurrent writers queue (on a lock file, ADR 0009) instead of failing, and the audit chain's read-then-append
# is serialised. Connections are kept between requests on both (CONN_MAX_AGE): opening a SQLite file and running
# its PRAGMAs cost more than a whole cached page.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, whose transactions queue for the write lock in the kernel instead of polling (ADR 0009).
    DATABASES["default"]["ENGINE"] = "elaos.core.db.sqlite3"
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
SESSION_ENGINE = "elaos.accounts.sessions"  # Django's database sessions, read in plain SQL
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
    # Picks up messages whose worker died (their claim's lease ran out) when no new message wakes a worker.
    ("elaos.notifications.tasks.deliver_due", 60),
]

# Anonymous visitors' copies of public pages (home, catalogue, register) are kept this long (0 turns it off).
# Per process. The page caches (elaos.core.cache) keep a copy per signed-in session of a few pages: room for
# thousands of entries, not Django's default 300, which a busy worker would cycle through in seconds.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "elaos",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "10000"))},
    }
}
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
# Delivery in batches: a worker claims up to NOTIFY_BATCH_SIZE due messages for NOTIFY_LEASE_SECONDS and sends
# NOTIFY_SMS_CONCURRENCY at a time over one keep-alive connection pool (see elaos.notifications.tasks).
NOTIFY_BATCH_SIZE = int(os.environ.get("NOTIFY_BATCH_SIZE", "500"))
NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "600"))
NOTIFY_SMS_CONCURRENCY = int(os.environ.get("NOTIFY_SMS_CONCURRENCY", "16"))
# Kannel calls this address back with delivery reports (dlr-url); the message id travels in it.
SMS_DLR_URL = os.environ.get("SMS_DLR_URL", "")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "e-Laos <no-reply@e-laos.gov.la>")

NINJA_PAGINATION_PER_PAGE = 50

# --- budget (Glass Accounts) settings: owned by the budget app ---
# Every transaction at or above this amount is published individually (integer kip).
GLASS_TRANSACTION_THRESHOLD_KIP = int(os.environ.get("GLASS_TRANSACTION_THRESHOLD_KIP", "30000000"))
# Red flags (logic in elaos.budget.flags): split payments = same agency and payee, several payments below the
# threshold within this many days that together reach it; amendments raising a contract by more than this share;
# payees registered fewer than this many days before their award.
GLASS_SPLIT_WINDOW_DAYS = 30
GLASS_SPLIT_MIN_PAYMENTS = 2
GLASS_AMENDMENT_SHARE = 0.25
GLASS_NEW_PAYEE_DAYS = 90
# OCDS: the publisher's ocid prefix (registered with the OCDS helpdesk in production) and publisher name.
GLASS_OCID_PREFIX = os.environ.get("GLASS_OCID_PREFIX", "ocds-elaos1")
GLASS_PUBLISHER_NAME = "Ministry of Finance, Lao PDR"
# Publishing: upload limit, rows shown in the preview, rows per progress update, and above how many rows a
# validation or publish runs as a background task instead of inside the request.
GLASS_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
GLASS_PREVIEW_ROWS = 20
GLASS_PROGRESS_EVERY = 20000
GLASS_BACKGROUND_ROWS = 5000
# Row errors stored per batch (beyond that only the counts per reason are kept).
GLASS_MAX_ROW_ERRORS = 10000
# Red flags, glass index, alerts and bulk dumps (elaos.budget.flags / glass_index / alerts / fdp; owned by the
# oversight part): a payment at or above this amount should rest on a contract; the glass index looks back this
# many days of deadlines; bulk dumps (OCDS package + Fiscal Data Package CSVs, gzipped) are written here nightly.
GLASS_CONTRACT_REQUIRED_KIP = int(os.environ.get("GLASS_CONTRACT_REQUIRED_KIP", "100000000"))
GLASS_INDEX_LOOKBACK_DAYS = 365
BUDGET_DUMP_DIR = Path(os.environ.get("BUDGET_DUMP_DIR", PROJECT_DIR / "budget-dumps"))
PERIODIC_TASKS += [
    ("elaos.budget.tasks_oversight.flags_nightly", 24 * 60 * 60),
    ("elaos.budget.tasks_oversight.glass_index_weekly", 24 * 60 * 60),
    ("elaos.budget.tasks_oversight.alerts_digest", 24 * 60 * 60),
    ("elaos.budget.tasks_oversight.bulk_dump_nightly", 24 * 60 * 60),
]
# --- end budget ---

# --- migration and protection settings: owned by the migration and protection apps ---
# Safe migration (elaos.migration): the ministry that licenses recruitment agencies and keeps the register; service
# levels in working days; work-permit reminders (days before expiry; Decree 245 wants workers home 30 days before);
# retention of personal data after the purpose ends, then anonymisation (Law on Electronic Data Protection, 2017).
MIGRATION_MINISTRY = os.environ.get("MIGRATION_MINISTRY", "molsw")
MIGRATION_LICENCE_YEARS = 3
MIGRATION_COMPLAINT_SLA_DAYS = 15
MIGRATION_REFERRAL_ANSWER_DAYS = 5
MIGRATION_REFERRAL_OUTCOME_DAYS = 30
MIGRATION_PERMIT_REMINDER_DAYS = [90, 45]
MIGRATION_RETENTION_DAYS = 5 * 365
MIGRATION_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
MIGRATION_STATISTICS_K = 11
PERIODIC_TASKS += [
    ("elaos.migration.tasks.work_permit_reminders", 24 * 60 * 60),
    ("elaos.migration.tasks.referral_escalations", 60 * 60),
    ("elaos.migration.tasks.retention_sweep", 24 * 60 * 60),
]
# Protection cases (elaos.protection): how long break-glass (emergency) access to a case lasts, and k of the
# k-anonymised case export and the suppressed statistics (no published count between 1 and k - 1).
PROTECTION_BREAK_GLASS_MINUTES = 60
PROTECTION_K_ANONYMITY = 11
# --- end migration ---

# --- OpenID Provider (django-oauth-toolkit) and federation: owned by the oidc app ---
# Every OAuth scope e-Laos knows, in one place: the OpenID Connect claims (elaos.oidc.validators maps each claim
# to one of these) and the agency data-exchange datasets. Add a dataset scope here; a client gets only the
# scopes its administrator granted it (elaos.oidc.scopes).
OIDC_SCOPES = {
    "openid": "Your e-Laos account identifier",
    "profile": "Your name, date of birth and language",
    "phone": "Your mobile number",
    "email": "Your e-mail address",
    "address": "Your address",
    "national_id": "Your national ID number",
}
EXCHANGE_SCOPES = {
    "npa.read": "Read the register of non-profit associations",
    "migration.licence.check": "Check a recruitment agency licence",
    "services.application.status": "Read the status of applications",
    "services.application.submit": "Submit applications",
    "person.address.read": "Read a person's address, with their consent",
}
from elaos.oidc.keys import active_private_pem_lazy as oidc_active_private_pem  # noqa: E402

# The toolkit's own models, named so that other apps' migrations can point at them (swappable settings).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # The signing keys live in ELAOS_KEYS_DIR/oidc (or OIDC_RSA_PRIVATE_KEY in the environment) and are read when
    # used, so `manage.py oidc_rotate_key` takes effect without a restart.
    "OIDC_RSA_PRIVATE_KEY": oidc_active_private_pem,
    "OIDC_ISS_ENDPOINT": os.environ.get("OIDC_ISSUER", ""),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": True,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OAUTH2_VALIDATOR_CLASS": "elaos.oidc.validators.ElaosOAuth2Validator",
    "SCOPES_BACKEND_CLASS": "elaos.oidc.scopes.ClientScopes",
    "SCOPES": {**OIDC_SCOPES, **EXCHANGE_SCOPES},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 24 * 60 * 60,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    # RFC 9700: no implicit or password grant, S256 only, tokens only in the Authorization header, `iss` in the
    # authorization response.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# Sign-in through the national identity provider (OpenID Connect). Off unless an issuer is configured; the
# provider's endpoints and keys come from its discovery document.
OIDC_UPSTREAM_ISSUER = os.environ.get("OIDC_UPSTREAM_ISSUER", "")
OIDC_UPSTREAM_CLIENT_ID = os.environ.get("OIDC_UPSTREAM_CLIENT_ID", "")
OIDC_UPSTREAM_CLIENT_SECRET = os.environ.get("OIDC_UPSTREAM_CLIENT_SECRET", "")
OIDC_UPSTREAM_SCOPES = os.environ.get("OIDC_UPSTREAM_SCOPES", "openid profile phone email")
OIDC_UPSTREAM_TIMEOUT_SECONDS = 10
# --- end oidc ---

# --- agency data exchange, consent, webhooks: owned by the exchange app ---
# Consent: the longest a grant may run, and the one-time codes that confirm it.
EXCHANGE_CONSENT_MAX_DAYS = int(os.environ.get("EXCHANGE_CONSENT_MAX_DAYS", "730"))
EXCHANGE_CONSENT_CODE_TTL_SECONDS = 10 * 60
EXCHANGE_CONSENT_CODES_PER_HOUR = 5
# Webhooks: attempts with exponential backoff (30 s, 1 min, 2 min, …), per-attempt timeout. Plain http:// receivers
# are for development only.
EXCHANGE_WEBHOOK_MAX_ATTEMPTS = 8
EXCHANGE_WEBHOOK_BACKOFF_SECONDS = 30
EXCHANGE_WEBHOOK_TIMEOUT_SECONDS = 10
EXCHANGE_WEBHOOK_ALLOW_HTTP = env_bool("EXCHANGE_WEBHOOK_ALLOW_HTTP", DEBUG)
PERIODIC_TASKS += [("elaos.exchange.tasks.webhook_sweep", 60)]
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
        # One line per request, whatever LOG_LEVEL says (elaos.core.middleware.RequestIdMiddleware).
        "access": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # httpx logs every request URL at INFO; gateway URLs carry credentials and message text.
        "httpx": {"level": "WARNING"},
    },
}
