"""Logo, photos and activities on the edit page: real images made in the test, errors in French by field."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from essaim.accounts.models import Organisation
from essaim.directory.media import clean_image
from essaim.directory.services import ActivityInput, DirectoryError

from .factories import MemberFactory, OrganisationFactory, make_structure

pytestmark = pytest.mark.django_db
GPS_IFD = 0x8825


def image_bytes(
    fmt: str, size: tuple[int, int] = (80, 60), mode: str = "RGB", exif: Image.Exif | None = None
) -> bytes:
    colour = (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = "Téléphone de la directrice"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (48.0, 47.0, 30.0)
    gps[3], gps[4] = "E", (2.0, 23.0, 10.0)
    return exif


@pytest.fixture
def editor(client, territory):
    organisation = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Rejoué")
    structure = make_structure(
        "Rejoué",
        commune="94081",
        description="Réemploi de jouets.",
        organisation=organisation,
        activities=[ActivityInput("jouets", ("fourniture",), ("epci:200058014",))],
    )
    client.force_login(MemberFactory(organisation=organisation))
    return structure, reverse("directory:edit", args=[structure.pk])


def post(client, url, structure, **extra):
    data = {"name": structure.name, "description": structure.description, "commune": "94081", **extra}
    return client.post(url, data)


def test_photo_with_gps_exif_is_reencoded_without_metadata(client, editor):
    structure, url = editor
    raw = image_bytes("JPEG", (1200, 900), exif=gps_exif())
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)  # the upload does carry a position
    upload = SimpleUploadedFile("vacances.jpg", raw, content_type="image/jpeg")
    response = post(client, url, structure, photo=upload, photo_caption="L'atelier")
    assert response.status_code == 302
    photo = structure.photos.get()
    assert photo.caption == "L'atelier" and photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as handle:
        stored = handle.read()
    saved = Image.open(io.BytesIO(stored))
    assert saved.format == "JPEG" and not saved.getexif() and "exif" not in saved.info
    assert b"Exif" not in stored and b"directrice" not in stored


def test_logo_keeps_transparency_as_png_and_can_be_removed(client, editor):
    structure, url = editor
    upload = SimpleUploadedFile(
        "logo.webp", image_bytes("WEBP", (900, 300), "RGBA"), content_type="image/webp"
    )
    assert post(client, url, structure, logo=upload).status_code == 302
    structure.refresh_from_db()
    with structure.logo.open("rb") as handle:
        logo = Image.open(io.BytesIO(handle.read()))
    assert logo.format == "PNG" and logo.mode == "RGBA" and logo.size == (512, 171)
    assert post(client, url, structure, remove_logo="on").status_code == 302
    structure.refresh_from_db()
    assert not structure.logo


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("logo", "logo.png", b"<?php echo 'pas une image'; ?>", "pas une image lisible"),
        ("photo", "photo.jpg", image_bytes("PNG")[:60], "pas une image lisible"),
        ("photo", "grande.png", image_bytes("PNG", (7000, 20)), "trop grande (7000 × 20 pixels"),
        ("logo", "lourd.png", image_bytes("PNG") + b"\0" * (5 * 1024 * 1024), "dépasse 5 Mo"),
    ],
)
def test_bad_images_are_refused_on_their_field(client, editor, field, name, content, message):
    structure, url = editor
    response = post(client, url, structure, **{field: SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    errors = response.context["media_form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    assert not structure.photos.exists()


def test_clean_image_refuses_a_fake_file_whatever_its_name():
    with pytest.raises(DirectoryError) as raised:
        clean_image(io.BytesIO(b"GIF89a nothing else"), kind="logo")
    assert raised.value.field == "logo"


def activities_data(*rows: dict[str, str]) -> dict[str, str]:
    data = {
        "activities-TOTAL_FORMS": str(len(rows)),
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows):
        data.update({f"activities-{i}-{k}": v for k, v in row.items()})
    return data


def test_activities_are_edited_with_errors_by_field(client, editor):
    structure, url = editor
    bad = activities_data(
        {"sector": "velo", "service_types": "prestation", "perimeters": "dep:94 dep:999"},
        {"sector": "traiteur", "perimeters": ""},
    )
    response = post(client, url, structure, **bad)
    assert response.status_code == 400
    forms = response.context["activities"].forms
    assert forms[0].errors == {
        "perimeters": [
            "Code de périmètre mal formé « dep:999 » : attendu un code de département (« dep:94 », « dep:2A », "
            "« dep:971 »)."
        ]
    }
    assert "Indiquez où vous intervenez" in forms[1].errors["perimeters"][0]
    good = activities_data(
        {"sector": "velo", "service_types": "prestation", "perimeters": "dep:94, 94081"},
        {"sector": "traiteur", "is_national": "on", "description": "Buffets"},
    )
    assert post(client, url, structure, **good).status_code == 302
    rows = sorted(
        (a.sector.slug, a.service_types, sorted(p.code for p in a.perimeters.all()), a.is_national)
        for a in structure.activities.all()
    )
    assert rows == [("traiteur", [], [], True), ("velo", ["prestation"], ["94081", "dep:94"], False)]
    structure.refresh_from_db()
    assert "activities" in structure.locked_groups
    page = client.get(url).content.decode()
    assert 'data-place-suggest="/territoire/lieux/suggestions/"' in page  # shown by name, never as codes
    assert (
        'value="Val-de-Marne (94), Vitry-sur-Seine (94)"' in page
        or 'value="Vitry-sur-Seine (94), Val-de-Marne (94)"' in page
    )
