"""Synthetic load data: the bulk path writes exactly what the service layer would derive, and is searchable."""

from __future__ import annotations

import pytest

from essaim.directory import services
from essaim.directory.models import Structure
from essaim.directory.selectors import search_structures
from essaim.directory.synthetic import generate_structures

pytestmark = pytest.mark.django_db

DERIVED = ("sectors_mask", "eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15", "name_normalised",
           "search_name", "search_body", "search_tags")  # fmt: skip


def test_bulk_rows_equal_what_the_services_derive(territory):
    assert generate_structures(30, seed=3, batch_size=7) == 30
    for structure in Structure.objects.filter(source="synthetic"):
        written = {name: getattr(structure, name) for name in DERIVED}
        services.structure_refresh_derived(structure)
        structure.refresh_from_db()
        assert written == {name: getattr(structure, name) for name in DERIVED}


def test_generated_structures_are_found_and_counted(territory):
    generate_structures(40, seed=5)
    result = search_structures("")
    assert result.total == 40
    assert sum(f.count for f in result.facets["families"]) >= 40
    assert len(result.hits) == 20
