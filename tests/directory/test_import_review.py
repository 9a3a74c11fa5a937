"""Imports land for review (issue 13): new structures from sources wait "à vérifier" in the facilitators'
queue with their source record beside them, out of search, matching, API and exports until approved;
data·inclusion v1 (description, networks, services' themes); SIRENE's diffusion status; reported profiles."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from ninja import NinjaAPI
from ninja.testing import TestClient

from essaim.core.errors import NotFoundError
from essaim.directory.api import router
from essaim.directory.imports import rejections_path, run_import
from essaim.directory.imports.run import updates_path
from essaim.directory.models import ProfileReport, SourceRecord, Structure
from essaim.directory.selectors import search_structures
from essaim.directory.services import structure_update
from tests.directory.factories import make_territory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
STRUCTURES, SERVICES = "data-inclusion-v1-structures.json", "data-inclusion-v1-services.json"
PRODUCERS = {
    "Chantier Vert de la Bièvre",
    "Handi Propreté Ivry",
    "ESAT Les Ateliers de la Saussaie",
    "Recyclerie des Bords de Seine",
}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in (STRUCTURES, SERVICES, "structures.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def demo_world(world):
    """The demo directory in the small territory, with one person per role (`world`)."""
    from essaim.directory.demo import load_demo_structures

    make_territory()
    load_demo_structures()
    return world


@pytest.fixture(scope="module")
def api_client():
    api = NinjaAPI(urls_namespace="directory-review-test")
    api.add_router("/structures/", router)
    return TestClient(api)


def motifs(path: Path) -> list[str]:
    with rejections_path(path).open(encoding="utf-8-sig", newline="") as handle:
        return [row["motif"] for row in csv.DictReader(handle, delimiter=";")]


def names(query: str) -> list[str]:
    return [hit.name for hit in search_structures(query).hits]


def test_done_when_data_inclusion_producers_wait_for_review_then_appear_in_search(
    demo_world, files, client_as, capsys
):
    """The issue's "done when": the reference shapes (structures and services) on the demo."""
    call_command(
        "import_structures",
        str(files / STRUCTURES),
        "--format=data-inclusion",
        f"--services={files / SERVICES}",
        "--commit",
    )
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
        "excluded": 4,
    }
    # The others are left out, each with its reason, in the rejects file beside the input.
    assert sorted(motifs(files / STRUCTURES)) == sorted(
        [
            "Hors champ : pas une structure productrice de l'ESS (réseaux porteurs : ccas-cias, communes).",
            "Hors champ : pas une structure productrice de l'ESS (réseaux porteurs : communes).",
            "Hors champ : pas une structure productrice de l'ESS (réseaux porteurs : france-travail).",
            "Hors champ : pas une structure productrice de l'ESS (réseaux porteurs : mission-locale).",
            "SIRET manquant : une structure importée doit avoir un SIRET.",
            "Commune inconnue (code INSEE 13055).",
        ]
    )
    imported = Structure.objects.filter(source="data-inclusion").with_listing()
    assert {s.name for s in imported} == PRODUCERS
    assert {s.status for s in imported} == {Structure.Status.TO_REVIEW}
    chantier = imported.get(name="Chantier Vert de la Bièvre")
    assert chantier.description.startswith("Atelier et chantier d'insertion : entretien d'espaces verts")
    assert chantier.inclusion_kinds == ["ACI"] and chantier.eligible_l2113_13
    assert {t.slug for t in chantier.top_sectors} == {"formation", "alimentation"}
    assert "Parcours d'insertion en espaces verts" in chantier.offers
    assert "Lien social" in chantier.offers  # an unmapped theme is kept, never dropped
    assert imported.get(name="Handi Propreté Ivry").inclusion_kinds == ["EA"]
    esat = imported.get(name="ESAT Les Ateliers de la Saussaie")
    assert esat.inclusion_kinds == ["ESAT"] and "Améliorer sa gestion budgétaire" in esat.offers
    recyclerie = imported.get(name="Recyclerie des Bords de Seine")
    assert recyclerie.is_ressourcerie and {t.slug for t in recyclerie.top_sectors} == {
        "mobilite",
        "numerique",
    }
    # Invisible to search until a facilitator approves them.
    assert "Chantier Vert de la Bièvre" not in names("espaces verts débroussaillage")

    facilitator = client_as("facilitator")
    home = facilitator.get(reverse("core:dashboard")).content.decode()
    assert "Structures importées à vérifier" in home and "Chantier Vert de la Bièvre" in home
    queue = facilitator.get(reverse("core:review_queue")).content.decode()
    assert "Structures importées à vérifier" in queue
    listing = facilitator.get(reverse("core:review_list", args=["imports"])).content.decode()
    assert listing.count('type="checkbox" name="items"') == 4
    detail = facilitator.get(reverse("core:review_detail", args=["imports", chantier.pk])).content.decode()
    assert "Enregistrement de la source (Import data·inclusion)" in detail
    assert "aci, chantier-ecole" in detail  # the record's networks beside the kinds the import derived
    assert "https://emplois.inclusion.beta.gouv.fr/company/101/card" in detail

    assert "Publier les 4 éléments de cette page" in listing
    response = facilitator.post(
        reverse("core:review_decide", args=["imports"]),
        {"items": [s.pk for s in imported], "decision": "approve"},
    )
    assert response.status_code == 302
    assert set(Structure.objects.filter(source="data-inclusion").values_list("status", flat=True)) == {
        Structure.Status.PUBLISHED
    }
    assert names("espaces verts débroussaillage")[0] == "Chantier Vert de la Bièvre"
    assert names("recyclerie bords de seine")[0] == "Recyclerie des Bords de Seine"
    assert (
        facilitator.get(reverse("core:review_list", args=["imports"]))
        .content.decode()
        .count('type="checkbox" name="items"')
        == 0
    )


