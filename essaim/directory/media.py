"""Logo and photos of a structure: uploads checked with Pillow, re-encoded, metadata stripped, sizes capped.

An upload is opened and `verify()`ed, re-opened, turned upright (EXIF orientation), shrunk to the display
size and saved again from its pixels only: no EXIF (GPS position, camera), no XMP, no PNG text chunks.
Logos become PNG (transparency kept), photos JPEG. Errors are `DirectoryError`s naming the form field.
"""

from __future__ import annotations

import io
import uuid
from typing import IO, Literal

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from essaim.accounts.models import User
from essaim.core.audit import log_action

from .errors import DirectoryError
from .models import Structure, StructurePhoto

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000  # pixels, either side, before shrinking
MIN_SIDE = 16
MAX_PHOTOS = 6
DISPLAY_SIDE = {"logo": 512, "photo": 1600}
FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}

Kind = Literal["logo", "photo"]


def clean_image(upload: IO[bytes], *, kind: Kind, field: str | None = None) -> tuple[bytes, str]:
    """The re-encoded image (bytes, extension), or a `DirectoryError` in French on `field`."""
    field = field or kind
    size = getattr(upload, "size", None)
    data = upload.read(MAX_BYTES + 1)
    if (size or len(data)) > MAX_BYTES:
        raise DirectoryError("L'image dépasse 5 Mo : réduisez-la avant de l'envoyer.", field=field)
    invalid = "Ce fichier n'est pas une image lisible (PNG, JPEG, WebP ou GIF)."
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise DirectoryError(invalid, field=field)
            width, height = probe.size
            if max(width, height) > MAX_SIDE:
                raise DirectoryError(
                    f"L'image est trop grande ({width} × {height} pixels ; {MAX_SIDE} au plus de chaque côté).",
                    field=field,
                )
            if min(width, height) < MIN_SIDE:
                raise DirectoryError(
                    f"L'image est trop petite ({MIN_SIDE} pixels au moins de chaque côté).", field=field
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DirectoryError(invalid, field=field) from exc
    picture.thumbnail((DISPLAY_SIDE[kind], DISPLAY_SIDE[kind]))
    output = io.BytesIO()
    if kind == "logo":
        has_alpha = picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info
        clean = Image.new("RGBA" if has_alpha else "RGB", picture.size)
        clean.paste(picture.convert(clean.mode))
        clean.save(output, format="PNG", optimize=True)
        return output.getvalue(), "png"
    clean = Image.new("RGB", picture.size, "white")
    rgba = picture.convert("RGBA")
    clean.paste(rgba, mask=rgba.getchannel("A"))
    clean.save(output, format="JPEG", quality=85, optimize=True, progressive=True)
    return output.getvalue(), "jpg"


def _name(structure: Structure, extension: str) -> str:
    return f"{structure.pk}-{uuid.uuid4().hex[:12]}.{extension}"


@transaction.atomic
def structure_set_logo(*, actor: User, structure: Structure, upload: IO[bytes] | None) -> Structure:
    """Replace (or, with `upload=None`, remove) the logo."""
    old = structure.logo.name if structure.logo else ""
    if upload is None:
        structure.logo = ""
    else:
        content, extension = clean_image(upload, kind="logo")
        structure.logo.save(_name(structure, extension), ContentFile(content), save=False)
    structure.save(update_fields=["logo", "updated_at"])
    if old and old != structure.logo.name:
        transaction.on_commit(lambda: structure.logo.storage.delete(old))
    log_action(
        actor=actor,
        action="structure.logo_changed",
        target=structure,
        organisation_id=structure.organisation_id,
    )
    return structure


@transaction.atomic
def structure_add_photo(
    *, actor: User, structure: Structure, upload: IO[bytes], caption: str = ""
) -> StructurePhoto:
    count = structure.photos.count()
    if count >= MAX_PHOTOS:
        raise DirectoryError(
            f"{MAX_PHOTOS} photos au plus : retirez-en une avant d'en ajouter.", field="photo"
        )
    content, extension = clean_image(upload, kind="photo")
    photo = StructurePhoto(structure=structure, caption=caption.strip()[:200], position=count)
    photo.image.save(_name(structure, extension), ContentFile(content), save=False)
    photo.save()
    log_action(
        actor=actor,
        action="structure.photo_added",
        target=structure,
        organisation_id=structure.organisation_id,
    )
    return photo


@transaction.atomic
def structure_remove_photos(*, actor: User, structure: Structure, photo_ids: list[int]) -> int:
    photos = list(structure.photos.filter(pk__in=photo_ids))
    names = [p.image.name for p in photos if p.image.name]
    for photo in photos:
        photo.delete()
    if photos:
        storage = StructurePhoto._meta.get_field("image").storage

        def delete_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
        log_action(
            actor=actor,
            action="structure.photos_removed",
            target=structure,
            data={"count": len(photos)},
            organisation_id=structure.organisation_id,
        )
    return len(photos)
