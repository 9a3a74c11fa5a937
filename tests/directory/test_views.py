"""Pages of the directory, with their permissions for every role."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from essaim.accounts.models import Membership, Organisation
from essaim.core.models import AuditLog
from essaim.directory.models import ClaimRequest, Structure
from essaim.directory.services import ActivityInput

from .factories import MemberFactory, OrganisationFactory, UserFactory, make_structure

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"
# An anonymous search page once the place lists are cached: sectors, then the search (the query words in
# the word table; SQLite: count, facets, hits; PostgreSQL: count with facets, hits), the structures and
# their activities.
QUERIES_OF_SEARCH_PAGE = {"sqlite": 7, "postgresql": 6}


@pytest.fixture
def supplier_org():
    return OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Rejoué")


@pytest.fixture
def rejoue(territory, supplier_org):
    return make_structure(
        "Rejoué",
        siret=SIRET,
        commune="94081",
        email="contact@rejoue.example",
        phone="01 02 03 04 05",
        description="Réemploi de jouets.",
        inclusion_kinds=["ACI"],
        ess_families=["association"],
        organisation=supplier_org,
        activities=[ActivityInput("jouets", ("fourniture",), ("epci:200058014",))],
    )


def test_search_page_is_public_and_keeps_the_query_in_the_url(client, rejoue):
    response = client.get(reverse("directory:search"), {"q": "jouets", "kind": "ACI"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rejoué" in content
    # No live region around the results: after an update only "N structures trouvées" is read (essaim.js).
    assert (
        "aria-live" not in content
        and 'id="results-title" tabindex="-1" data-swap-focus data-announce' in content
    )
    search_form = content.split('role="search"')[1].split("</form>")[0]
    assert "search-results" not in search_form.split(">", 1)[1]  # the landmark holds the form only
    assert 'value="jouets"' in content
    assert 'id="f-kind-ACI" checked' in content


def test_htmx_request_gets_only_the_results_region(client, rejoue):
    response = client.get(reverse("directory:search"), {"q": "jouets"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "Rejoué" in content
    assert "<html" not in content


def test_profile_hides_contacts_from_anonymous_visitors(client, rejoue):
    url = reverse("directory:profile", args=[rejoue.pk])
    content = client.get(url).content.decode()
    assert "Rejoué" in content
    assert "contact@rejoue.example" not in content
    client.force_login(UserFactory())
    assert "contact@rejoue.example" in client.get(url).content.decode()


def test_draft_profile_is_hidden_from_strangers_but_not_from_members(client, territory, supplier_org):
    draft = make_structure("Brouillon", status=Structure.Status.DRAFT, organisation=supplier_org)
    url = reverse("directory:profile", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(MemberFactory(organisation=supplier_org))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("stranger", 403), ("buyer", 403), ("member", 200), ("facilitator", 200)],
)
def test_edit_permissions_per_role(client, rejoue, supplier_org, role, expected):
    users = {
        "stranger": lambda: UserFactory(),
        "buyer": lambda: MemberFactory(kind=Organisation.Kind.BUYER),
        "member": lambda: MemberFactory(organisation=supplier_org),
        "facilitator": lambda: MemberFactory(kind=Organisation.Kind.TERRITORY),
    }
    if role != "anonymous":
        client.force_login(users[role]())
    assert client.get(reverse("directory:edit", args=[rejoue.pk])).status_code == expected


def test_member_edit_locks_the_group_and_reports_errors_in_french(client, rejoue, supplier_org):
    client.force_login(MemberFactory(organisation=supplier_org))
    url = reverse("directory:edit", args=[rejoue.pk])
    response = client.post(url, {"name": "Rejoué", "siret": "12345678901234", "description": "x"})
    assert response.status_code == 400
    assert "clé de contrôle" in response.content.decode()
    response = client.post(
        url,
        {
            "name": "Rejoué",
            "siret": SIRET,
            "description": "Jouets de réemploi pour les crèches.",
            "commune": "94081",
        },
    )
    assert response.status_code == 302
    rejoue.refresh_from_db()
    assert rejoue.description == "Jouets de réemploi pour les crèches."
    assert "presentation" in rejoue.locked_groups
    assert AuditLog.objects.filter(action="structure.updated", object_id=str(rejoue.pk)).exists()


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 302), ("supplier", 403), ("buyer", 200)])
def test_export_is_for_buyers(client, rejoue, role, expected):
    if role != "anonymous":
        client.force_login(MemberFactory(kind=role))
    response = client.get(reverse("directory:export", args=["csv"]), {"q": "jouets"})
    assert response.status_code == expected
    if expected == 200:
        text = response.content.decode("utf-8-sig")
        assert "Rejoué" in text and SIRET in text


def test_xlsx_export(client, rejoue):
    client.force_login(MemberFactory(kind=Organisation.Kind.BUYER))
    response = client.get(reverse("directory:export", args=["xlsx"]), {"kind": "ACI"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:2] == ["Rejoué", SIRET]


def test_claim_then_approval_by_the_structure_admin(client, rejoue, supplier_org):
    admin = MemberFactory(organisation=supplier_org, admin=True)
    claimant = UserFactory()
    client.force_login(claimant)
    response = client.post(reverse("onboarding:structure_claim", args=[rejoue.pk]), {"message": "Directrice"})
    assert response.status_code == 302
    claim = ClaimRequest.objects.get(user=claimant)
    # A stranger cannot decide.
    client.force_login(UserFactory())
    assert client.post(reverse("directory:claim_decide", args=[claim.pk, "accepter"])).status_code == 403
    client.force_login(admin)
    assert client.get(reverse("directory:claims", args=[rejoue.pk])).status_code == 200
    client.post(reverse("directory:claim_decide", args=[claim.pk, "accepter"]))
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.APPROVED
    assert Membership.objects.filter(user=claimant, organisation=supplier_org, role="member").exists()
    client.force_login(claimant)
    assert client.get(reverse("directory:edit", args=[rejoue.pk])).status_code == 200


def test_claim_of_an_unmanaged_structure_approved_by_a_facilitator_creates_its_organisation(
    client, territory
):
    structure = make_structure("Orpheline", siret=SIRET)
    claimant = UserFactory()
    client.force_login(claimant)
    client.post(reverse("onboarding:structure_claim", args=[structure.pk]))
    claim = ClaimRequest.objects.get(user=claimant)
    client.force_login(MemberFactory(kind=Organisation.Kind.TERRITORY))
    client.post(reverse("directory:claim_decide", args=[claim.pk, "accepter"]))
    structure.refresh_from_db()
    assert structure.organisation is not None
    assert structure.organisation.memberships.get().role == Membership.Role.ADMIN


def test_the_old_claim_page_leads_to_the_one_claim_flow(client, rejoue):
    """One way to claim a structure: the sign-up's "find your structure" page, which the profile's button
    and the old address (/annuaire/rattacher/, with its SIRET) lead to."""
    client.force_login(UserFactory())
    response = client.get(reverse("directory:claim"), {"siret": SIRET})
    find = reverse("onboarding:structure_find")
    assert response.status_code == 302 and response["Location"] == f"{find}?q={SIRET}"
    assert client.get(reverse("directory:claim"))["Location"] == find
    assert client.post(reverse("directory:claim"), {"siret": SIRET}).status_code == 302  # nothing claimed
    assert not ClaimRequest.objects.exists()
    profile = client.get(reverse("directory:profile", args=[rejoue.pk])).content.decode()
    assert f'href="{find}?q={SIRET}">Gérer cette fiche</a>' in profile
    assert rejoue.name in client.get(response["Location"]).content.decode()


def test_only_facilitators_moderate(client, rejoue):
    url = reverse("directory:set_status", args=[rejoue.pk])
    client.force_login(MemberFactory(kind=Organisation.Kind.BUYER))
    assert client.post(url, {"status": "delisted"}).status_code == 403
    client.force_login(MemberFactory(kind=Organisation.Kind.TERRITORY))
    client.post(url, {"status": "delisted"})
    rejoue.refresh_from_db()
    assert rejoue.status == Structure.Status.DELISTED


def test_search_page_query_count_does_not_grow_with_results(client, territory, django_assert_max_num_queries):
    for i in range(25):
        make_structure(
            f"Atelier {i}", description="jouets", activities=[ActivityInput("jouets", (), ("94081",))]
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:search"), {"q": "jouets"})


def test_search_page_asks_places_by_name_in_a_fixed_number_of_queries(
    client, territory, django_assert_num_queries
):
    make_structure("Atelier", description="jouets", activities=[ActivityInput("jouets", (), ("94081",))])
    page = client.get(reverse("directory:search")).content.decode()
    # The place picker: a text field with suggestions, no list of every place in the page.
    assert 'name="works_in"' in page and 'data-place-suggest="/territoire/lieux/suggestions/"' in page
    assert '<option value="94081"' not in page
    # Pinned: session-less anonymous page (sectors, search, facets).
    with django_assert_num_queries(QUERIES_OF_SEARCH_PAGE[connection.vendor]):
        page = client.get(reverse("directory:search"), {"q": "jouets"}).content.decode()
    assert "Atelier" in page
    # A place in the address: one query to check it, one to show its name, one for the search to use it.
    with django_assert_num_queries(QUERIES_OF_SEARCH_PAGE[connection.vendor] + 3):
        page = client.get(reverse("directory:search"), {"q": "jouets", "works_in": "94081"}).content.decode()
    assert 'value="Vitry-sur-Seine (94)"' in page and "Atelier" in page


def test_results_region_alone_does_not_build_the_place_lists(client, territory):
    make_structure("Atelier", description="jouets", activities=[ActivityInput("jouets", (), ("94081",))])
    with CaptureQueriesContext(connection) as queries:
        content = client.get(
            reverse("directory:search"), {"q": "jouets"}, headers={"HX-Request": "true"}
        ).content.decode()
    assert "Atelier" in content and "Athis-Mons" not in content
    assert not [q for q in queries.captured_queries if "territory_perimeter" in q["sql"]]


def test_estimated_counts_say_so(client, territory, monkeypatch):
    # Large sets get estimated totals and facet counts (a sample): the page must not present them as
    # exact. The thresholds are lowered instead of creating thousands of structures.
    from django.db import connection

    from essaim.directory.search import index as search_index
    from essaim.directory.search import postgres as search_postgres

    for name in ("Rejoué", "La Fabrique des Jeux", "Ludothèque solidaire"):
        make_structure(name, commune="94081", description="Réemploi de jouets.", ess_families=["association"])
    page = client.get(reverse("directory:search"), {"q": "jouets"}).content.decode()
    assert "3 structures trouvées" in page and "Environ" not in page and "env.</abbr>" not in page
    monkeypatch.setattr(search_index, "FACET_EXACT", 1)  # SQLite: facets from a sample above this
    monkeypatch.setattr(search_postgres, "PG_EXACT_COUNT", 1)  # PostgreSQL: total and facets estimated
    page = client.get(reverse("directory:search"), {"q": "jouets"}).content.decode()
    assert "Environ " in page and "structures trouvées (nombres estimés)" in page
    if connection.vendor == "sqlite":  # the exact total, sampled facets (PostgreSQL's sample may be empty)
        assert "Environ 3 structures trouvées" in page
        assert '<abbr title="environ">env.</abbr>' in page
