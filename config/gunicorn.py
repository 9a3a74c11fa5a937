"""gunicorn's configuration: `gunicorn -c python:config.gunicorn config.wsgi:application`.

Each setting comes from the environment. Every instance gets its own control socket (`gunicornc`), named
after the address it listens on: gunicorn's default, one `~/.gunicorn/gunicorn.ctl` per user, would make a
second instance on the same host replace the first one's socket (and its stop remove it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")]
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The combined format plus the time spent in the application, in milliseconds (%(M)s).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def control_socket_path(address: str, run_dir: str | None = None) -> str:
    """The control socket of the instance listening on `address` ("127.0.0.1:8001", "unix:/run/x.sock")."""
    directory = Path(run_dir or os.environ.get("GUNICORN_RUN_DIR") or Path.home() / ".gunicorn")
    return str(directory / f"essaim-{re.sub(r'[^A-Za-z0-9.-]+', '-', address).strip('-')}.ctl")


if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def on_starting(server: Any) -> None:
    """Name the control socket after the first address actually bound (`--bind` included)."""
    if not os.environ.get("GUNICORN_CONTROL_SOCKET"):
        server.cfg.set("control_socket", control_socket_path(server.cfg.bind[0]))
