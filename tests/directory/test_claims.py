"""Claims of a structure's profile: approved at once when the person's confirmed email is the structure's
domain, otherwise left to the facilitators' review queue; structures proposed with a claim."""

from __future__ import annotations

import pytest
from django.core import mail

from essaim.accounts.models import Membership
from essaim.directory import services
from essaim.directory.errors import DirectoryError
from essaim.directory.models import ClaimRequest, Structure

from .factories import MemberFactory, UserFactory, make_structure

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


@pytest.fixture
def rejoue(territory) -> Structure:
    return make_structure("Rejoué", siret=SIRET, website="https://www.rejoue.fr", commune="94081")


@pytest.mark.parametrize(
    ("email", "confirmed", "approved_at_once"),
    [
        ("marie@rejoue.fr", True, True),
        ("marie@equipe.rejoue.fr", True, True),  # a sub-domain of the same registrable domain
        ("marie@rejoue.fr", False, False),  # the address was never confirmed
        ("rejoue@gmail.com", True, False),  # free-mail never matches
        ("marie@rejoue.com", True, False),  # another domain
    ],
)
def test_a_claim_is_approved_at_once_only_from_the_structures_own_confirmed_domain(
    rejoue, email, confirmed, approved_at_once
) -> None:
    person = UserFactory(email=email, confirmed=confirmed)
    claim = services.claim_request(user=person, structure=rejoue, message="Directrice")
    rejoue.refresh_from_db()
    if approved_at_once:
        assert claim.status == ClaimRequest.Status.APPROVED
        assert claim.decided_by is None
        assert rejoue.organisation.memberships.get(user=person).role == Membership.Role.ADMIN
    else:
        assert claim.status == ClaimRequest.Status.PENDING
        assert rejoue.organisation is None


def test_a_free_mail_website_never_approves_a_claim(territory) -> None:
    structure = make_structure("Asso des jouets", website="http://assojouets.free.fr")
    person = UserFactory(email="assojouets@free.fr", confirmed=True)
    assert services.claim_request(user=person, structure=structure).status == ClaimRequest.Status.PENDING


def test_a_second_claim_of_the_same_person_is_refused_while_the_first_waits(rejoue) -> None:
    person = UserFactory(confirmed=True)
    services.claim_request(user=person, structure=rejoue)
    with pytest.raises(DirectoryError, match="déjà en attente"):
        services.claim_request(user=person, siret=SIRET)


def test_a_proposed_structure_waits_hidden_then_is_published_with_its_claim(
    territory, django_capture_on_commit_callbacks
) -> None:
    person = UserFactory(email="marie@nouvelle-ressourcerie.fr", confirmed=True)
    claim = services.structure_propose(
        user=person,
        data={"name": "Nouvelle ressourcerie", "website": "https://nouvelle-ressourcerie.fr"},
        message="Fondatrice",
    )
    structure = claim.structure
    assert claim.status == ClaimRequest.Status.PENDING  # proposals are always reviewed, whatever the domain
    assert structure.status == Structure.Status.TO_REVIEW
    facilitator = MemberFactory(kind="territory")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(actor=facilitator, claim=claim)
    structure.refresh_from_db()
    assert structure.status == Structure.Status.PUBLISHED
    assert structure.organisation.memberships.get(user=person).role == Membership.Role.ADMIN
    assert "Vous gérez désormais" in mail.outbox[-1].subject


def test_a_rejected_proposal_is_delisted_and_the_person_told_why(
    territory, django_capture_on_commit_callbacks
) -> None:
    person = UserFactory(confirmed=True)
    claim = services.structure_propose(user=person, data={"name": "Pas une structure de l'ESS"})
    facilitator = MemberFactory(kind="territory")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_reject(actor=facilitator, claim=claim, reason="Société commerciale.")
    claim.structure.refresh_from_db()
    assert claim.structure.status == Structure.Status.DELISTED
    assert mail.outbox[-1].to == [person.email]
    assert "Motif : Société commerciale." in mail.outbox[-1].body


def test_proposing_a_structure_already_listed_points_to_it(rejoue) -> None:
    with pytest.raises(DirectoryError, match="déjà dans l'annuaire") as error:
        services.structure_propose(user=UserFactory(), data={"name": "Rejoué bis", "siret": SIRET})
    assert error.value.field == "siret"
