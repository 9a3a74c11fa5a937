"""Pages of the social clauses: who sees which person, identity reads in the access log, declaring through
the account and the signed link, the projection alert, dashboards and exports with « < 5 »."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from essaim.accounts.models import Organisation
from essaim.clauses import links
from essaim.clauses.exports import CONTRACT_COLUMNS, PARTICIPATION_COLUMNS
from essaim.clauses.models import Contract, Declaration, IdentityRead, MonthlyStatement
from essaim.clauses.progress import add_months
from tests.accounts.factories import OrganisationFactory
from tests.sourcing.factories import make_need

from .factories import declare, make_contract, make_mission, make_participant, siret_of

pytestmark = pytest.mark.django_db

ELIGIBILITY_LABEL = "Allocataire du RSA"


@pytest.fixture
def running(world) -> Contract:  # noqa: ANN001
    today = timezone.localdate()
    return make_contract(
        world.buyer_org,
        world.supplier_org,
        start=add_months(today, -6),
        end=add_months(today, 6) - timedelta(days=1),
        amount_ht="1200000",
        labour_share="0.5",
        insertion_rate="0.05",
        hourly_cost="25",
    )  # 1,200 hours over 12 months


@pytest.fixture
def awa(running: Contract):  # noqa: ANN201
    participant = make_participant(first_name="Awa", last_name="Diallo", eligibility="rsa")
    mission = make_mission(running, participant)
    declare(mission, add_months(timezone.localdate(), -2), 40)
    return mission


def test_holder_sees_references_and_first_names_never_eligibility(client_as, running, awa) -> None:  # noqa: ANN001
    client = client_as("supplier")
    page = client.get(reverse("clauses:contract_detail", args=[running.pk])).content.decode()
    assert awa.participant.reference in page
    assert ELIGIBILITY_LABEL not in page and "Diallo" not in page
    month = add_months(timezone.localdate(), -1)
    form = client.get(reverse("clauses:statement_edit", args=[running.pk, month.year, month.month]))
    text = form.content.decode()
    assert "Awa (P-0001)" in text and ELIGIBILITY_LABEL not in text and "Diallo" not in text
    read = IdentityRead.objects.get()
    assert read.reader.email == "contact@rejoue.fr" and read.fields == "prénom"
    assert read.page == reverse("clauses:statement_edit", args=[running.pk, month.year, month.month])


def test_buyer_sees_figures_and_no_person(client_as, running, awa) -> None:  # noqa: ANN001
    page = client_as("buyer").get(reverse("clauses:contract_detail", args=[running.pk])).content.decode()
    assert "1\u202f200" in page  # hours owed
    assert awa.participant.reference not in page and "Awa" not in page
    assert "1 personne en insertion" in page
    assert not IdentityRead.objects.exists()


def test_an_identity_read_appears_in_the_access_log(client_as, world, awa) -> None:  # noqa: ANN001
    client = client_as("facilitator")
    url = reverse("clauses:participant_detail", args=[awa.participant.pk])
    assert "Diallo" in client.get(url).content.decode()
    log = client.get(reverse("clauses:access_log")).content.decode()
    assert url in log and world.users["facilitator"].email in log and awa.participant.reference in log


def test_superusers_do_not_see_identities(client_as, awa) -> None:  # noqa: ANN001
    client = client_as("superuser")
    assert client.get(reverse("clauses:participant_detail", args=[awa.participant.pk])).status_code == 403
    assert not IdentityRead.objects.exists()


def test_a_supplier_does_not_see_contracts_it_does_not_hold(client_as, world) -> None:  # noqa: ANN001
    stranger = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Bâtir Ensemble")
    contract = make_contract(world.other_buyer_org, stranger, reference="IVRY-9")
    client = client_as("supplier")
    assert client.get(reverse("clauses:contract_detail", args=[contract.pk])).status_code == 403
    assert "IVRY-9" not in client.get(reverse("clauses:home")).content.decode()


def test_signed_link_declares_a_month_without_an_account(client, running, awa) -> None:  # noqa: ANN001
    month = add_months(timezone.localdate(), -1)
    url = reverse("clauses:statement_link", args=[links.statement_token(running, month)])
    page = client.get(url)
    assert page.status_code == 200 and "Awa (P-0001)" in page.content.decode()
    assert IdentityRead.objects.get().reader is None
    response = client.post(url, {f"hours_{awa.pk}": "151,67", f"training_{awa.pk}": "7"})
    assert response.status_code == 302
    statement = MonthlyStatement.objects.get(contract=running, month=month)
    assert statement.channel == "lien" and statement.submitted_by is None
    assert Declaration.objects.get(mission=awa, month=month).hours == Decimal("151.67")
    refused = client.post(url, {f"hours_{awa.pk}": "250"})
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.content.decode()
    statement.validated_at = timezone.now()
    statement.save()
    locked = client.post(url, {f"hours_{awa.pk}": "10"})
    assert "a été validé" in locked.content.decode()
    assert Declaration.objects.get(mission=awa, month=month).hours == Decimal("151.67")


def test_an_altered_or_foreign_link_is_refused(client, running) -> None:  # noqa: ANN001
    token = links.statement_token(running, add_months(timezone.localdate(), -1))
    response = client.get(reverse("clauses:statement_link", args=[token[:-2] + "xx"]))
    assert response.status_code == 404 and "expiré ou invalide" in response.content.decode()


def test_contract_page_warns_when_the_pace_misses_the_target(client_as, running, awa) -> None:  # noqa: ANN001
    page = (
        client_as("facilitator").get(reverse("clauses:contract_detail", args=[running.pk])).content.decode()
    )
    assert "la clause ne sera pas remplie" in page
    assert "non déclaré" in page  # months before the declared one are late


def test_a_facilitator_validates_then_corrects_with_a_reason(client_as, running, awa) -> None:  # noqa: ANN001
    client = client_as("facilitator")
    statement = MonthlyStatement.objects.get(contract=running)
    client.post(reverse("clauses:statement_validate", args=[statement.pk]))
    assert MonthlyStatement.objects.get(pk=statement.pk).is_validated
    line = Declaration.objects.get(mission=awa)
    url = reverse("clauses:declaration_correct", args=[line.pk])
    assert client.post(url, {"hours": "38", "training_hours": "0", "reason": ""}).status_code == 400
    client.post(url, {"hours": "38", "training_hours": "0", "reason": "Bulletin de paie reçu"})
    history = client.get(url).content.decode()
    assert "Bulletin de paie reçu" in history and "40 → 38" in history


def test_create_a_contract_from_a_need_with_a_new_holder_siret(client_as, world) -> None:  # noqa: ANN001
    need = make_need(world.buyer_org, title="Entretien des espaces verts", amount=Decimal(180000))
    client = client_as("facilitator")
    url = reverse("clauses:contract_create") + f"?besoin={need.pk}"
    page = client.get(url).content.decode()
    assert "Entretien des espaces verts" in page and "Conseil de réservation" in page
    holder = siret_of("552100554", 12)
    data = {
        "reference": "2026-EV-01",
        "title": "Entretien des espaces verts",
        "buyer": world.buyer_org.pk,
        "holder_siret": holder,
        "holder_name": "Études et Chantiers",
        "legal_basis": "condition-execution",
        "amount_ht": "180000",
        "labour_share": "60",
        "insertion_rate": "10",
        "hourly_cost": "25",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
    }
    bad = client.post(url, {**data, "holder_siret": "12345678901234"})
    assert bad.status_code == 400 and "clé de contrôle" in bad.content.decode()
    response = client.post(url, data)
    contract = Contract.objects.get(reference="2026-EV-01")
    assert response["Location"] == reverse("clauses:contract_detail", args=[contract.pk])
    assert contract.hours_owed == 432 and contract.need == need and contract.origin == "besoin"
    assert contract.holder.name == "Études et Chantiers" and contract.holder.siret == holder
    assert contract.advice_summary


def test_dashboards_hide_small_counts_in_pages_and_downloads(client_as, world, running, awa) -> None:  # noqa: ANN001
    client = client_as("buyer")
    url = reverse("clauses:dashboard_buyer", args=[world.buyer_org.pk])
    year = add_months(timezone.localdate(), -2).year
    page = client.get(url, {"annee": year}).content.decode()
    assert "&lt; 5" in page and "Awa" not in page and "P-0001" not in page
    content = client.get(url, {"annee": year, "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == ["tableau", "ligne", "colonne", "valeur"]
    eligibility = [r for r in rows if r[0] == "Participants par public éligible"]
    assert eligibility and all(r[3] == "< 5" for r in eligibility)
    book = load_workbook(io.BytesIO(client.get(url, {"annee": year, "format": "xlsx"}).content))
    assert "Synthèse" in book.sheetnames
    assert "Awa" not in content and "P-0001" not in content


def test_yearly_export_follows_the_documented_layout(client_as, running, awa) -> None:  # noqa: ANN001
    client = client_as("facilitator")
    year = add_months(timezone.localdate(), -2).year
    url = reverse("clauses:yearly_export")
    contracts = client.get(url, {"annee": year, "tableau": "marches", "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(contracts), delimiter=";"))
    assert rows[0] == [name for name, _ in CONTRACT_COLUMNS]
    assert rows[1][1] == running.reference and rows[1][13] == "1200"
    people = client.get(url, {"annee": year, "tableau": "participations", "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(people), delimiter=";"))
    assert rows[0] == [name for name, _ in PARTICIPATION_COLUMNS]
    assert rows[1][2] == "P-0001" and rows[1][3] == "rsa" and rows[1][8] == "40"
    assert "Awa" not in people and "Diallo" not in people


def test_right_of_access_and_erasure(client_as, awa) -> None:  # noqa: ANN001
    client = client_as("facilitator")
    participant = awa.participant
    response = client.get(reverse("clauses:participant_export", args=[participant.pk]))
    record = json.loads(response.content)
    assert (
        record["identite"]["nom"] == "Diallo"
        and record["missions"][0]["heures"][0]["heures_travaillees"] == "40.00"
    )
    assert IdentityRead.objects.filter(fields="identité (export)").exists()
    client.post(reverse("clauses:participant_erase", args=[participant.pk]), {"confirm": "oui"})
    participant.refresh_from_db()
    assert participant.identity_removed_at is not None
    assert (
        "Diallo"
        not in client.get(reverse("clauses:participant_detail", args=[participant.pk])).content.decode()
    )


def test_a_facilitator_adds_a_new_participant_to_a_contract(client_as, running) -> None:  # noqa: ANN001
    client = client_as("facilitator")
    url = reverse("clauses:mission_create", args=[running.pk])
    assert client.post(url, {"modality": "etti"}).status_code == 400  # neither a reference nor a name
    response = client.post(
        url,
        {
            "modality": "etti",
            "first_name": "Karim",
            "last_name": "Benali",
            "birth_date": "1998-02-03",
            "sex": "M",
            "qpv": "oui",
            "eligibility": "jeune-26",
            "prescriber": "mission-locale",
            "employer_siret": siret_of("552100554", 12),
        },
    )
    assert response.status_code == 302
    mission = running.missions.select_related("participant", "employer").get()
    assert mission.participant.eligibility == "jeune-26" and mission.participant.birth_year == 1998
    assert mission.participant.identity.last_name == "Benali" and mission.employer is not None


def test_page_queries_do_not_grow_with_the_data(client_as, world) -> None:  # noqa: ANN001
    client = client_as("facilitator")
    today = timezone.localdate()

    def add(index: int) -> Contract:
        contract = make_contract(
            world.buyer_org,
            world.supplier_org,
            reference=f"Q-{index}",
            start=date(today.year, 1, 1),
            end=date(today.year, 12, 31),
        )
        for _ in range(3):
            declare(make_mission(contract, make_participant()), date(today.year, 1, 1), 10)
        return contract

    first = add(0)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    pages = [
        reverse("clauses:dashboard_territory"),
        reverse("clauses:home"),
        reverse("clauses:contract_detail", args=[first.pk]),
    ]
    client.get(pages[0])  # warm the session and the navigation's counts (core.home)
    before = [count(url) for url in pages]
    for index in range(1, 5):
        add(index)
    assert [count(url) for url in pages] == before
