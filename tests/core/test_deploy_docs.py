"""docs/deploy.md stays true to the code it describes."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

from essaim.cooperation.documents import MAX_DOCUMENT_SIZE
from essaim.directory.media import MAX_BYTES as MAX_IMAGE_SIZE
from essaim.sourcing.services.needs import MAX_ATTACHMENT_SIZE

DEPLOY = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_the_documented_proxy_accepts_the_largest_upload_with_its_form() -> None:
    limit = re.search(r"client_max_body_size\s+(\d+)m;", DEPLOY)
    assert limit, "docs/deploy.md must set nginx's client_max_body_size"
    largest = max(
        MAX_DOCUMENT_SIZE, MAX_ATTACHMENT_SIZE, MAX_IMAGE_SIZE, settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert int(limit.group(1)) * 1024 * 1024 >= largest + 1024 * 1024  # a megabyte for the rest of the form


def test_the_documented_schedule_names_commands_that_exist() -> None:
    scheduled = set(re.findall(r"^\| `essaim (\w+)` \|", DEPLOY, re.MULTILINE))
    assert {"sourcing_tick", "sourcing_digest"} <= scheduled
    assert scheduled | {"worker"} <= set(get_commands())
