"""Cooperation forms take places by name: resources, requests, support offers, groups and their filters."""

from __future__ import annotations

from django.urls import reverse

from essaim.cooperation.models import Resource, SupportOffer
from tests.territory_support import make_small_territory

from .factories import make_offer, make_resource
from .test_editing import OFFER_DATA, RESOURCE_DATA


def test_a_resource_is_edited_with_places_typed_by_name(client_as, world) -> None:
    make_small_territory()
    resource = make_resource(world.supplier_org)
    url = reverse("cooperation:resource_update", args=[resource.pk])
    data = RESOURCE_DATA | {"commune": "vitry sur seine", "perimeter": "Grand-Orly Seine Bièvre"}
    response = client_as("supplier").post(url, data)
    assert response.status_code == 302
    resource = Resource.objects.get(pk=resource.pk)
    assert (resource.commune_id, resource.perimeter.code) == ("94081", "epci:200058014")
    page = client_as("supplier").get(url).content.decode()
    assert 'value="Vitry-sur-Seine (94)"' in page and 'value="Grand-Orly Seine Bièvre"' in page


def test_a_support_offer_covers_a_territory_typed_by_name(client_as, world) -> None:
    make_small_territory()
    offer = make_offer(world.partner_org)
    url = reverse("cooperation:support_update", args=[offer.pk])
    response = client_as("partner").post(url, OFFER_DATA | {"perimeter": "Grand-Orly Seine Bièvre"})
    assert response.status_code == 302
    assert SupportOffer.objects.get(pk=offer.pk).perimeter.code == "epci:200058014"
    response = client_as("partner").post(url, OFFER_DATA | {"perimeter": "Vitry-sur-Seine"})
    assert SupportOffer.objects.get(pk=offer.pk).perimeter.code == "94081"


def test_filters_typed_by_name_keep_codes_in_the_address(client_as, world) -> None:
    make_small_territory()
    client = client_as("supplier")
    for name in ("cooperation:resource_list", "cooperation:support_list"):
        response = client.get(reverse(name), {"commune": "Vitry-sur-Seine"})
        assert response.status_code == 302
        assert response["Location"] == reverse(name) + "?commune=94081"
        page = client.get(response["Location"]).content.decode()
        assert 'value="Vitry-sur-Seine (94)"' in page
        page = client.get(reverse(name), {"commune": "Nulle-Part"}).content.decode().replace("&#x27;", "'")
        assert "Aucun lieu ne s'appelle « Nulle-Part »" in page