def test_import_again_updates_published_structures_and_lists_them(demo_world, files):
    path = files / STRUCTURES
    run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True, publish=True)
    chantier = Structure.objects.get(name="Chantier Vert de la Bièvre")
    assert chantier.status == Structure.Status.PUBLISHED
    assert not SourceRecord.objects.exists()  # published at once: nothing to review
    again = run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 4, "rejected": 2, "excluded": 4}
    assert not updates_path(path).exists()
    records = json.loads(path.read_text(encoding="utf-8"))
    records["items"][0]["description"] = "Nouvelle présentation venue de la source."
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    third = run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True)
    assert third.updated == 1
    chantier.refresh_from_db()
    assert chantier.description == "Nouvelle présentation venue de la source."
    assert chantier.status == Structure.Status.PUBLISHED
    with updates_path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [(r["fiche"], r["nom"], r["groupes modifiés"]) for r in rows] == [
        (str(chantier.pk), "Chantier Vert de la Bièvre", "presentation")
    ]
    # What the structure edited itself stays its own.
    structure_update(actor=None, structure=chantier, data={"description": "Notre texte."})
    records["items"][0]["description"] = "Encore une autre présentation."
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True)
    chantier.refresh_from_db()
    assert chantier.description == "Notre texte."


def test_a_rejected_import_stays_out_when_imported_again(demo_world, files, client_as):
    path = files / STRUCTURES
    run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True)
    esat = Structure.objects.get(name="ESAT Les Ateliers de la Saussaie")
    client_as("facilitator").post(
        reverse("core:review_decide", args=["imports"]), {"items": [esat.pk], "decision": "reject"}
    )
    esat.refresh_from_db()
    assert esat.status == Structure.Status.DELISTED
    assert run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True).created == 0
    esat.refresh_from_db()
    assert esat.status == Structure.Status.DELISTED


