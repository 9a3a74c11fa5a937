"""The place picker's field, widget and suggestions endpoint (on a small piece of the territory)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client, RequestFactory
from django.urls import reverse

from essaim.territory.fields import COMMUNE_ONLY, PlaceField, PlacesField, place_query_redirect
from essaim.territory.models import Commune, Perimeter
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_territory(db: None) -> None:
    make_small_territory()


class PlacesForm(forms.Form):
    place = PlaceField(label="Lieu")
    places = PlacesField(label="Lieux", returns="code")
    commune = PlaceField(label="Commune", kinds=COMMUNE_ONLY, returns="commune")


def test_names_typed_by_hand_are_resolved_without_javascript() -> None:
    form = PlacesForm(
        {"place": "Grand-Orly Seine Bièvre", "places": "Vitry-sur-Seine, Ivry, dep:94", "commune": "vitry"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == Perimeter.objects.get(code="epci:200058014")
    assert form.cleaned_data["places"] == ["94081", "94041", "dep:94"]
    assert form.cleaned_data["commune"] == Commune.objects.get(code="94081")


def test_wrong_places_get_french_messages_and_the_text_typed_is_kept() -> None:
    form = PlacesForm({"place": "Vitry, Ivry", "places": "Nulle-Part", "commune": "Grand-Orly Seine Bièvre"})
    assert not form.is_valid()
    assert form.errors["place"] == ["Indiquez un seul lieu."]
    assert "Aucun lieu ne s'appelle « Nulle-Part »" in form.errors["places"][0]
    assert "est un EPCI ou un EPT : indiquez ici une commune" in form.errors["commune"][0]
    assert 'value="Nulle-Part"' in str(form["places"])


def test_codes_are_shown_by_name() -> None:
    form = PlacesForm(initial={"places": "94081 epci:200058014", "commune": "94081"})
    assert 'value="Vitry-sur-Seine (94), Grand-Orly Seine Bièvre"' in str(form["places"])
    assert 'value="Vitry-sur-Seine (94)"' in str(form["commune"])
    html = str(form["commune"])
    assert 'data-place-suggest="/territoire/lieux/suggestions/"' in html
    assert 'data-place-kinds="commune"' in html
    assert "data-place-multiple" in str(form["places"])


def test_a_filter_typed_by_name_redirects_to_the_same_url_with_codes() -> None:
    request = RequestFactory().get("/annuaire/", {"places": "Vitry, Grand-Orly Seine Bièvre", "q": "x"})
    form = PlacesForm(request.GET)
    target = place_query_redirect(request, form)
    assert target == "/annuaire/?places=94081+epci%3A200058014&q=x"
    request = RequestFactory().get("/annuaire/", {"places": "94081 epci:200058014"})
    assert place_query_redirect(request, PlacesForm(request.GET)) is None


def test_suggestions_give_names_and_codes(client: Client) -> None:
    response = client.get(reverse("territory:place_suggestions"), {"q": "vitr"})
    assert response.json() == [{"code": "94081", "label": "Vitry-sur-Seine (94)", "kind": "Commune"}]
    response = client.get(reverse("territory:place_suggestions"), {"q": "grand orly", "kinds": "commune"})
    assert response.json() == []
    assert client.get(reverse("territory:place_suggestions"), {"q": "v"}).json() == []
