"""The directory takes places by name: the profile's commune, "Où intervenez-vous ?" and the search filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .test_media import activities_data, editor, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_structure_says_where_it_works_by_name(client, editor) -> None:  # noqa: F811
    structure, url = editor
    data = activities_data(
        {
            "sector": "velo",
            "service_types": "prestation",
            "perimeters": "Vitry-sur-Seine, Grand-Orly Seine Bièvre",
        }
    )
    assert post(client, url, structure, **data, commune="vitry sur seine").status_code == 302
    activity = structure.activities.get()
    assert sorted(p.code for p in activity.perimeters.all()) == ["94081", "epci:200058014"]
    structure.refresh_from_db()
    assert structure.commune_id == "94081"
    page = client.get(url).content.decode()
    assert 'value="Vitry-sur-Seine (94)"' in page  # the commune, by name
    assert "Grand-Orly Seine Bièvre" in page and 'value="epci:200058014' not in page


def test_unknown_and_misplaced_places_are_french_errors_by_field(client, editor) -> None:  # noqa: F811
    structure, url = editor
    data = activities_data(
        {"sector": "velo", "service_types": "prestation", "perimeters": "Vitry, Nulle-Part"}
    )
    response = post(client, url, structure, **data, commune="Grand-Orly Seine Bièvre")
    assert response.status_code == 400
    content = response.content.decode().replace("&#x27;", "'")
    assert "Aucun lieu ne s'appelle « Nulle-Part »" in content
    assert "« Grand-Orly Seine Bièvre » est un EPCI ou un EPT : indiquez ici une commune." in content
    assert 'value="Vitry, Nulle-Part"' in content  # nothing typed is lost


@pytest.mark.parametrize(
    ("typed", "code"), [("Vitry-sur-Seine", "94081"), ("Grand-Orly Seine Bièvre", "epci:200058014")]
)
def test_search_filters_typed_by_name_keep_codes_in_the_address(
    client, territory, typed: str, code: str
) -> None:
    url = reverse("directory:search")
    response = client.get(url, {"q": "vélo", "works_in": typed})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=v%C3%A9lo&works_in={code.replace(':', '%3A')}"
    page = client.get(response["Location"]).content.decode()
    assert f'value="{typed}' in page  # shown by name
    htmx = client.get(url, {"located_in": typed}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx["HX-Push-Url"].endswith(f"located_in={code.replace(':', '%3A')}")