def test_structures_awaiting_review_are_out_of_api_profile_and_exports(
    demo_world, files, client_as, api_client
):
    run_import(files / STRUCTURES, "data-inclusion", services_path=files / SERVICES, commit=True)
    chantier = Structure.objects.get(name="Chantier Vert de la Bièvre")
    with pytest.raises(NotFoundError):  # the API's handler answers 404
        api_client.get(f"/structures/{chantier.pk}")
    assert api_client.get(f"/structures/siret/{chantier.siret}").status_code == 404
    assert chantier.name not in json.dumps(api_client.get("/structures/?q=chantier+vert").json())
    for role in ("anonymous", "buyer", "supplier"):
        assert client_as(role).get(reverse("directory:profile", args=[chantier.pk])).status_code == 404
    export = client_as("buyer").get(reverse("directory:export", args=["csv"]), {"q": "chantier"})
    assert "Chantier Vert" not in export.content.decode("utf-8-sig")
    assert client_as("facilitator").get(reverse("directory:profile", args=[chantier.pk])).status_code == 200


def test_data_inclusion_csv_pages_and_array_shapes_read_alike(territory, files, tmp_path):
    pages = json.loads((files / STRUCTURES).read_text(encoding="utf-8"))
    array = tmp_path / "array.json"
    array.write_text(json.dumps(pages["items"], ensure_ascii=False), encoding="utf-8")
    table = tmp_path / "structures-v1.csv"
    columns = ["source", "id", "nom", "siret", "code_insee", "description", "reseaux_porteurs", "courriel"]
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(columns)
        for item in pages["items"]:
            writer.writerow(
                ["|".join(item[c] or []) if c == "reseaux_porteurs" else item[c] or "" for c in columns]
            )
    expected = {"created": 4, "updated": 0, "unchanged": 0, "rejected": 2, "excluded": 4}
    assert run_import(array, "data-inclusion").as_dict() == expected
    assert run_import(table, "data-inclusion").as_dict() == expected
    assert run_import(files / STRUCTURES, "data-inclusion").as_dict() == expected


def test_csv_publishes_by_default_and_review_holds_it(territory, files, capsys):
    call_command("import_structures", str(files / "structures.csv"), "--format=csv", "--review", "--commit")
    assert json.loads(capsys.readouterr().out)["excluded"] == 0
    assert set(Structure.objects.values_list("status", flat=True)) == {Structure.Status.TO_REVIEW}
    Structure.objects.all().delete()
    call_command("import_structures", str(files / "structures.csv"), "--format=csv", "--commit")
    assert set(Structure.objects.values_list("status", flat=True)) == {Structure.Status.PUBLISHED}
    assert not SourceRecord.objects.exists()


# --- SIRENE: partially diffusible units ------------------------------------------------------------------

UNIT_HEADER = (
    "siren,statutDiffusionUniteLegale,dateCreationUniteLegale,prenom1UniteLegale,nomUniteLegale,"
    "etatAdministratifUniteLegale,denominationUniteLegale,categorieJuridiqueUniteLegale,"
    "activitePrincipaleUniteLegale,economieSocialeSolidaireUniteLegale\n"
)
ESTABLISHMENT_HEADER = (
    "siren,siret,statutDiffusionEtablissement,etablissementSiege,numeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,codeCommuneEtablissement,etatAdministratifEtablissement\n"
)


