"""`make loadtest`: two gunicorn instances (production settings, PostgreSQL, Redis) and a bounded load.

1. the load-test database (`LOADTEST_DATABASE_URL`, default `essaim_loadtest`) is created if missing,
   migrated and filled with the demo (`essaim demo_setup`, idempotent), plus the pool of people and a new
   event (`loadtest/world.py`);
2. static files are collected for the production settings (only when a source changed);
3. two gunicorn instances listen on two loopback ports, as two machines would, with one task worker;
4. Locust plays `loadtest/locustfile.py` headless for `LOADTEST_SECONDS` (60) with `LOADTEST_USERS` (50);
5. the table of requests, p50/p95/p99 by page family and errors is printed, with the load average, and
   the registrations counted in the database are compared with the successful responses (lost writes).

Exit status 1 on any error or lost write; the latency targets are reported (`LOADTEST_STRICT=1` makes a
missed target fail too). Results also go to `var/loadtest/result.json`.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "loadtest"
DATABASE_URL = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/essaim_loadtest")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/3")
PORTS = [int(port) for port in os.environ.get("LOADTEST_PORTS", "8101,8102").split(",")]
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
WORKERS = os.environ.get("LOADTEST_GUNICORN_WORKERS", "2")
THREADS = os.environ.get("LOADTEST_GUNICORN_THREADS", "2")
STRICT = os.environ.get("LOADTEST_STRICT", "") == "1"

# Targets on the 2-core development machine (issue 11): p95 in milliseconds.
SEARCH_FAMILIES = {"search", "search (results region)"}
PAGE_P95_MS, SEARCH_P95_MS = 300, 500
WRITES = {"login", "registration", "answer"}


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> dict[str, float]:
    """CPU time used so far by our servers (gunicorn masters and workers, the task worker) and by the
    PostgreSQL backends serving the load-test database: what the run cost, whatever else the machine does."""
    import psutil  # a dependency of Locust, in the dev extras

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.Error:
            return 0.0

    servers = 0.0
    for popen in processes:
        try:
            parent = psutil.Process(popen.pid)
        except psutil.Error:
            continue
        servers += used(parent) + sum(used(child) for child in parent.children(recursive=True))
    database = urlsplit(DATABASE_URL).path.lstrip("/")
    backends = 0.0
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info.get("cmdline") or [])
        if cmdline.startswith("postgres:") and f" {database} " in f"{cmdline} ":
            backends += used(process)
    return {"servers": round(servers, 1), "postgresql": round(backends, 1)}


def environment(settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=DATABASE_URL,
        ESSAIM_VAR_DIR=str(VAR),
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        INSIGHT_DB=str(VAR / "insight.duckdb"),
    )
    return env


def production_environment() -> dict[str, str]:
    env = environment("config.settings.prod")
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"loadtest-{secrets.token_hex(4)}",  # a cold cache for each run
        ALLOWED_HOSTS="127.0.0.1,localhost",
        ESSAIM_SITE_URL=f"http://127.0.0.1:{PORTS[0]}",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback; the proxy does TLS in production
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",  # no SMTP server here
        GUNICORN_RUN_DIR=str(VAR / "run"),
        GUNICORN_WORKERS=WORKERS,
        GUNICORN_THREADS=THREADS,
        LOG_LEVEL="WARNING",
    )
    return env


# Page families of the access log (server time): the same names as the locustfile's requests.
SERVER_FAMILIES = [
    ("POST", r"^/compte/connexion/", "login"),
    ("GET", r"^/compte/connexion/", "login page"),
    ("POST", r"^/evenements/\d+/inscription/", "registration"),
    ("GET", r"^/evenements/\d+/inscription/", "registration form"),
    ("GET", r"^/evenements/\d+/$", "event"),
    ("POST", r"^/besoins/\d+/repondre/", "answer"),
    ("GET", r"^/besoins/\d+/repondre/", "answer form"),
    ("GET", r"^/besoins/\d+/$", "need"),
    ("GET", r"^/besoins/$", "need list"),
    ("GET", r"^/annuaire/structures/\d+/$", "profile"),
    ("GET", r"^/annuaire/", "search"),
    ("GET", r"^/tableau-de-bord/", "dashboard"),
    ("GET", r"^/$", "home"),
]
_ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^ ?]*)[^"]*" (?P<status>\d+) .* (?P<ms>\d+)ms$')


def server_times(logs: list[Path]) -> dict[str, list[int]]:
    """Milliseconds spent in the application by family, from the instances' access logs."""
    times: dict[str, list[int]] = {}
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            match = _ACCESS.search(line)
            if not match:
                continue
            for method, pattern, family in SERVER_FAMILIES:
                if match["method"] == method and re.match(pattern, match["path"]):
                    times.setdefault(family, []).append(int(match["ms"]))
                    break
    return times


def percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


def essaim(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "essaim"), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def prepare_database() -> dict[str, object]:
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')  # noqa: S608 (our own setting)
    setup = environment("config.settings.dev")
    print(f"Database {name}: migrations, and the demo unless it is there...", flush=True)
    essaim("migrate", "--verbosity", "0", env=setup)
    with psycopg.connect(DATABASE_URL) as connection:
        demo = connection.execute(
            "SELECT 1 FROM accounts_user WHERE email LIKE %s", ["%@essaim.demo"]
        ).fetchone()
    if not demo or os.environ.get("LOADTEST_DEMO") == "1":
        essaim("demo_setup", "--skip-migrate", env=setup)
    world = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "loadtest" / "world.py")],
        env=setup,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(world.stdout)


def collect_static(env: dict[str, str]) -> None:
    manifest = VAR / "static" / "staticfiles.json"
    sources = [p for p in (ROOT / "essaim").rglob("static/**/*") if p.is_file()]
    if manifest.exists() and all(p.stat().st_mtime <= manifest.stat().st_mtime for p in sources):
        return
    print("Collecting static files...", flush=True)
    essaim("collectstatic", "--noinput", "--verbosity", "0", env=env)


def wait_until_up(url: str, processes: list[subprocess.Popen[bytes]], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise SystemExit(f"A server stopped while starting: see {VAR / 'servers.log'}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def registrations_check(event: object, acknowledged: list[int]) -> dict[str, int]:
    """Registrations the visitors were told about (redirect to their page) against the database rows."""
    with psycopg.connect(DATABASE_URL) as connection:
        rows = {
            row[0]
            for row in connection.execute("SELECT id FROM events_registration WHERE event_id = %s", [event])
        }
    return {
        "responses": len(acknowledged),
        "rows": len(rows),
        "lost": len(set(acknowledged) - rows),
        "unacknowledged": len(rows - set(acknowledged)),  # saved while the run's end cut their response
    }


def family_rows(stats_csv: Path) -> list[dict[str, str]]:
    with stats_csv.open() as handle:
        return list(csv.DictReader(handle))


def report(rows: list[dict[str, str]], writes: dict[str, int], load: tuple[str, str]) -> dict[str, object]:
    families = []
    print()
    print(f"{'page family':<28}{'requests':>9}{'errors':>8}{'p50':>7}{'p95':>7}{'p99':>7}  target")
    for row in rows:
        name = row["Name"]
        p50, p95, p99 = (int(float(row[key] or 0)) for key in ("50%", "95%", "99%"))
        requests, errors = int(row["Request Count"]), int(row["Failure Count"])
        if name == "Aggregated":
            target, met = "", True
        else:
            limit = SEARCH_P95_MS if name in SEARCH_FAMILIES else PAGE_P95_MS
            met = p95 <= limit
            target = f"p95 ≤ {limit} ms {'ok' if met else 'MISSED'}"
        families.append(
            {
                "name": name,
                "requests": requests,
                "errors": errors,
                "p50": p50,
                "p95": p95,
                "p99": p99,
                "met": met,
            }
        )
        print(f"{name:<28}{requests:>9}{errors:>8}{p50:>7}{p95:>7}{p99:>7}  {target}")
    print()
    print(
        f"registrations: {writes['responses']} successful responses, {writes['rows']} rows in the database, "
        f"lost writes: {writes['lost']} (rows whose response the end of the run cut: {writes['unacknowledged']})"
    )
    print(f"load average before: {load[0]}   after: {load[1]}   ({os.cpu_count()} cores)")
    servers = server_times(sorted(VAR.glob("access-*.log")))
    print()
    print("time in the application (gunicorn access log), the rest of the latency is queueing for a CPU:")
    print(f"{'family':<28}{'requests':>9}{'p50':>7}{'p95':>7}{'p99':>7}")
    for family, values in sorted(servers.items()):
        p50, p95, p99 = (percentile(values, share) for share in (0.5, 0.95, 0.99))
        print(f"{family:<28}{len(values):>9}{p50:>7}{p95:>7}{p99:>7}")
    server = {
        family: {"requests": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95)}
        for family, v in servers.items()
    }
    return {
        "families": families,
        "server": server,
        "registrations": writes,
    }


def main() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "run").mkdir(exist_ok=True)
    world = prepare_database()
    env = production_environment()
    collect_static(env)
    for old in VAR.glob("access-*.log"):
        old.unlink()
    log = (VAR / "servers.log").open("wb")
    instances = [f"http://127.0.0.1:{port}" for port in PORTS]
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "-c",
                "python:config.gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "config.wsgi:application",
            ],
            env={**env, "GUNICORN_ACCESS_LOG": str(VAR / f"access-{port}.log")},
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )  # fmt: skip
        for port in PORTS
    ]
    processes.append(
        subprocess.Popen([str(BIN / "essaim"), "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
    )
    try:
        for url in instances:
            wait_until_up(url + "/", processes)
        time.sleep(2)  # let the workers settle
        load_before = load_average()
        cost_before = cpu_seconds(processes)
        print(
            f"Load average {load_before}; {USERS} users for {SECONDS} s on {', '.join(instances)}", flush=True
        )
        prefix = VAR / "locust"
        acknowledged_file = VAR / "registrations.txt"
        acknowledged_file.write_text("")
        locust_env = {
            **os.environ,
            "LOADTEST_WORLD": json.dumps(world),
            "LOADTEST_INSTANCES": ",".join(instances),
            "LOADTEST_ACKNOWLEDGED": str(acknowledged_file),
        }
        subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
             "--host", instances[0], "--users", str(USERS), "--spawn-rate", "10", "--run-time", f"{SECONDS}s",
             "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env=locust_env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        load_after = load_average()
        cost_after = cpu_seconds(processes)
        cost = {key: round(cost_after[key] - cost_before[key], 1) for key in cost_after}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        log.close()
    rows = family_rows(Path(f"{prefix}_stats.csv"))
    acknowledged = [int(line) for line in acknowledged_file.read_text().split()]
    result = report(rows, registrations_check(world["event"], acknowledged), (load_before, load_after))
    print(
        f"CPU used by the run: application {cost['servers']} s, PostgreSQL {cost['postgresql']} s "
        f"({(cost['servers'] + cost['postgresql']) / (SECONDS * (os.cpu_count() or 1)):.0%} of the machine "
        f"over {SECONDS} s)"
    )
    result.update(
        cpu_seconds=cost, users=USERS, seconds=SECONDS, load=[load_before, load_after], instances=instances
    )
    (VAR / "result.json").write_text(json.dumps(result, indent=2))
    shutil.copy(f"{prefix}_stats.csv", VAR / "last_stats.csv")
    total = next((f for f in result["families"] if f["name"] == "Aggregated"), {"errors": 1})  # type: ignore[attr-defined]
    failed = total["errors"] > 0 or result["registrations"]["lost"] != 0  # type: ignore[index]
    missed = not all(f["met"] for f in result["families"])  # type: ignore[attr-defined]
    if missed:
        print("Latency target missed (see the table).")
    return 1 if failed or (STRICT and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
