"""Communes and groupings are listed the French way: accents, case and punctuation do not move a name
("Châtenay-Malabry" before "Choisy-le-Roi", "L'Haÿ-les-Roses" among the L), whatever the database's
collation (SQLite and PostgreSQL "C" sort bytes: "Ch\xc3\xa2" after "Cho")."""

from __future__ import annotations

import pytest

from essaim.territory.selectors import communes_of_perimeter
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db

COMMUNES = [
    ("94022", "Choisy-le-Roi", "", "94"),
    ("92019", "Châtenay-Malabry", "", "94"),
    ("94038", "L'Haÿ-les-Roses", "", "94"),
    ("94043", "Le Kremlin-Bicêtre", "", "94"),
    ("94037", "Gentilly", "", "94"),
    ("94034", "Fresnes", "", "94"),
    ("94028", "Créteil", "", "94"),
    ("94073", "Thiais", "", "94"),
    ("94081", "Vitry-sur-Seine", "", "94"),
    ("94078", "Villeneuve-Saint-Georges", "", "94"),
    ("94071", "Sucy-en-Brie", "", "94"),
    ("94068", "Saint-Maur-des-Fossés", "", "94"),
    ("94033", "Fontenay-sous-Bois", "", "94"),
    ("94017", "Champigny-sur-Marne", "", "94"),
    ("94015", "Bry-sur-Marne", "", "94"),
    ("94018", "Charenton-le-Pont", "", "94"),
    ("94004", "Boissy-Saint-Léger", "", "94"),
    ("94019", "Chennevières-sur-Marne", "", "94"),
]


def test_the_communes_of_a_perimeter_are_in_french_order() -> None:
    make_small_territory(COMMUNES, gosb=[c for c, *_ in COMMUNES])
    names = [c.name for c in communes_of_perimeter("dep:94")]
    assert names[:3] == ["Boissy-Saint-Léger", "Bry-sur-Marne", "Champigny-sur-Marne"]
    assert (
        names.index("Châtenay-Malabry") < names.index("Chennevières-sur-Marne") < names.index("Choisy-le-Roi")
    )
    assert names.index("L'Haÿ-les-Roses") < names.index("Le Kremlin-Bicêtre")
    assert names == sorted(
        names,
        key=lambda n: (
            n.replace("â", "a")
            .replace("ê", "e")
            .replace("ÿ", "y")
            .replace("é", "e")
            .replace("'", " ")
            .replace("-", " ")
            .casefold()
        ),
    )