def test_partially_diffusible_units_never_show_a_name_or_an_address(
    territory, tmp_path, client_as, api_client
):
    make = lambda name, rows: (tmp_path / name).write_text(rows, encoding="utf-8")  # noqa: E731
    # A natural person (1000) flagged ESS, partially diffusible, whose file still carries the fields; an
    # association partially diffusible at its establishment; a fully diffusible one.
    make(
        "StockUniteLegale_p.csv",
        UNIT_HEADER
        + "000009209,P,2015-01-01,CAMILLE,DURAND-SECRET,A,,1000,38.32Z,O\n"
        + "000009217,O,2001-01-01,,,A,ATELIER DISCRET,9220,88.99B,O\n"
        + "000009225,O,2001-01-01,,,A,RECYCLERIE OUVERTE,9220,38.32Z,O\n",
    )
    make(
        "StockEtablissement_p.csv",
        ESTABLISHMENT_HEADER
        + "000009209,00000920900016,P,true,7,RUE,DES SECRETS,94400,94081,A\n"
        + "000009217,00000921700019,P,true,9,AV,DU SILENCE,94200,94041,A\n"
        + "000009225,00000922500012,O,true,1,BD,DES OUVERTS,94400,94081,A\n",
    )
    report = run_import(tmp_path / "StockUniteLegale_p.csv", "sirene", commit=True, publish=True)
    assert report.as_dict() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0, "excluded": 0}
    person = Structure.objects.get(siren="000009209")
    assert person.name == "Entreprise à diffusion partielle (SIREN 000009209)"
    assert (person.address, person.postal_code, person.commune_id, person.naf_code) == (
        "",
        "",
        "94081",
        "3832Z",
    )
    association = Structure.objects.get(siren="000009217")
    assert association.name == "Atelier Discret" and association.address == ""
    assert Structure.objects.get(siren="000009225").address == "1 BD DES OUVERTS"
    withheld = ("DURAND", "CAMILLE", "Camille", "Durand", "SECRETS", "Secrets", "SILENCE", "Silence")
    facilitator, buyer = client_as("facilitator"), client_as("buyer")
    pages = [
        facilitator.get(reverse("directory:profile", args=[person.pk])).content.decode(),
        facilitator.get(reverse("directory:profile", args=[association.pk])).content.decode(),
        json.dumps(api_client.get(f"/structures/{person.pk}").json()),
        json.dumps(api_client.get("/structures/?q=diffusion").json()),
        buyer.get(reverse("directory:export", args=["csv"]), {"located_in": "94081"}).content.decode(
            "utf-8-sig"
        ),
        buyer.get(reverse("directory:export", args=["csv"]), {"located_in": "94041"}).content.decode(
            "utf-8-sig"
        ),
    ]
    assert "000009209" in pages[0] and "Vitry-sur-Seine" in pages[0]
    assert "Entreprise à diffusion partielle" in pages[4]
    for page in pages:
        assert not any(word in page for word in withheld)
    # A unit that becomes partially diffusible loses what an earlier file had published.
    make(
        "StockEtablissement_p.csv",
        ESTABLISHMENT_HEADER
        + "000009209,00000920900016,P,true,7,RUE,DES SECRETS,94400,94081,A\n"
        + "000009217,00000921700019,P,true,9,AV,DU SILENCE,94200,94041,A\n"
        + "000009225,00000922500012,P,true,1,BD,DES OUVERTS,94400,94081,A\n",
    )
    assert run_import(tmp_path / "StockUniteLegale_p.csv", "sirene", commit=True).updated == 1
    assert Structure.objects.get(siren="000009225").address == ""


# --- Reported profiles ---------------------------------------------------------------------------------------


