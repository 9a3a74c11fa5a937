"""The cooperation home page: my groups, recent groups and resources, support offers that fit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from essaim.accounts.acting import acting_organisation

from .. import selectors
from .acting import audience_of


def home(request: HttpRequest) -> HttpResponse:
    organisation = acting_organisation(request)
    commune_code = organisation.commune_id if organisation else None
    return render(
        request,
        "cooperation/home.html",
        {
            "my_groups": selectors.groups_of_organisation(organisation),
            "groups": selectors.group_list()[:6],
            "resources": selectors.resource_search()[:6],
            "support_offers": selectors.relevant_support_offers(
                audience=audience_of(organisation),
                topics=["cooperation", "locaux", "financement", "sourcing", "reservation"],
                commune_code=commune_code,
            ),
        },
    )
