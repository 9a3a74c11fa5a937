"""The access matrix of every URL: shared helpers, and the expectations each app declares.

Each app lists its URLs in `tests/<app>/url_expectations.py`:
- `EXPECTED = {url_name: (kwargs_builder or None, {role: status})}` for GET requests;
- optionally `POST_EXPECTED = {url_name: (kwargs_builder, data_builder, [roles allowed], state=None)}`, where
  the optional `state(samples)` returns what a refused request must leave unchanged;
- optionally `DOWNLOADS = {url_name, ...}`: URLs answering files, which the browser scan does not open;
- optionally `add_samples(world, samples) -> None` to create the objects its URLs need (in `samples`).
`tests/core/test_url_permissions.py` checks that every URL pattern has an expectation.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import tests
from tests.conftest import ROLES

AUTHENTICATED = [r for r in ROLES if r != "anonymous"]
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405

KwargsBuilder = Callable[[dict[str, Any]], dict[str, Any]]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def logged_in(status: int, anonymous: int = REDIRECT, **overrides: int) -> dict[str, int]:
    return {"anonymous": anonymous, **dict.fromkeys(AUTHENTICATED, status), **overrides}


def only(allowed: list[str], status: int = OK, denied: int = FORBIDDEN) -> dict[str, int]:
    return {"anonymous": REDIRECT, **{r: status if r in allowed else denied for r in AUTHENTICATED}}


def expectation_modules() -> list[Any]:
    modules = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                modules.append(importlib.import_module(f"tests.{info.name}.url_expectations"))
            except ModuleNotFoundError as error:
                if error.name != f"tests.{info.name}.url_expectations":
                    raise
    return modules


def collect() -> tuple[dict[str, Any], dict[str, Any], list[Callable[..., None]], set[str]]:
    expected: dict[str, Any] = {}
    post_expected: dict[str, Any] = {}
    downloads: set[str] = set()
    sample_makers = []
    for module in expectation_modules():
        for name in module.EXPECTED:
            assert name not in expected, f"{name} declared twice"
        expected.update(module.EXPECTED)
        post_expected.update(getattr(module, "POST_EXPECTED", {}))
        downloads |= set(getattr(module, "DOWNLOADS", set()))
        if hasattr(module, "add_samples"):
            sample_makers.append(module.add_samples)
    return expected, post_expected, sample_makers, downloads


EXPECTED, POST_EXPECTED, SAMPLE_MAKERS, DOWNLOADS = collect()
