"""Private uploads: stored outside MEDIA_ROOT under random names, served only by views that check permissions.

Group documents, need attachments and answer attachments use `private_storage` and `RandomName`; the file's
original name is kept in the model and given back in the download's `Content-Disposition`. The storage has no
URL: the proxy never serves these files by itself. A view serves one with `private_file_response`, which
either streams it (development, tests) or, when `ESSAIM_PRIVATE_FILES_ACCEL_PREFIX` is set, hands it to
nginx with `X-Accel-Redirect` towards an `internal` location (see docs/deploy.md). Logos and photos stay
in the public default storage.
"""

from __future__ import annotations

import mimetypes
import secrets
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InMemoryStorage, Storage, storages
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header


class _NoPublicUrl:
    def url(self, name: str | None) -> str:
        raise ValueError(
            "A private file has no URL: serve it with essaim.core.private_files.private_file_response."
        )


class PrivateFileSystemStorage(_NoPublicUrl, FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, a folder the proxy does not publish."""


class PrivateInMemoryStorage(_NoPublicUrl, InMemoryStorage):
    """The same in memory, for the tests."""


def private_storage() -> Storage:
    """The storage of private uploads (`STORAGES["private"]`), for `FileField(storage=private_storage)`."""
    return storages["private"]


@deconstructible
class RandomName:
    """`upload_to` giving `<folder>/<year>/<month>/<32 random hex characters>`: nothing of the original name."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        return f"{self.folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def private_file_response(file: FieldFile, filename: str) -> HttpResponseBase:
    """The private `file` as a download named `filename`; call it only after the permission check."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = getattr(settings, "ESSAIM_PRIVATE_FILES_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + str(file.name)
        response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
        response["Cache-Control"] = "private, no-store"
        return response
    streamed = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    streamed["Cache-Control"] = "private, no-store"
    return streamed


def move_public_files_to_private(
    model: type[models.Model], field: str, folder: str, *, original_name_field: str | None = None
) -> int:
    """Move every file of `model.field` still in the public default storage to the private storage under a
    random name (data migrations). The original name goes to `original_name_field` when it is empty; the
    public copy is deleted once the transaction commits. Returns the number of files moved."""
    public = storages["default"]
    private = storages["private"]
    naming = RandomName(folder)
    moved = 0
    for row in model._default_manager.exclude(**{field: ""}).iterator():
        old_name = getattr(row, field).name
        if not old_name or not public.exists(old_name):
            continue
        with public.open(old_name, "rb") as content:
            new_name = private.save(naming(row, old_name), content)
        setattr(row, field, new_name)
        update_fields = [field]
        if original_name_field and not getattr(row, original_name_field):
            setattr(row, original_name_field, PurePosixPath(old_name).name[:200])
            update_fields.append(original_name_field)
        row.save(update_fields=update_fields)
        transaction.on_commit(partial(public.delete, old_name))
        moved += 1
    return moved
