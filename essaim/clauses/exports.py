"""Exports of the social clauses (CSV and XLSX), pseudonymous only, counts of people under 5 as « < 5 ».

- Every dashboard: one sheet (XLSX) or one block of lines (CSV, `tableau;ligne;colonne;valeur`, as the SPASER
  report's CSV) per table of the page.
- A contract's months: one row per month.
- The **yearly consolidated export** (docs/clauses.md, « Export annuel consolidé »): two tables in a fixed
  column layout a national network can aggregate: one row per contract active in the year
  (`CONTRACT_COLUMNS`), one row per participant and contract with hours in the year
  (`PARTICIPATION_COLUMNS`). Participants appear by their reference only, with their category, sex, birth
  year and QPV: no name, no contact. Counts there are not aggregated, so no « < 5 » applies: the file is
  for the facilitators and the networks they report to, never published as is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpResponse

from essaim.core import exports as shared
from essaim.core.downloads import attachment

from .figures import YearFigures, active_in, number
from .models import Contract, Declaration
from .selectors import ContractPage


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]


def plain(value: Any) -> Any:
    """A cell before the shared writer: hours and amounts as numbers (whole ones as integers), dates in ISO
    (the consolidated export is read by programs as well as people)."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_bytes(tables: list[Table]) -> bytes:
    """One table: its header and rows. Several: one line per figure (tableau, ligne, colonne, valeur), as the
    SPASER report's CSV."""
    if len(tables) == 1:
        return shared.csv_bytes(tables[0].headers, ([plain(v) for v in row] for row in tables[0].rows))
    return shared.csv_bytes(
        ["tableau", "ligne", "colonne", "valeur"],
        (
            [table.title, plain(row[0]), header, plain(value)]
            for table in tables
            for row in table.rows
            for header, value in zip(table.headers[1:], row[1:], strict=False)
        ),
    )


def xlsx_bytes(tables: list[Table]) -> bytes:
    return shared.xlsx_bytes(
        [
            shared.Sheet(table.title, [table.headers, *([plain(v) for v in row] for row in table.rows)])
            for table in tables
        ]
    )


def download(tables: Table | list[Table], fmt: str, basename: str) -> HttpResponse:
    chosen = tables if isinstance(tables, list) else [tables]
    safe = re.sub(r"[^0-9A-Za-z]+", "-", basename).strip("-").lower()
    if fmt == "xlsx":
        return attachment(xlsx_bytes(chosen), shared.XLSX_CONTENT_TYPE, f"{safe}.xlsx")
    return attachment(csv_bytes(chosen), shared.CSV_CONTENT_TYPE, f"{safe}.csv")


# --- tables ----------------------------------------------------------------------------------------------


def contract_months_table(page: ContractPage) -> Table:
    return Table(
        f"Marché {page.contract.reference}",
        ["mois", "heures_travaillees", "heures_de_formation", "lignes_declarees", "etat"],
        [[f"{r.month:%Y-%m}", r.hours, r.training_hours, r.lines, r.status] for r in page.months],
    )


def dashboard_tables(figures: YearFigures) -> list[Table]:
    """Every table of a dashboard, in the order of the page; people's counts as on the page (« < 5 »)."""
    year = figures.year
    tables = [
        Table(
            "Synthèse",
            ["Indicateur", "Valeur"],
            [
                ["Année", year],
                ["Marchés actifs dans l'année", len(figures.contracts)],
                ["Heures dues", figures.hours_owed],
                ["Heures travaillées déclarées", figures.hours_done],
                ["Heures de formation", figures.training_hours],
                ["Taux de réalisation", figures.completion],
                ["Participants", figures.participants],
            ],
        ),
        Table(
            "Marchés",
            [
                "Référence",
                "Objet",
                "Acheteur",
                "Titulaire",
                "Heures dues",
                "Heures travaillées",
                "Formation",
                "Réalisation",
            ],
            [
                [
                    line.contract.reference,
                    line.contract.title,
                    line.contract.buyer.name,
                    line.contract.holder.name,
                    line.contract.hours_owed,
                    line.hours_done,
                    line.training_hours,
                    line.completion,
                ]
                for line in figures.contracts
            ],
        ),
        Table(
            "Heures par mois",
            ["Mois", "Heures travaillées", "Heures de formation"],
            [[f"{month:%Y-%m}", hours, training] for month, hours, training in figures.hours_by_month],
        ),
        Table(
            "Heures par modalité",
            ["Modalité", "Heures travaillées"],
            [[label, hours] for _, label, hours in figures.hours_by_modality],
        ),
    ]
    for breakdown in [*figures.breakdowns, figures.exits, figures.six_months]:
        tables.append(
            Table(
                breakdown.title,
                ["Catégorie", "Personnes"],
                [[label, shown] for _, label, shown in breakdown.rows],
            )
        )
    return tables


