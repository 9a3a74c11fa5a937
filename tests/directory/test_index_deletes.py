"""A deleted structure leaves the search index, whoever deletes it (here a bulk delete, as the back office does):
it is neither counted nor listed, and a structure created later never inherits its words."""

from __future__ import annotations

import pytest

from essaim.directory.models import Structure
from essaim.directory.selectors import search_structures

from .factories import make_structure

pytestmark = pytest.mark.django_db


def test_a_structure_deleted_outside_the_services_is_neither_counted_nor_found(territory) -> None:
    gone = make_structure("Ressourcerie des planches")
    kept = make_structure("Ressourcerie des costumes")
    before = search_structures("ressourcerie")
    assert before.total == 2
    Structure.objects.filter(pk=gone.pk).delete()  # without the directory's services
    after = search_structures("ressourcerie")
    assert after.total == 1 and [hit.pk for hit in after.hits] == [kept.pk]
    assert search_structures("planches").total == 0
    newcomer = make_structure("Atelier vélo")
    assert search_structures("planches").total == 0 and search_structures("vélo").hits[0].pk == newcomer.pk
