"""The edit page's write: identity and presentation, activities, logo and photos, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from essaim.accounts.models import User
from essaim.directory import media
from essaim.directory.models import Structure

from . import structures as services


@dataclass
class MediaInput:
    logo: IO[bytes] | None = None
    remove_logo: bool = False
    photo: IO[bytes] | None = None
    photo_caption: str = ""
    remove_photo_ids: list[int] = field(default_factory=list)


@transaction.atomic
def structure_edit(
    *,
    actor: User,
    structure: Structure,
    data: dict[str, Any],
    activities: list[services.ActivityInput] | None,
    images: MediaInput,
) -> services.WriteResult:
    """The structure's own edit: its changed groups are locked against later imports (see services)."""
    result = services.structure_update(actor=actor, structure=structure, data=data, activities=activities)
    if images.remove_logo and not images.logo:
        media.structure_set_logo(actor=actor, structure=structure, upload=None)
    if images.logo is not None:
        media.structure_set_logo(actor=actor, structure=structure, upload=images.logo)
    if images.remove_photo_ids:
        media.structure_remove_photos(actor=actor, structure=structure, photo_ids=images.remove_photo_ids)
    if images.photo is not None:
        media.structure_add_photo(
            actor=actor, structure=structure, upload=images.photo, caption=images.photo_caption
        )
    return result
