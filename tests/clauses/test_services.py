"""Services of the social clauses: contracts and hours owed, declarations and their audit, participants and
their identity (reads logged), erasure and the purge after the retention period."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.clauses import services
from essaim.clauses.figures import year_figures
from essaim.clauses.models import Contract, Declaration, IdentityRead, Participant, ParticipantIdentity
from essaim.core.errors import DomainError
from essaim.core.models import AuditLog

from .factories import declare, make_contract, make_mission, make_participant, siret_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(world) -> Contract:  # noqa: ANN001
    return make_contract(world.buyer_org, world.supplier_org)


# --- contracts ---------------------------------------------------------------------------------------------


def test_hours_owed_are_computed_then_set_by_hand_with_a_reason(contract: Contract, world) -> None:  # noqa: ANN001
    assert contract.hours_owed == 833 and not contract.hours_owed_is_manual
    data = services.contract_data_of(contract)
    manual = services.ContractData(**{**data.__dict__, "hours_owed": 900})
    with pytest.raises(DomainError) as error:
        services.contract_update(actor=world.users["facilitator"], contract=contract, data=manual)
    assert error.value.field == "hours_owed_reason"
    reason = "Avenant n°1 : lot 3 ajouté, heures arrêtées par le comité de suivi."
    manual = services.ContractData(**{**data.__dict__, "hours_owed": 900, "hours_owed_reason": reason})
    changed = services.contract_update(actor=world.users["facilitator"], contract=contract, data=manual)
    contract.refresh_from_db()
    assert {"hours_owed", "hours_owed_is_manual", "hours_owed_reason"} <= set(changed)
    assert (contract.hours_owed, contract.hours_owed_is_manual, contract.hours_owed_reason) == (
        900,
        True,
        reason,
    )
    entry = AuditLog.objects.get(action="clauses.contract.hours_owed_set")
    assert entry.data["reason"] == reason and entry.actor == world.users["facilitator"]
    back = services.ContractData(**{**data.__dict__, "amount_ht": Decimal(1_200_000)})
    services.contract_update(actor=None, contract=contract, data=back)
    contract.refresh_from_db()
    assert (contract.hours_owed, contract.hours_owed_is_manual, contract.hours_owed_reason) == (
        1000,
        False,
        "",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reference": ""}, "reference"),
        ({"labour_share": Decimal(50)}, "labour_share"),
        ({"insertion_rate": Decimal(-1)}, "insertion_rate"),
        ({"hourly_cost": Decimal(0)}, "hourly_cost"),
        ({"end_date": date(2024, 1, 1)}, "end_date"),
        ({"legal_basis": "clause-verte"}, "legal_basis"),
    ],
)
def test_contract_figures_are_checked_with_a_french_message_by_field(
    contract: Contract, change, field
) -> None:  # noqa: ANN001
    data = services.ContractData(**{**services.contract_data_of(contract).__dict__, **change})
    with pytest.raises(DomainError) as error:
        services.contract_update(actor=None, contract=contract, data=data)
    assert error.value.field == field


def test_a_reference_is_unique(contract: Contract, world) -> None:  # noqa: ANN001
    with pytest.raises(DomainError, match="déjà cette référence"):
        make_contract(world.other_buyer_org, world.supplier_org)


def test_parties_by_siret_reuse_known_organisations_and_create_others(contract: Contract, world) -> None:  # noqa: ANN001
    subcontractor = siret_of("552100554", 12)
    party = services.contract_party_add(
        actor=None, contract=contract, siret=subcontractor, role="sous-traitant", name="Études et Chantiers"
    )
    assert party.organisation.name == "Études et Chantiers" and party.organisation.siret == subcontractor
    with pytest.raises(DomainError, match="déjà cotraitant"):
        services.contract_party_add(actor=None, contract=contract, siret=subcontractor, role="cotraitant")
    with pytest.raises(DomainError, match="clé de contrôle"):
        services.contract_party_add(actor=None, contract=contract, siret="55210055400011", role="cotraitant")
    world.partner_org.siret = siret_of("775671357")
    world.partner_org.save()
    again = services.contract_party_add(
        actor=None, contract=contract, siret=world.partner_org.siret, role="cotraitant"
    )
    assert again.organisation == world.partner_org
    assert Organisation.objects.filter(siret=subcontractor).count() == 1


# --- declarations ------------------------------------------------------------------------------------------


def test_a_holder_declares_a_facilitator_validates_then_only_facilitators_correct(
    contract: Contract, world
) -> None:  # noqa: ANN001
    mission = make_mission(contract, make_participant(reference="P-0042"))
    statement = services.statement_submit(
        actor=world.users["supplier"],
        contract=contract,
        month=date(2025, 3, 1),
        lines=[services.Line(mission=mission, hours=Decimal(120), training_hours=Decimal(7))],
        channel="compte",
    )
    assert statement.is_submitted and statement.submitted_by == world.users["supplier"]
    # still open: the holder corrects its own month (audited)
    services.statement_submit(
        actor=world.users["supplier"],
        contract=contract,
        month=date(2025, 3, 15),
        lines=[services.Line(mission=mission, hours=Decimal(118), training_hours=Decimal(7))],
        channel="compte",
    )
    services.statement_validate(actor=world.users["facilitator"], statement=statement)
    with pytest.raises(DomainError, match="validé"):
        services.statement_submit(
            actor=world.users["supplier"],
            contract=contract,
            month=date(2025, 3, 1),
            lines=[services.Line(mission=mission, hours=Decimal(150))],
            channel="lien",
        )
    line = Declaration.objects.get(mission=mission)
    with pytest.raises(DomainError):
        services.declaration_correct(
            actor=world.users["facilitator"],
            declaration=line,
            hours=Decimal(119),
            training_hours=Decimal(7),
            reason="",
        )
    services.declaration_correct(
        actor=world.users["facilitator"],
        declaration=line,
        hours=Decimal(119),
        training_hours=Decimal(7),
        reason="Bulletin de paie reçu",
    )
    corrections = AuditLog.objects.filter(action="clauses.declaration.corrected").order_by("pk")
    assert [(c.data["hours"], c.actor) for c in corrections] == [
        (["120.00", "118.00"], world.users["supplier"]),
        (["118.00", "119.00"], world.users["facilitator"]),
    ]
    assert corrections[1].data["reason"] == "Bulletin de paie reçu"
    assert all(c.data["participant"] == "P-0042" for c in corrections)


@pytest.mark.parametrize(
    ("month", "hours", "message"),
    [
        (date(2024, 12, 1), 10, "en dehors de l'exécution"),
        (date(2027, 1, 1), 10, "en dehors de l'exécution"),
        (date(2025, 3, 1), -1, "négatives"),
        (date(2025, 3, 1), 201, "plus de 200 heures"),
    ],
)
def test_declarations_are_checked(contract: Contract, month: date, hours: int, message: str) -> None:
    mission = make_mission(contract, make_participant())
    with pytest.raises(DomainError, match=message):
        declare(mission, month, hours)


def test_a_month_that_has_not_begun_cannot_be_declared(world) -> None:  # noqa: ANN001
    today = timezone.localdate()
    contract = make_contract(
        world.buyer_org,
        world.supplier_org,
        start=today - timedelta(days=400),
        end=today + timedelta(days=400),
    )
    mission = make_mission(contract, make_participant())
    with pytest.raises(DomainError, match="pas commencé"):
        declare(mission, (today.replace(day=1) + timedelta(days=40)).replace(day=1), 10)
    declare(mission, today.replace(day=1), 10)


# --- participants and personal data ------------------------------------------------------------------------


def test_references_follow_each_other_and_stay_pseudonymous(world) -> None:  # noqa: ANN001
    first = make_participant()
    second = make_participant()
    assert (first.reference, second.reference) == ("P-0001", "P-0002")
    with pytest.raises(DomainError):
        services.participant_create(actor=None, profile=services.ProfileData(), reference="Awa Diallo")


def test_every_identity_read_is_logged(contract: Contract, world) -> None:  # noqa: ANN001
    person = make_participant()
    identities = services.identity_read(
        reader=world.users["facilitator"], participants=[person], page="/clauses/participants/1/"
    )
    assert identities[person.pk].last_name == "Diallo"
    services.identity_read(
        reader=None,
        participants=[person],
        page="/clauses/declarer/xyz/",
        fields="prénom",
        reader_label="Lien de Rejoué",
    )
    reads = list(IdentityRead.objects.order_by("pk").values_list("reader", "reader_label", "page", "fields"))
    assert reads[0][0] == world.users["facilitator"].pk and reads[0][2] == "/clauses/participants/1/"
    assert reads[1] == (None, "Lien de Rejoué", "/clauses/declarer/xyz/", "prénom")


def test_nothing_identifying_reaches_the_audit_log(contract: Contract, world) -> None:  # noqa: ANN001
    person = make_participant(eligibility="rqth")
    mission = make_mission(contract, person)
    declare(mission, date(2025, 3, 1), 100)
    declare(mission, date(2025, 3, 1), 90)
    services.identity_save(
        actor=world.users["facilitator"],
        participant=person,
        data=services.IdentityData(first_name="Awa", last_name="Traoré", email="awa@exemple.fr"),
    )
    services.participant_erase(actor=world.users["facilitator"], participant=person)
    text = json.dumps(
        [list(e) for e in AuditLog.objects.values_list("object_repr", "data", "action")], ensure_ascii=False
    )
    for secret in ("Awa", "Diallo", "Traoré", "awa", "rue de la Paix", "06 00", "rqth", "1990-05-17"):
        assert secret not in text


def test_erasure_removes_the_identity_and_keeps_the_hours_in_the_totals(contract: Contract, world) -> None:  # noqa: ANN001
    person = make_participant()
    declare(make_mission(contract, person), date(2025, 3, 1), 100)
    before = year_figures(Contract.objects.all(), 2025).summary()
    services.participant_erase(actor=world.users["facilitator"], participant=person)
    person.refresh_from_db()
    assert not ParticipantIdentity.objects.filter(participant=person).exists()
    assert person.identity_removed_at is not None and person.prescriber_name == ""
    assert year_figures(Contract.objects.all(), 2025).summary() == before
    with pytest.raises(DomainError, match="effacée"):
        services.identity_save(
            actor=None, participant=person, data=services.IdentityData(first_name="A", last_name="B")
        )


def test_identities_are_purged_three_years_after_the_last_declared_month(contract: Contract, world) -> None:  # noqa: ANN001
    old = make_participant()
    recent = make_participant()
    declare(make_mission(contract, old), date(2025, 3, 1), 100)
    declare(make_mission(contract, recent), date(2025, 4, 1), 100)
    assert services.identities_due(today=date(2028, 3, 31)) == []
    assert services.identities_due(today=date(2028, 4, 1)) == [old.pk]
    assert services.identities_purge(today=date(2028, 4, 1)) == 1
    assert set(ParticipantIdentity.objects.values_list("participant_id", flat=True)) == {recent.pk}
    assert Participant.objects.get(pk=old.pk).identity_removed_at is not None
    assert Declaration.objects.filter(mission__participant=old).count() == 1
    assert AuditLog.objects.get(action="clauses.identities.purged").data["count"] == 1


def test_purge_command_uses_the_retention_setting(contract: Contract, settings) -> None:  # noqa: ANN001
    person = make_participant()
    declare(make_mission(contract, person), date(2025, 3, 1), 100)
    settings.CLAUSES_IDENTITY_RETENTION_YEARS = 0
    call_command("clauses_purge", "--today", "2025-04-01")
    assert not ParticipantIdentity.objects.exists()


def test_pathway_at_exit_then_six_months(contract: Contract, world) -> None:  # noqa: ANN001
    mission = make_mission(contract, make_participant())
    with pytest.raises(DomainError, match="situation à la sortie"):
        services.pathway_record(actor=None, mission=mission, six_months_situation="cdi")
    with pytest.raises(DomainError, match="date de fin"):
        services.pathway_record(actor=None, mission=mission, exit_situation="cdi")
    services.pathway_record(actor=None, mission=mission, exit_situation="cdi", ended_on=date(2025, 6, 30))
    services.pathway_record(actor=None, mission=mission, six_months_situation="cdi")
    mission.refresh_from_db()
    assert (mission.exit_situation, mission.six_months_situation, mission.ended_on) == (
        "cdi",
        "cdi",
        date(2025, 6, 30),
    )
    figures = year_figures(Contract.objects.all(), 2025)
    assert dict((slug, shown) for slug, _, shown in figures.exits.rows)["cdi"] == "< 5"
