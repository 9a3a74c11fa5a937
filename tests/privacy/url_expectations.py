"""Access expectations of the privacy URLs (see tests/url_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.url_matrix import OK, everyone, logged_in

EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "privacy:policy": (None, everyone(OK)),
    "privacy:my_data": (None, logged_in(OK)),
    "privacy:my_data_download": (None, logged_in(OK)),
    "privacy:account_delete": (None, logged_in(OK)),
}

# Everyone acts on their own data only: there is no role to refuse. Anonymous posts go to the login
# (tests/privacy/test_deletion.py).
DOWNLOADS = {"privacy:my_data_download"}
