"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ESSAIM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address of the instance, for every link that leaves the site (emails, PDFs, exports):
# `essaim.core.links.absolute_url`. Required in production; dev and tests have their own default.
ESSAIM_SITE_URL = os.environ.get("ESSAIM_SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "rules",
    "essaim.core.app_labels.AxesConfig",  # axes, named in French in the back office
    "csp",
    "ninja",  # the API docs page uses the Swagger UI files of django-ninja's static folder, not a CDN
    "django_tasks",
    "essaim.core.app_labels.TasksDatabaseConfig",  # django_tasks_db, named in French
    "essaim.core",
    "essaim.accounts",
    "essaim.territory",
    "essaim.directory",
    "essaim.sourcing",
    "essaim.events",
    "essaim.insight",
    "essaim.cooperation",
    "essaim.clauses",
    "essaim.privacy",
    "essaim.onboarding",
    "essaim.api",
]

MIDDLEWARE = [
    # First, so that even a response to a refused request (a bad Host header) carries these headers.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "essaim.core.middleware.RejectNullCharactersMiddleware",
    "essaim.core.middleware.LoginRequiredMiddleware",
    "essaim.accounts.middleware.ActiveOrganisationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "essaim" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "essaim.core.context_processors.brand",
                "essaim.core.context_processors.navigation",
                "essaim.accounts.context_processors.organisations",
            ],
            "builtins": ["essaim.core.templatetags.essaim_text"],
        },
    },
]

# --- Database: DATABASE_URL everywhere; the embedded SQLite file under var/ when unset.
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'essaim.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query whose estimated cost is high (estimates over the territory's 175k
    # place-commune rows are) for ~0.5 s, to run it in ~10 ms: a buyer's need page took 0.5 s. Off for our
    # short queries. PgBouncer refuses startup options: there, DATABASE_PG_OPTIONS="" and
    # `ALTER ROLE essaim SET jit = off` instead (docs/deploy.md).
    _pg_options = os.environ.get("DATABASE_PG_OPTIONS", "-c jit=off")
    if _pg_options:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = _pg_options
    # A database that does not answer fails a request after this many seconds instead of hanging a worker
    # (libpq's connect_timeout; `?connect_timeout=N` in DATABASE_URL overrides it).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "essaim.accounts.hashers.Argon2idHasher",  # OWASP's baseline parameters (see the module)
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALIDITY_DAYS = int(os.environ.get("INVITATION_VALIDITY_DAYS", "14"))

# Client address behind the reverse proxies (see docs/deploy.md): the number of proxies in front of the
# application that append to X-Forwarded-For. 0 (the default) trusts no header and reads REMOTE_ADDR.
ESSAIM_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Login throttling (django-axes, attempts kept in the database so every instance shares them): lock an
# email+address pair after 5 failures for 15 minutes (the email whatever its letter case), and an address
# after ESSAIM_LOGIN_IP_FAILURE_LIMIT failures on any accounts (password spraying).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
ESSAIM_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = 0.25  # hours
# Other rate limits (essaim.core.rate_limits, kept in the database): what one address or one link may post.
ESSAIM_RATE_LIMITS = {
    "contact": {"limit": int(os.environ.get("CONTACT_RATE_LIMIT", "5")), "seconds": 3600},
    "need_link": {"limit": int(os.environ.get("NEED_LINK_RATE_LIMIT", "20")), "seconds": 3600},
    # Sign-up forms sent (and confirmation emails asked again) from one address.
    "signup": {"limit": int(os.environ.get("SIGNUP_RATE_LIMIT", "10")), "seconds": 3600},
    # Calls of one API token to the needs and forecasts operations (read and write).
    "api": {"limit": int(os.environ.get("API_RATE_LIMIT", "600")), "seconds": 3600},
}
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "essaim.accounts.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "essaim.core.clients.client_ip"
AXES_HANDLER = "essaim.accounts.throttle.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation: the UI is French.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "essaim" / "locale"]

