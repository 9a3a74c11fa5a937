"""Private uploads (group documents, need and answer attachments) are reachable only through the views
that check permissions; public media (logos, photos) stay public."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage, storages
from django.db.models.fields.files import FieldFile
from django.test import override_settings
from django.urls import reverse

from essaim.cooperation import services as cooperation_services
from essaim.cooperation.models import GroupDocument
from essaim.directory.models import Structure
from essaim.sourcing import services as sourcing_services
from essaim.sourcing.models import NeedAnswer, NeedAttachment
from tests.cooperation.factories import make_group
from tests.core.factories import pdf_upload
from tests.sourcing.factories import make_need

pytestmark = pytest.mark.django_db

ORIGINAL_NAMES = {"document": "compte-rendu-confidentiel.pdf", "need": "cahier-des-charges-prive.pdf"}


@pytest.fixture
def private_files(world):
    """A private group's document, a draft need's attachment and an answer's attachment."""
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    document = cooperation_services.group_document_upload(
        actor=None,
        group=group,
        organisation=world.supplier_org,
        title="Compte rendu",
        uploaded_file=pdf_upload(ORIGINAL_NAMES["document"]),
    )
    need = make_need(world.buyer_org)
    attachment = sourcing_services.attachment_add(
        actor=None, need=need, uploaded_file=pdf_upload(ORIGINAL_NAMES["need"])
    )
    published = make_need(world.buyer_org, publish=True, title="Jouets pour les crèches")
    answer = sourcing_services.answer_record(
        actor=None,
        need=published,
        organisation=world.supplier_org,
        kind="interesse",
        answers=["15 jours", "EN 71"],
        attachment=pdf_upload("offre-tarifaire.pdf"),
    )
    return {
        "document": (
            document.file,
            reverse("cooperation:document_detail", args=[document.pk]) + "?format=fichier",
        ),
        "need": (
            attachment.file,
            reverse("sourcing:need_detail", args=[need.pk]) + f"?piece={attachment.pk}",
        ),
        "answer": (answer.attachment, reverse("sourcing:answer_detail", args=[answer.pk]) + "?format=piece"),
    }


@pytest.mark.parametrize("kind", ["document", "need", "answer"])
def test_a_private_file_has_no_public_url_and_a_random_name(kind: str, private_files) -> None:
    stored, _view = private_files[kind]
    assert isinstance(stored, FieldFile)
    assert not default_storage.exists(stored.name), "the file sits in the public media storage"
    assert stored.storage is storages["private"]
    with pytest.raises(ValueError):
        stored.storage.url(stored.name)
    original = {"document": "compte-rendu", "need": "cahier-des-charges", "answer": "offre-tarifaire"}[kind]
    assert original not in stored.name, "the stored name gives away the original name"
    assert len(stored.name.rsplit("/", 1)[-1]) >= 32


@pytest.mark.parametrize(
    ("kind", "outsider", "insider", "filename"),
    [
        ("document", "buyer", "partner", "compte-rendu-confidentiel.pdf"),
        ("need", "other_buyer", "buyer", "cahier-des-charges-prive.pdf"),
        ("answer", "other_buyer", "buyer", "offre-tarifaire.pdf"),
    ],
)
def test_only_someone_allowed_gets_the_file_under_its_original_name(
    kind: str,
    outsider: str,
    insider: str,
    filename: str,
    client_as,
    private_files,
) -> None:
    _stored, view = private_files[kind]
    assert client_as(outsider).get(view).status_code == 403
    response = client_as(insider).get(view)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert f'filename="{filename}"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")


@override_settings(ESSAIM_PRIVATE_FILES_ACCEL_PREFIX="/_fichiers_prives/")
@pytest.mark.parametrize("kind", ["document", "need", "answer"])
def test_in_production_the_proxy_sends_the_file_after_the_check(kind: str, client_as, private_files) -> None:
    stored, view = private_files[kind]
    outsider = {"document": "buyer", "need": "other_buyer", "answer": "other_buyer"}[kind]
    insider = {"document": "partner", "need": "buyer", "answer": "buyer"}[kind]
    refused = client_as(outsider).get(view)
    assert refused.status_code == 403 and "X-Accel-Redirect" not in refused
    response = client_as(insider).get(view)
    assert response.status_code == 200
    assert unquote(response["X-Accel-Redirect"]) == "/_fichiers_prives/" + stored.name
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    # The internal location is no page of the application: asked directly, it does not exist.
    assert client_as(insider).get("/_fichiers_prives/" + stored.name).status_code == 404


def test_public_media_stay_public(world) -> None:
    field = Structure._meta.get_field("logo")
    assert field.storage is default_storage or field.storage is storages["default"]
    for model, name in ((GroupDocument, "file"), (NeedAttachment, "file"), (NeedAnswer, "attachment")):
        assert model._meta.get_field(name).storage is storages["private"]


def test_the_data_migration_moves_existing_public_files_and_keeps_their_names(
    world,
    django_capture_on_commit_callbacks,
) -> None:
    from django.core.files.base import ContentFile

    from essaim.core.private_files import move_public_files_to_private

    group = make_group(coordinator=world.supplier_org)
    public_name = default_storage.save(
        "cooperation/documents/2025/03/charte-du-groupe.pdf", ContentFile(b"%PDF-1.4 x")
    )
    document = GroupDocument.objects.create(
        group=group, title="Charte", kind="pdf", size=10, file=public_name
    )
    with django_capture_on_commit_callbacks(execute=True):
        moved = move_public_files_to_private(
            GroupDocument, "file", "cooperation/documents", original_name_field="filename"
        )
    document.refresh_from_db()
    assert moved == 1
    assert document.filename == "charte-du-groupe.pdf"
    assert "charte" not in document.file.name
    assert storages["private"].open(document.file.name).read() == b"%PDF-1.4 x"
    assert not default_storage.exists(public_name)
    # Running it again moves nothing (already private).
    assert move_public_files_to_private(GroupDocument, "file", "cooperation/documents") == 0


@override_settings(MEDIA_ROOT="/srv/essaim/media", PRIVATE_MEDIA_ROOT="/srv/essaim/media/prive")
def test_a_private_folder_inside_the_public_media_folder_is_refused_at_start_up() -> None:
    from essaim.core.checks import private_files_stay_private

    errors = private_files_stay_private(None)
    assert [error.id for error in errors] == ["essaim.E010"]
