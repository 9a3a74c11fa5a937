"""Several instances of the application: what they share (sessions, login throttling, the cache) and what
each keeps for itself (gunicorn's control socket)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from config.gunicorn import control_socket_path
from tests.accounts.factories import UserFactory

PASSWORD = "mot-de-passe-solide-2026"  # noqa: S105
ROOT = Path(__file__).resolve().parents[2]


def settings_of(**env: str) -> list[str]:
    """CACHES backend and SESSION_ENGINE as a fresh process reads them from `env`."""
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.dev", **env)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_redis_url_puts_the_cache_and_the_sessions_on_the_shared_store() -> None:
    assert settings_of(REDIS_URL="redis://127.0.0.1:6379/3") == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    # Without Redis: a cache in each process, sessions read from the shared database only.
    assert settings_of() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]


def test_two_instances_on_one_host_get_their_own_control_socket(tmp_path: Path) -> None:
    first = control_socket_path("127.0.0.1:8001", str(tmp_path))
    second = control_socket_path("127.0.0.1:8002", str(tmp_path))
    assert first != second and Path(first).parent == tmp_path
    assert control_socket_path("unix:/run/essaim/web.sock", str(tmp_path)).endswith(
        "unix-run-essaim-web.sock.ctl"
    )


# --- two real gunicorn instances on the test database ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(ports: tuple[int, ...], run_dir: Path) -> Iterator[list[Path]]:
    """gunicorn instances listening on `ports`, started side by side; yields their control sockets."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",  # production's hashed static files need collectstatic
        DATABASE_URL=_database_url(),
        GUNICORN_RUN_DIR=str(run_dir),
        GUNICORN_WORKERS="1",
    )
    log = run_dir / "gunicorn.log"
    controls = [Path(control_socket_path(f"127.0.0.1:{port}", str(run_dir))) for port in ports]
    with log.open("wb") as output:
        processes = [
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "python:config.gunicorn",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "config.wsgi:application",
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=output,
            )  # fmt: skip
            for port in ports
        ]
        try:
            deadline = time.monotonic() + 120
            # gunicorn opens its control socket once its workers are up.
            while not all(control.exists() for control in controls):
                running = all(process.poll() is None for process in processes)
                assert running and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            yield controls
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)


class Browser:
    """A client that keeps its cookies whatever instance it talks to (as behind a load balancer)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"}
            )
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode()
        conn.close()
        return response.status, text

    def login(self, port: int, email: str, password: str) -> int:
        self.request(port, "GET", reverse("accounts:login"))
        status, _ = self.request(
            port, "POST", reverse("accounts:login"), {"username": email, "password": password}
        )
        return status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_login_on_one_instance_is_valid_on_the_other_and_failures_count_on_both(tmp_path: Path) -> None:
    UserFactory(email="acheteur@exemple.fr", password=PASSWORD)
    UserFactory(email="cible@exemple.fr", password=PASSWORD)
    a, b = _free_port(), _free_port()
    with gunicorn((a, b), tmp_path) as (socket_a, socket_b):
        assert socket_a != socket_b  # both exist: neither instance replaced the other's

        person = Browser()
        assert person.login(a, "acheteur@exemple.fr", PASSWORD) == 302
        assert person.request(b, "GET", reverse("core:dashboard"))[0] == 200
        person.request(b, "POST", reverse("accounts:logout"), {})
        assert person.request(a, "GET", reverse("core:dashboard"))[0] == 302  # logged out everywhere

        # Failed logins on either instance count together: the fifth locks the account on both.
        attacker = Browser()
        for port in (a, b, a, b, a):
            attacker.login(port, "cible@exemple.fr", "mauvais")
        assert attacker.login(b, "cible@exemple.fr", PASSWORD) == 429
        assert "sessionid" not in attacker.cookies


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    """JIT compilation cost ~0.5 s on queries over the territory's rows that run in ~10 ms."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
