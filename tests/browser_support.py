"""Real-browser tests: Playwright for Python driving Debian's chromium, with an axe-core scan of each page.

Tests in tests/browser/ and in any tests/<app>/test_browser.py are marked `browser` and run by
`make test-browser`; the fixtures below are available to every test (imported by tests/conftest.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core comes pinned with the axe-playwright-python package (see pyproject.toml).
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy blocked (a `securitypolicyviolation` event) to the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}` +
    (event.sample ? `: ${event.sample}` : ""));
});
"""


def outside_host(live_server_url: str) -> Callable[[str], bool]:
    """Whether a URL a page requests is on another host than the live server (scheme, host and port)."""
    own = urlsplit(live_server_url)

    def is_outside(url: str) -> bool:
        target = urlsplit(url)
        if target.scheme in ("data", "blob", "about"):
            return False  # inline content, never a request to anyone
        return (target.scheme, target.netloc) != (own.scheme, own.netloc)

    return is_outside


def refuse_outside_hosts(context: BrowserContext, live_server_url: str) -> list[str]:
    """Refuse every request of the context's pages to another host; the list (filled as pages load) says
    which, of what kind, and from which page."""
    outside: list[str] = []

    def refuse(route: Route) -> None:
        request = route.request
        outside.append(f"{request.resource_type} {request.url} (from {request.frame.url})")
        route.abort("blockedbyclient")

    context.route(outside_host(live_server_url), refuse)
    return outside


@contextmanager
def guarded_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page of `browser` on `base_url` that fails the test, once closed, if any page it opened broke the
    CSP or requested anything from another host (such requests are refused and listed)."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    violations: list[str] = []
    context.expose_function("reportCspViolation", lambda text: violations.append(text))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    outside = refuse_outside_hosts(context, base_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert outside == [], "Requests to another host than the live server:\n" + "\n".join(outside)


@pytest.fixture
def page(chromium: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    """A browser page on the live server (see `guarded_page`: no CSP violation, no other host)."""
    with guarded_page(chromium, live_server.url) as page:
        yield page


def login_as(page: Page, client: Any, user: Any) -> None:
    """Give the browser the session of `user` (the login form itself is tested separately)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": cookie.key,
                "value": cookie.value,
                "url": page.context._impl_obj._options.get("baseURL", ""),
            }
        ]
    )


# What a page hides until the person opens it: every <details> opened, every tab panel shown. The scans see
# the forms of closed sections (a group page's action, meeting and document forms) as a person who opens them.
REVEAL_HIDDEN_PARTS = """() => {
  document.querySelectorAll("details:not([open])").forEach((details) => { details.open = true; });
  document.querySelectorAll("[role=tabpanel][hidden]").forEach((panel) => { panel.hidden = false; });
  document.querySelectorAll("[role=tab][aria-selected=false]").forEach((tab) => {
    tab.setAttribute("aria-selected", "true");
  });
  // essaim.js makes the scroll boxes of tables now shown reachable with Tab (it would on their toggle event).
  document.dispatchEvent(new Event("essaim:layout"));
}"""


def reveal_hidden_parts(page: Page) -> None:
    page.evaluate(REVEAL_HIDDEN_PARTS)


def duplicate_ids(page: Page) -> list[str]:
    """The ids used by more than one element of the current page (a label would name the wrong field)."""
    return page.evaluate(
        """() => {
          const seen = new Map();
          document.querySelectorAll("[id]").forEach((e) => seen.set(e.id, (seen.get(e.id) || 0) + 1));
          return [...seen].filter(([, count]) => count > 1).map(([id]) => id).sort();
        }"""
    )


def horizontal_overflow(page: Page) -> int:
    """How many pixels the current page scrolls sideways (0 when it fits its viewport's width)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def focused_element(page: Page) -> dict[str, str]:
    """The element that has the focus: its tag, id, role and text (short)."""
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          return {tag: e.tagName.toLowerCase(), id: e.id, role: e.getAttribute("role") || "",
                  text: (e.innerText || e.value || "").trim().slice(0, 200)};
        }"""
    )


def axe_violations(page: Page, *, reveal: bool = True) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the current page, its hidden parts revealed first
    (`reveal_hidden_parts`)."""
    if reveal:
        reveal_hidden_parts(page)
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
