"""Production settings: PostgreSQL from DATABASE_URL, secrets from the environment, no defaults for secrets."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, ESSAIM_SITE_URL, LOGGING, env_bool

# `essaim` uses these settings unless DJANGO_SETTINGS_MODULE says otherwise: say how to get the others.
ELSEWHERE = (
    "(production settings; on a development machine: export DJANGO_SETTINGS_MODULE=config.settings.dev)"
)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(f"SECRET_KEY must be set in the environment {ELSEWHERE}.")
if "DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured(f"DATABASE_URL must be set in the environment (PostgreSQL) {ELSEWHERE}.")
if not ESSAIM_SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "ESSAIM_SITE_URL must be set in the environment: the public address of the site "
        "(https://achats.example.fr), used by every link in emails and PDFs."
    )
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading puts the domain (and, with includeSubDomains, every subdomain) in the browsers' HTTPS-only list
# for months: a decision for the owner of the whole domain (a city's subdomain is not), so off by default.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload is off": it is, on purpose (above)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")