CONTRACT_COLUMNS = [
    ("annee", "Année de l'export (AAAA)"),
    ("reference_marche", "Référence du marché (unique sur la plateforme)"),
    ("objet", "Objet du marché"),
    ("siret_acheteur", "SIRET de l'acheteur (vide s'il n'est connu que par son SIREN)"),
    ("siren_acheteur", "SIREN de l'acheteur"),
    ("acheteur", "Nom de l'acheteur"),
    ("siret_titulaire", "SIRET du titulaire (vide s'il n'est pas connu)"),
    ("titulaire", "Nom du titulaire"),
    ("fondement_juridique", "condition-execution, critere-attribution, marche-reserve ou clause-mixte"),
    ("montant_ht", "Montant du marché (€ HT, nombre décimal)"),
    ("part_main_oeuvre", "Part de main-d'œuvre (nombre décimal, 0.5 pour 50 %)"),
    ("taux_insertion", "Taux d'insertion (nombre décimal, 0.05 pour 5 %)"),
    ("cout_horaire", "Coût horaire chargé (€)"),
    ("heures_dues", "Heures d'insertion dues sur toute la durée (entier)"),
    ("heures_dues_fixees_a_la_main", "oui si les heures dues ont été fixées à la main (motif conservé)"),
    ("debut", "Début d'exécution (AAAA-MM-JJ)"),
    ("fin", "Fin d'exécution (AAAA-MM-JJ)"),
    ("heures_travaillees_annee", "Heures travaillées déclarées pour les mois de l'année"),
    ("heures_formation_annee", "Heures de formation déclarées pour les mois de l'année"),
    (
        "heures_travaillees_cumul",
        "Heures travaillées déclarées depuis le début du marché (fin d'année incluse)",
    ),
    ("participants_annee", "Nombre de participants avec des heures dans l'année"),
    ("identifiant_decp", "Identifiant du marché dans les DECP (vide s'il n'y est pas relié)"),
]

PARTICIPATION_COLUMNS = [
    ("annee", "Année de l'export (AAAA)"),
    ("reference_marche", "Référence du marché"),
    ("reference_participant", "Référence pseudonyme du participant (P-0042), stable d'une année à l'autre"),
    ("public_eligible", "deld, rsa, rqth, ass-aah, jeune-26, siae, autre-valide (vide : pas encore validé)"),
    ("sexe", "F, M ou vide"),
    ("annee_naissance", "Année de naissance (vide si inconnue)"),
    ("qpv", "oui, non ou vide (réside dans un quartier prioritaire)"),
    ("modalite", "embauche-directe, etti, ai-geiq, sous-traitance-siae ou formation"),
    ("heures_travaillees_annee", "Heures travaillées déclarées pour les mois de l'année"),
    ("heures_formation_annee", "Heures de formation déclarées pour les mois de l'année"),
    ("mois_declares", "Nombre de mois de l'année avec des heures"),
    ("fin_mission", "Fin de la mission (AAAA-MM-JJ, vide si elle continue)"),
    (
        "situation_sortie",
        "cdi, cdd-6-mois-plus, cdd-moins-6-mois, interim, formation-qualifiante, "
        "creation-activite, sans-emploi, inconnu (vide : pas encore connue)",
    ),
    ("situation_six_mois", "Mêmes valeurs, six mois après la sortie (vide : pas encore connue)"),
]


def yearly_contracts(year: int, contracts: Any = None) -> Table:
    active = list(
        active_in(contracts if contracts is not None else Contract.objects.all(), year)
        .select_related("buyer", "holder")
        .order_by("reference")
    )
    ids = [c.pk for c in active]
    of_year = Declaration.objects.filter(mission__contract_id__in=ids, month__year=year)
    year_sums: dict[int, Any] = {
        r["mission__contract_id"]: r
        for r in of_year.values("mission__contract_id").annotate(h=Sum("hours"), t=Sum("training_hours"))
    }
    cumulated = {
        r["mission__contract_id"]: r["h"]
        for r in Declaration.objects.filter(mission__contract_id__in=ids, month__lte=date(year, 12, 1))
        .values("mission__contract_id")
        .annotate(h=Sum("hours"))
    }
    people: dict[int, set[int]] = defaultdict(set)
    for contract_id, participant_id in of_year.filter(Q(hours__gt=0) | Q(training_hours__gt=0)).values_list(
        "mission__contract_id", "mission__participant_id"
    ):
        people[contract_id].add(participant_id)
    rows = []
    for c in active:
        sums = year_sums.get(c.pk, {})
        rows.append(
            [
                year,
                c.reference,
                c.title,
                c.buyer.siret,
                c.buyer.siren,
                c.buyer.name,
                c.holder.siret,
                c.holder.name,
                c.legal_basis,
                c.amount_ht,
                c.labour_share,
                c.insertion_rate,
                c.hourly_cost,
                c.hours_owed,
                c.hours_owed_is_manual,
                c.start_date,
                c.end_date,
                sums.get("h") or 0,
                sums.get("t") or 0,
                cumulated.get(c.pk) or 0,
                len(people[c.pk]),
                c.decp_id,
            ]
        )
    return Table(f"Marchés {year}", [name for name, _ in CONTRACT_COLUMNS], rows)


def yearly_participations(year: int, contracts: Any = None) -> Table:
    active = active_in(contracts if contracts is not None else Contract.objects.all(), year)
    lines = (
        Declaration.objects.filter(mission__contract__in=active, month__year=year)
        .select_related("mission", "mission__contract", "mission__participant")
        .order_by("mission__contract__reference", "mission__participant__reference", "month")
    )
    grouped: dict[int, list[Declaration]] = defaultdict(list)
    missions = {}
    for line in lines:
        grouped[line.mission_id].append(line)
        missions[line.mission_id] = line.mission
    rows = []
    for mission_id, declared in grouped.items():
        mission = missions[mission_id]
        person = mission.participant
        hours = sum((d.hours for d in declared), Decimal(0))
        training = sum((d.training_hours for d in declared), Decimal(0))
        if not hours and not training:
            continue
        rows.append(
            [
                year,
                mission.contract.reference,
                person.reference,
                person.eligibility,
                person.sex,
                person.birth_year,
                "" if person.qpv is None else person.qpv,
                mission.modality,
                hours,
                training,
                sum(1 for d in declared if d.hours or d.training_hours),
                mission.ended_on,
                mission.exit_situation,
                mission.six_months_situation,
            ]
        )
    return Table(f"Participations {year}", [name for name, _ in PARTICIPATION_COLUMNS], rows)