# --- Static and media files
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "essaim" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Private uploads (group documents, need and answer attachments): outside MEDIA_ROOT, no URL, served by the
# views after their permission check; in production through nginx when ESSAIM_PRIVATE_FILES_ACCEL_PREFIX
# names its internal location (see docs/deploy.md).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
ESSAIM_PRIVATE_FILES_ACCEL_PREFIX = os.environ.get("PRIVATE_FILES_ACCEL_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "essaim.core.private_files.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Essaim <ne-pas-repondre@essaim.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@essaim.localhost")

# --- Cache and sessions. With REDIS_URL (redis://host:6379/0), one Redis shared by every instance holds the
# cache (reference lists, anything throttled through the cache) and a copy of each session (sessions stay in
# the database too: `cached_db`). Without it, each process caches in its own memory and sessions are read
# from the database only, which every instance shares as well.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "essaim"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background tasks (django-tasks with its database backend: SQLite and PostgreSQL alike).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Brand of the territory running this instance (see docs/deploy.md).
ESSAIM_BRAND = {
    "name": os.environ.get("BRAND_NAME", "Essaim Grand-Orly Seine Bièvre"),
    "short_name": os.environ.get("BRAND_SHORT_NAME", "Essaim"),
    "territory": os.environ.get("BRAND_TERRITORY", "Grand-Orly Seine Bièvre"),
    "territory_perimeter": os.environ.get("BRAND_PERIMETER", "epci:200058014"),
    "logo_url": os.environ.get("BRAND_LOGO_URL", ""),
    # Primary colour: must reach a 4.5:1 contrast ratio with white (checked at start-up).
    "primary_color": os.environ.get("BRAND_PRIMARY_COLOR", "#1f5c4a"),
    "accent_color": os.environ.get("BRAND_ACCENT_COLOR", "#f2b705"),
    "contact_email": os.environ.get("BRAND_CONTACT_EMAIL", "contact@essaim.localhost"),
    "publisher": os.environ.get(
        "BRAND_PUBLISHER", "Établissement Public Territorial Grand-Orly Seine Bièvre"
    ),
}

# --- Social clauses: identities of participants are purged this many years after their last declared
# month (`essaim clauses_purge`, daily); monthly links to declare hours stay valid this many days.
CLAUSES_IDENTITY_RETENTION_YEARS = int(os.environ.get("CLAUSES_IDENTITY_RETENTION_YEARS", "3"))
CLAUSES_LINK_MAX_AGE_DAYS = int(os.environ.get("CLAUSES_LINK_MAX_AGE_DAYS", "62"))

# --- Personal data: how long each kind of record is kept, in days. `essaim privacy_purge` (daily) applies
# these periods and the "Données personnelles" page states them (docs/privacy.md).
PRIVACY_RETENTION_DAYS = {
    # An account without login for this long is deleted (pseudonymised), after an email warning sent
    # `inactive_account_warning` days before.
    "inactive_account": int(os.environ.get("RETENTION_INACTIVE_ACCOUNT_DAYS", "730")),
    "inactive_account_warning": int(os.environ.get("RETENTION_INACTIVE_ACCOUNT_WARNING_DAYS", "30")),
    # Invitations, counted from their acceptance, cancellation or expiry.
    "invitation": int(os.environ.get("RETENTION_INVITATION_DAYS", "90")),
    # Login attempts and connection logs (django-axes tables).
    "login_attempt": int(os.environ.get("RETENTION_LOGIN_ATTEMPT_DAYS", "30")),
    # Finished rows of the task queue (they hold the recipients and contents of the emails sent).
    "finished_task": int(os.environ.get("RETENTION_FINISHED_TASK_DAYS", "30")),
    # Addresses that emails about needs were sent to (the rows of the sourcing funnel stay, without them).
    "email_log": int(os.environ.get("RETENTION_EMAIL_LOG_DAYS", "365")),
    # Messages sent through the contact form.
    "contact_message": int(os.environ.get("RETENTION_CONTACT_MESSAGE_DAYS", "365")),
}
# Where people send requests about their personal data (access, rectification, erasure…): the data
# protection officer of the publisher; the brand's contact address when unset.
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL") or ESSAIM_BRAND["contact_email"]

# --- Analytics store (DuckDB), never the transactional database.
INSIGHT_DB = os.environ.get("INSIGHT_DB", str(VAR_DIR / "insight.duckdb"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): every script and stylesheet comes from our own static files; no
# inline script, no style attribute. The one inline <style> of base.html (the brand colours) carries the
# request's nonce; the standalone 500 page's by its hash (tests/core/test_security_headers.py checks it).
ERROR_PAGE_STYLE_HASH = "'sha256-ZD2+CfHFfX9g266SNzuxYQetpOlCsdQoMKyFi1lF0GY='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE, ERROR_PAGE_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses these browser features, but one (below).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# The events' check-in page scans badges' QR codes with the device's camera (its own origin only).
PERMISSIONS_POLICY_CHECK_IN: dict[str, list[str]] = {**PERMISSIONS_POLICY, "camera": ["self"]}

# --- Error reporting: every error (a request's 500, a failed background task, a command) goes to stderr,
# which the supervisor (systemd's journal) keeps, and is mailed to ADMINS, the team the 500 page says is
# told: `ADMINS="Équipe Essaim <essaim@ville.example>, astreinte@ville.example"`.
ADMINS = [(name or address, address) for name, address in getaddresses(env_list("ADMINS")) if address]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own handlers would mail the same errors twice; ours (the root's) are enough.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        # Bots sending other sites' names in the Host header: they get a 400, the log a line, nobody a mail.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
