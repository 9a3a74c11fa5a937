"""The load test's visitors (Locust), started by `loadtest/run.py` (`make loadtest`).

Six anonymous visitors for two buyers and two suppliers, each thinking 1 to 5 s between pages:
- anonymous: directory searches (real queries, misspellings, filters, the htmx results region while
  typing), structure profiles, the home page;
- buyers: log in, then their need with its ranked matches, the need list, the dashboard, an event and a
  registration to it;
- suppliers: log in, then the need, their answer to it, the directory, an event and a registration to it.
Each person logs in on one instance and goes on on either: the session must be valid on both. Only loopback
addresses are accepted (a load generator pointed elsewhere is refused).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

WORLD: dict[str, Any] = json.loads(os.environ.get("LOADTEST_WORLD", "{}") or "{}")
ACKNOWLEDGED = os.environ.get("LOADTEST_ACKNOWLEDGED", "")
INSTANCES = [url.rstrip("/") for url in os.environ.get("LOADTEST_INSTANCES", "").split(",") if url]

QUERIES = [
    "jouets",
    "jouet réemploi",
    "jouets de réemploi",
    "traiteur",
    "traiteur bio",
    "traiteru",  # misspelt
    "nettoyage de locaux",
    "netoyage",  # misspelt
    "restauration collective",
    "espaces verts",
    "entretien des espaces verts",
    "ressourcerie",
    "resourcerie",  # misspelt
    "textile",
    "couture",
    "blanchisserie",
    "menuiserie",
    "imprimerie",
    "vélo",
    "velo",
    "recyclage",
    "déménagement",
    "demenagement",
    "insertion",
    "ESAT",
    "entreprise adaptée",
    "informatique reconditionnée",
    "livraison à vélo",
    "jardins",
    "ludothèque",
]
FILTERS = [
    {},
    {},
    {"works_in": "94081"},
    {"works_in": "epci:200058014"},
    {"kind": "ACI"},
    {"family": "association"},
    {"sort": "name"},
]


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        return False


@events.init.add_listener
def refuse_other_hosts(environment: Any, **_kwargs: Any) -> None:
    hosts = [environment.host or "", *INSTANCES]
    if not WORLD or not INSTANCES or not all(_is_loopback(url) for url in hosts):
        raise SystemExit("The load test runs against loopback instances only, with LOADTEST_WORLD set.")


_pools: dict[str, Any] = {}


def _next_person(kind: str) -> tuple[str, int]:
    if kind not in _pools:
        _pools[kind] = itertools.cycle(WORLD[kind])
    email, organisation = next(_pools[kind])
    return email, organisation


class Visitor(HttpUser):
    abstract = True
    wait_time = between(1, 5)

    def on_start(self) -> None:
        # One connection per request, as nginx talks to gunicorn (no keep-alive to the upstream): reusing a
        # connection gunicorn closed after its 2 s keep-alive would count as an error no browser shows.
        self.client.headers["Connection"] = "close"

    def url(self, path: str) -> str:
        """The same person on either instance, as behind a load balancer."""
        return random.choice(INSTANCES) + path

    def send_secure_cookies(self) -> None:
        """Production cookies are `Secure`; on the loopback (plain HTTP, no proxy) they are sent anyway."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str, **kwargs: Any) -> Any:
        self.send_secure_cookies()
        with self.client.get(self.url(path), name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/compte/connexion/" in response.url and name != "login page":
                response.failure("sent to the login page: the session was lost")
            return response

    def post(self, path: str, name: str, data: dict[str, Any], expect: str) -> str:
        """A form post (CSRF token from the cookie); success is a redirect to a URL containing `expect`,
        whose address is returned ("" on failure)."""
        self.send_secure_cookies()
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        url = self.url(path)
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True, headers={"Referer": url}
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and expect in location:
                response.success()
                return location
            response.failure(f"HTTP {response.status_code} {location}")
            return ""

    def search(self) -> None:
        params = {"q": random.choice(QUERIES), **random.choice(FILTERS)}
        if random.random() < 0.4:  # typing in the search box: htmx asks for the results region only
            self.page("/annuaire/", "search (results region)", params=params, headers={"HX-Request": "true"})
        else:
            self.page("/annuaire/", "search", params=params)

    def profile(self) -> None:
        self.page(f"/annuaire/structures/{random.choice(WORLD['structures'])}/", "profile")


class Anonymous(Visitor):
    weight = 6

    @task(6)
    def searches(self) -> None:
        self.search()

    @task(3)
    def profiles(self) -> None:
        self.profile()

    @task(1)
    def home(self) -> None:
        self.page("/", "home")


class Member(Visitor):
    """A buyer or supplier: browses the directory until they log in (logins spread over the run, as people
    arrive, rather than all at once), then does their member tasks."""

    abstract = True
    kind = ""
    role = ""

    def on_start(self) -> None:
        super().on_start()
        self.email, self.organisation = _next_person(self.kind)
        self.logged_in = False
        self.registered = False

    def log_in(self) -> bool:
        """Before any member task: log in at once one time in three, else browse the directory first."""
        if self.logged_in:
            return True
        if random.random() < 2 / 3:
            self.search()
            return False
        self.page("/compte/connexion/", "login page")
        self.logged_in = self.post(
            "/compte/connexion/",
            "login",
            {"username": self.email, "password": WORLD["password"]},
            expect="/tableau-de-bord/",
        )
        return False

    @task(1)
    def register(self) -> None:
        """Register once to this run's event (each registration is a new row, checked after the run)."""
        if not self.log_in():
            return
        if self.registered:
            self.page(f"/evenements/{WORLD['event']}/", "event")
            return
        event = WORLD["event"]
        self.page(f"/evenements/{event}/inscription/", "registration form")
        location = self.post(
            f"/evenements/{event}/inscription/",
            "registration",
            {"organisation": self.organisation, "role": self.role},
            expect="/evenements/inscriptions/",
        )
        self.registered = bool(location)
        if location and ACKNOWLEDGED:  # the registration the visitor was told about: must be in the database
            with open(ACKNOWLEDGED, "a") as handle:
                handle.write(location.rstrip("/").rsplit("/", 1)[-1] + "\n")

    @task(2)
    def dashboard(self) -> None:
        if self.log_in():
            self.page("/tableau-de-bord/", "dashboard")


class Buyer(Member):
    weight = 2
    kind = "buyers"
    role = "acheteur"

    @task(4)
    def need_with_matches(self) -> None:
        if not self.log_in():
            return
        self.page(f"/besoins/{WORLD['need']}/", "need (buyer, matches)")

    @task(2)
    def needs(self) -> None:
        if not self.log_in():
            return
        self.page("/besoins/", "need list")

    @task(2)
    def searches(self) -> None:
        self.search()


class Supplier(Member):
    weight = 2
    kind = "suppliers"
    role = "fournisseur"

    @task(3)
    def need(self) -> None:
        if not self.log_in():
            return
        self.page(f"/besoins/{WORLD['need']}/", "need (supplier)")

    @task(2)
    def answer(self) -> None:
        if not self.log_in():
            return
        need = WORLD["need"]
        form = self.page(f"/besoins/{need}/repondre/", "answer form")
        questions = re.findall(r'name="(question_\d+)"', getattr(form, "text", "") or "")
        self.post(
            f"/besoins/{need}/repondre/",
            "answer",
            {"kind": "interesse", "message": "Nous pouvons livrer sous quinze jours."}
            | {question: "Oui, références sur demande." for question in questions},
            expect=f"/besoins/{need}/",
        )

    @task(2)
    def searches(self) -> None:
        self.search()

    @task(1)
    def profiles(self) -> None:
        self.profile()
