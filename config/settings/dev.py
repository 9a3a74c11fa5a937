"""Development and demo settings: the embedded SQLite database, console email, debug pages."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DEBUG", "1") not in {"0", "false", "False"}
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"  # noqa: S105
# `make serve` / `make demo` set it from the HOST:PORT they really serve.
ESSAIM_SITE_URL = os.environ.get("ESSAIM_SITE_URL", "").rstrip("/") or "http://127.0.0.1:8000"
VAR_DIR.mkdir(parents=True, exist_ok=True)
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
