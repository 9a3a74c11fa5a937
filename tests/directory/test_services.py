"""Writes of the directory: validation, derived fields, moderation states, provenance, demo data."""

from __future__ import annotations

import pytest

from essaim.core.models import AuditLog
from essaim.directory import services
from essaim.directory.demo import OTHERS, SEED, load_demo_structures
from essaim.directory.models import Structure
from essaim.directory.selectors import possible_duplicates, search_structures

from .factories import make_structure

pytestmark = pytest.mark.django_db


def test_create_derives_eligibility_and_masks(territory):
    structure = make_structure(
        "ESAT du Val",
        inclusion_kinds=["ESAT", "ACI"],
        ess_families=["association"],
        legal_form_code="9220",
        activities=[services.ActivityInput("blanchisserie", ("prestation",), ("dep:94",))],
    )
    assert structure.eligible_l2113_12 and structure.eligible_l2113_13 and structure.eligible_l2113_15
    assert structure.legal_form_label == "Association déclarée"
    assert structure.inclusion_kinds == ["ACI", "ESAT"]
    assert AuditLog.objects.filter(action="structure.created", object_id=str(structure.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "obligatoire"),
        ({"siret": "123"}, "siret", "14 chiffres"),
        ({"inclusion_kinds": ["XX"]}, "inclusion_kinds", "inconnue"),
        ({"commune": "99999"}, "commune", "Commune inconnue"),
        ({"year_founded": "1492"}, "year_founded", "invraisemblable"),
    ],
)
def test_invalid_data_is_refused_with_a_french_message_on_its_field(territory, data, field, message):
    with pytest.raises(services.DirectoryError) as error:
        services.structure_create(actor=None, data={"name": "X", **data})
    assert error.value.field == field
    assert message in error.value.message


def test_siret_is_unique_when_present(territory):
    make_structure("A", siret="73282932000074")
    make_structure("B")
    make_structure("C")  # several without SIRET are fine
    with pytest.raises(services.DirectoryError, match="existe déjà"):
        make_structure("D", siret="732 829 320 00074")


def test_unknown_perimeter_is_refused(territory):
    with pytest.raises(services.DirectoryError, match="Périmètre inconnu"):
        make_structure("A", activities=[services.ActivityInput("velo", (), ("epci:000000000",))])


def test_status_transitions(territory):
    structure = make_structure("A", status=Structure.Status.DRAFT)
    services.structure_publish(actor=None, structure=structure)
    services.structure_delist(actor=None, structure=structure)
    services.structure_set_status(actor=None, structure=structure, status=Structure.Status.TO_REVIEW)
    with pytest.raises(services.DirectoryError, match="Passage impossible"):
        services.structure_set_status(actor=None, structure=structure, status="nope")


def test_update_reindexes_the_search(territory):
    structure = make_structure("Atelier", description="couture")
    assert search_structures("maroquinerie").total == 0
    services.structure_update(actor=None, structure=structure, data={"description": "maroquinerie"})
    assert [h.pk for h in search_structures("maroquinerie").hits] == [structure.pk]


def test_duplicates_same_siren_or_close_names_in_one_commune(territory):
    make_structure("Ressourcerie du Val", commune="94081")
    make_structure("Ressourcerie du Val.", commune="94081")
    make_structure("Ressourcerie du Val", commune="94041")
    pairs = possible_duplicates()
    assert len(pairs) == 1 and pairs[0][2] == "nom proche, même commune"


def test_demo_is_idempotent_and_has_no_invented_siret(territory):
    first = load_demo_structures()
    assert first["created"] == len(SEED) + len(OTHERS)
    assert load_demo_structures() == {"created": 0, "updated": 0, "unchanged": len(SEED) + len(OTHERS)}
    assert not Structure.objects.exclude(siret="").exists()
    assert Structure.objects.filter(organisation__isnull=True).count() == 0


def test_demo_every_facet_shows_something(demo):
    facets = search_structures("").facets
    for name, values in facets.items():
        assert all(v.count > 0 for v in values), name
