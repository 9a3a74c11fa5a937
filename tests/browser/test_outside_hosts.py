"""No page depends on another host: the shared `page` fixture refuses and lists every request to a host that
is not the live server, and fails the test that made it. Here, that the guard itself works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser_support import outside_host, refuse_outside_hosts

pytestmark = pytest.mark.browser

OUTSIDE_PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Essai</title>
<link rel="stylesheet" href="https://cdn.example.org/swagger-ui.css"></head>
<body><img src="https://images.example.net/logo.png" alt=""><img src="{own}/static/essaim/favicon.svg" alt="">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""></body></html>"""


def test_the_guard_lists_each_request_to_another_host_and_nothing_else(
    chromium: Browser, live_server
) -> None:
    context = chromium.new_context(base_url=live_server.url)
    outside = refuse_outside_hosts(context, live_server.url)
    page = context.new_page()  # about:blank: no Content-Security-Policy of ours to block them first
    page.set_content(OUTSIDE_PAGE.format(own=live_server.url), wait_until="load")
    context.close()
    assert sorted(line.split()[1] for line in outside) == [
        "https://cdn.example.org/swagger-ui.css",
        "https://images.example.net/logo.png",
    ]


def test_another_port_or_scheme_of_the_same_machine_is_another_host() -> None:
    is_outside = outside_host("http://localhost:41234")
    assert not is_outside("http://localhost:41234/api/v1/docs")
    assert is_outside("http://localhost:8000/") and is_outside("https://localhost:41234/")
    assert is_outside("http://127.0.0.1:41234/") and not is_outside("data:image/png;base64,AAAA")
