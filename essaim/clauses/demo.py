"""Demo of the social clauses (a step of `essaim demo_setup`), telling issue 14's story, dates relative to
today:

- the EPT's **green-space maintenance** contract, reserved to insertion structures, held by SMER la Végétale
  (the collective project of Études et Chantiers and Confluences, its co-contractors), started 13 months
  ago: a year of monthly declarations entered by the holder **through its monthly link** (the first names
  it read are in the access log), validated by the facilitator except the last declared month, the month
  just over not yet declared; five participants, one of whom **left to a CDI** four months ago;
- a **works contract with a 5 % clause** of the EPT, held by a fictitious building company with Études et
  Chantiers as subcontractor: its hours come **from a spreadsheet** (`var/demo/clauses-heures-demo.csv`,
  imported with `clauses_import`), at a pace that misses the target (the projection alert shows).

No identifier is invented for a real organisation: the EPT and the structures are those of the other demo
steps (SMER la Végétale has no SIRET in the directory); the building company is fictitious and named so.
The participants' names are fictitious too. Idempotent: a contract that exists is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add, organisation_create
from essaim.core.demo import DEMO_PASSWORD, DemoLogin

from . import services
from .imports import HOURS_COLUMNS, run_import
from .links import statement_token
from .models import Contract, MonthlyStatement
from .progress import add_months

EPT_SIREN = "200058014"
FACILITATOR_EMAIL = "animatrice@essaim.demo"
HOLDER_NAME = "SMER la Végétale"
HOLDER_EMAIL = "contact@smer-la-vegetale.essaim.demo"
HOLDER_LOGIN_ROLE = "Titulaire d'un marché à clause sociale"
BUILDER_NAME = "Bâtiments du Val de Bièvre (entreprise fictive de démonstration)"
GREEN_REFERENCE = "DEMO-EV-01"
WORKS_REFERENCE = "DEMO-TX-01"


@dataclass(frozen=True)
class DemoPerson:
    first_name: str
    last_name: str
    birth: date
    sex: str
    qpv: bool
    eligibility: str
    prescriber: str
    start: int  # first month worked (1 = the contract's first month)
    end: int  # last month worked (12: still working)
    hours: int  # worked hours a month


# SMER la Végétale's team on the green-space contract (fictitious people).
GREEN_TEAM = (
    DemoPerson("Aminata", "Koné", date(1988, 4, 12), "F", True, "rsa", "plie", 1, 12, 35),
    DemoPerson("Bruno", "Lefort", date(1975, 9, 3), "M", False, "deld", "france-travail", 1, 8, 40),
    DemoPerson("Yanis", "Haddad", date(2004, 1, 22), "M", True, "jeune-26", "mission-locale", 4, 12, 30),
    DemoPerson("Sylvie", "Morel", date(1969, 6, 30), "F", False, "rqth", "cap-emploi", 6, 12, 25),
    DemoPerson("Moussa", "Camara", date(1991, 11, 8), "M", True, "rsa", "plie", 10, 12, 35),
)
CDI_LEAVER = 1  # Bruno Lefort leaves to a CDI at the end of month 8

# The works contract's spreadsheet: (reference, category, modality, sex, birth year, QPV, first, hours).
WORKS_TEAM = (
    ("P-0101", "deld", "etti", "M", 1983, "oui", 1, 40),
    ("P-0102", "rsa", "etti", "F", 1996, "non", 4, 25),
    ("P-0103", "siae", "sous-traitance-siae", "M", 1979, "oui", 2, 15),
)


def _organisation(name: str, kind: str) -> Organisation:
    found = Organisation.objects.filter(name=name, kind=kind).first()
    return found or organisation_create(actor=None, kind=kind, name=name)


def _holder_login(holder: Organisation) -> DemoLogin:
    user = User.objects.filter(email=HOLDER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=HOLDER_EMAIL, password=DEMO_PASSWORD, full_name="Nadia Ferhat")
    if not Membership.objects.filter(user=user, organisation=holder).exists():
        membership_add(actor=None, organisation=holder, user=user, role=Membership.Role.ADMIN)
    return DemoLogin(HOLDER_LOGIN_ROLE, HOLDER_EMAIL, holder.name)


def _data(
    reference: str, title: str, buyer: Organisation, holder: Organisation, **figures: object
) -> services.ContractData:
    return services.ContractData(
        reference=reference,
        title=title,
        buyer=buyer,
        holder=holder,
        facilitator=User.objects.filter(email=FACILITATOR_EMAIL).first(),
        **figures,  # type: ignore[arg-type]
    )


def _green_contract(
    buyer: Organisation, holder: Organisation, facilitator: User | None, today: date
) -> Contract:
    start = add_months(today, -13)
    contract = services.contract_create(
        actor=facilitator,
        data=_data(
            GREEN_REFERENCE,
            "Entretien des espaces verts et des parcs du territoire — lot réservé aux structures d'insertion",
            buyer,
            holder,
            legal_basis="marche-reserve",
            amount_ht=Decimal(1_200_000),
            labour_share=Decimal("0.6"),
            insertion_rate=Decimal("0.08"),
            hourly_cost=Decimal(25),
            start_date=start,
            end_date=add_months(start, 24) - timedelta(days=1),
        ),
    )
    for name in ("Études et Chantiers", "Confluences"):
        partner = Organisation.objects.filter(name=name).first()
        if partner is not None:
            services.contract_party_add(
                actor=facilitator, contract=contract, role="cotraitant", organisation=partner
            )
    missions = []
    for person in GREEN_TEAM:
        participant = services.participant_create(
            actor=facilitator,
            profile=services.ProfileData(
                sex=person.sex,
                birth_year=person.birth.year,
                qpv=person.qpv,
                prescriber=person.prescriber,
                prescriber_name="PLIE Grand-Orly Seine Bièvre" if person.prescriber == "plie" else "",
            ),
            identity=services.IdentityData(
                first_name=person.first_name,
                last_name=person.last_name,
                birth_date=person.birth,
                email=f"{person.first_name.lower()}.{person.last_name.lower()}@exemple.invalid",
            ),
        )
        services.eligibility_validate(
            actor=facilitator,
            participant=participant,
            eligibility=person.eligibility,
            validated_on=add_months(start, person.start - 1),
        )
        missions.append(
            services.mission_create(
                actor=facilitator,
                contract=contract,
                participant=participant,
                modality="embauche-directe",
                started_on=add_months(start, person.start - 1),
            )
        )
    # Twelve months declared through the monthly link; the month just over is not declared yet.
    for index in range(1, 13):
        month = add_months(start, index - 1)
        lines = [
            services.Line(
                mission=mission,
                hours=Decimal(person.hours + (index % 3) * 5),
                training_hours=Decimal(7 if index % 4 == 0 else 0),
            )
            for mission, person in zip(missions, GREEN_TEAM, strict=True)
            if person.start <= index <= person.end
        ]
        services.identity_read(
            reader=None,
            participants=[line.mission.participant for line in lines],
            page=reverse("clauses:statement_link", args=[statement_token(contract, month)]),
            fields="prénom",
            reader_label=f"Lien mensuel du titulaire {holder.name}",
        )
        statement = services.statement_submit(
            actor=None, contract=contract, month=month, lines=lines, channel=MonthlyStatement.Channel.LINK
        )
        if index < 12:
            services.statement_validate(actor=facilitator, statement=statement)
    leaver = missions[CDI_LEAVER]
    services.pathway_record(
        actor=facilitator,
        mission=leaver,
        exit_situation="cdi",
        ended_on=add_months(start, GREEN_TEAM[CDI_LEAVER].end) - timedelta(days=1),
    )
    return contract


def hours_sheet(path: Path, contract: Contract, today: date) -> Path:
    """The works contract's spreadsheet: one row per participant and month over, as facilitators keep it."""
    rows = [",".join(HOURS_COLUMNS)]
    months = [add_months(contract.start_date, offset) for offset in range(12)]
    for reference, category, modality, sex, birth_year, qpv, first, hours in WORKS_TEAM:
        for index, month in enumerate(months, start=1):
            if index < first or month >= add_months(today, 0).replace(day=1):
                continue
            training = 14 if modality == "etti" and index == first else 0
            rows.append(
                f"{contract.reference},{reference},{category},{modality},{month:%Y-%m},{hours},{training},{sex},{birth_year},{qpv}"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _works_contract(buyer: Organisation, facilitator: User | None, today: date) -> Contract:
    builder = _organisation(BUILDER_NAME, Organisation.Kind.SUPPLIER)
    start = add_months(today, -10)
    contract = services.contract_create(
        actor=facilitator,
        data=_data(
            WORKS_REFERENCE,
            "Réhabilitation et extension d'un groupe scolaire — clause d'insertion de 5 %",
            buyer,
            builder,
            legal_basis="condition-execution",
            amount_ht=Decimal(3_000_000),
            labour_share=Decimal("0.4"),
            insertion_rate=Decimal("0.05"),
            hourly_cost=Decimal(30),
            start_date=start,
            end_date=add_months(start, 24) - timedelta(days=1),
        ),
    )
    subcontractor = Organisation.objects.filter(name="Études et Chantiers").first()
    if subcontractor is not None:
        services.contract_party_add(
            actor=facilitator, contract=contract, role="sous-traitant", organisation=subcontractor
        )
    return contract


def load_demo() -> list[DemoLogin]:
    buyer = Organisation.objects.filter(kind=Organisation.Kind.BUYER, siren=EPT_SIREN).first()
    holder = Organisation.objects.filter(name=HOLDER_NAME).first()
    if buyer is None or holder is None:
        return []
    login = _holder_login(holder)
    facilitator = User.objects.filter(email=FACILITATOR_EMAIL).first()
    today = timezone.localdate()
    with transaction.atomic():
        if not Contract.objects.filter(reference=GREEN_REFERENCE).exists():
            _green_contract(buyer, holder, facilitator, today)
        works = Contract.objects.filter(reference=WORKS_REFERENCE).first()
        if works is None:
            works = _works_contract(buyer, facilitator, today)
            sheet = hours_sheet(Path(settings.VAR_DIR) / "demo" / "clauses-heures-demo.csv", works, today)
            run_import(sheet, "hours", commit=True, actor=facilitator)
    return [login]