def test_a_logged_in_person_reports_a_profile_and_the_facilitator_decides(demo_world, client_as):
    structure = Structure.objects.published().order_by("pk").first()
    url = reverse("directory:report", args=[structure.pk])
    buyer = client_as("buyer")
    assert (
        "Signaler ce profil" in buyer.get(reverse("directory:profile", args=[structure.pk])).content.decode()
    )
    refused = buyer.post(url, {"message": "Sans motif"})
    assert refused.status_code == 400 and "Choisissez le motif du signalement." in refused.content.decode()
    assert buyer.post(url, {"reason": "fermee", "message": "Fermée depuis juin."}).status_code == 302
    again = buyer.post(url, {"reason": "fermee"})
    assert again.status_code == 400 and "déjà signalé" in again.content.decode()
    client_as("partner").post(url, {"reason": "inexacte"})
    reports = list(ProfileReport.objects.order_by("pk"))
    assert len(reports) == 2
    facilitator = client_as("facilitator")
    detail = facilitator.get(
        reverse("core:review_detail", args=["signalements", reports[0].pk])
    ).content.decode()
    assert "La structure a cessé son activité" in detail and "Fermée depuis juin." in detail
    facilitator.post(
        reverse("core:review_decide", args=["signalements"]), {"items": [reports[1].pk], "decision": "reject"}
    )
    structure.refresh_from_db()
    assert structure.status == Structure.Status.PUBLISHED
    facilitator.post(
        reverse("core:review_decide", args=["signalements"]),
        {"items": [reports[0].pk], "decision": "approve"},
    )
    structure.refresh_from_db()
    assert structure.status == Structure.Status.DELISTED
    assert [r.status for r in ProfileReport.objects.order_by("pk")] == ["approved", "rejected"]
    assert client_as("anonymous").get(url).status_code == 302  # to the login page


def test_a_structure_member_cannot_report_its_own_profile(world, territory, client_as):
    from tests.directory.factories import make_structure

    own = make_structure("Rejoué", organisation=world.supplier_org)
    supplier = client_as("supplier")
    assert (
        "Signaler ce profil" not in supplier.get(reverse("directory:profile", args=[own.pk])).content.decode()
    )
    assert supplier.get(reverse("directory:report", args=[own.pk])).status_code == 403
    assert supplier.post(reverse("directory:report", args=[own.pk]), {"reason": "abus"}).status_code == 403
    assert not ProfileReport.objects.exists()


def test_imports_tell_their_progress_with_a_total_when_known(territory, files, tmp_path):
    from essaim.directory.imports.sirene_sample import write_sample

    told: list[tuple[int, int | None]] = []

    def advance(rows: int, *, total: int | None = None) -> None:
        told.append((rows, total))

    run_import(files / "structures.csv", "csv", advance=advance)
    assert told[0] == (0, 8) and sum(rows for rows, _ in told) == 8  # every data line read
    told.clear()
    units, _establishments = write_sample(tmp_path / "sirene", units=400, communes=["94081"], seed=3)
    report = run_import(units, "sirene", advance=advance)
    total = told[0][1]
    assert total is not None and sum(rows for rows, _ in told) == total
    assert report.created + report.unchanged + report.rejected == total


def test_a_structure_an_older_import_published_goes_back_to_review_when_now_out_of_scope(
    demo_world, files, client_as
):
    from essaim.directory.services import structure_create

    ccas = structure_create(
        actor=None,
        data={"name": "CCAS de Vitry-sur-Seine", "commune": "94081"},
        status=Structure.Status.PUBLISHED,
        source="data-inclusion",
        source_id="dora:dora--ccas-105",
    )
    path = files / STRUCTURES
    dry = run_import(path, "data-inclusion", services_path=files / SERVICES)
    assert dry.excluded == 4 and Structure.objects.get(pk=ccas.pk).status == Structure.Status.PUBLISHED
    report = run_import(path, "data-inclusion", services_path=files / SERVICES, commit=True)
    assert report.excluded == 4
    ccas.refresh_from_db()
    assert ccas.status == Structure.Status.TO_REVIEW and "CCAS de Vitry-sur-Seine" not in names("ccas vitry")
    with updates_path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [(r["nom"], r["groupes modifiés"]) for r in rows] == [
        ("CCAS de Vitry-sur-Seine", "à vérifier (hors champ)")
    ]
    facilitator = client_as("facilitator")
    detail = facilitator.get(reverse("core:review_detail", args=["imports", ccas.pk])).content.decode()
    assert "ccas-cias, communes" in detail
    facilitator.post(
        reverse("core:review_decide", args=["imports"]), {"items": [ccas.pk], "decision": "reject"}
    )
    ccas.refresh_from_db()
    assert ccas.status == Structure.Status.DELISTED
