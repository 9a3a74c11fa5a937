"""The report as files: CSV (one line per figure), XLSX (one sheet per table) and PDF (WeasyPrint)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from essaim.core.downloads import attachment, tagged_pdf
from essaim.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes

from .report import Group, Report


@dataclass
class ReportTable:
    title: str
    headers: list[str]
    rows: list[list[Any]]


def _group_rows(groups: list[Group]) -> list[list[Any]]:
    return [
        [
            g.label,
            g.contracts,
            g.amount,
            g.social,
            g.social_share,
            g.environmental,
            g.environmental_share,
            g.no_social_amount,
        ]
        for g in groups
    ]


GROUP_HEADERS = [
    "Libellé",
    "Marchés",
    "Montant (€ HT)",
    "Avec considération sociale",
    "Part sociale",
    "Avec considération environnementale",
    "Part environnementale",
    "Montant sans considération sociale (€ HT)",
]


def report_tables(report: Report) -> list[ReportTable]:
    """Every table of the report, in the order of the page."""
    ind = report.indicators
    summary = [
        ["Marchés notifiés", ind["contracts"]],
        ["Montant total (€ HT, hors montants aberrants)", ind["amount"]],
        ["Marchés au montant aberrant (exclus des sommes)", ind["outliers"]],
        ["Marchés aux considérations contradictoires", ind["contradictory"]],
        ["Marchés avec considération sociale", ind["social"]["count"]],
        ["Part des marchés avec considération sociale", ind["social"]["share"]],
        ["Montant avec considération sociale (€ HT)", ind["social"]["amount"]],
        ["Part du montant avec considération sociale", ind["social"]["amount_share"]],
        ["Marchés avec considération environnementale", ind["environmental"]["count"]],
        ["Part des marchés avec considération environnementale", ind["environmental"]["share"]],
        ["Montant avec considération environnementale (€ HT)", ind["environmental"]["amount"]],
        ["Part du montant avec considération environnementale", ind["environmental"]["amount_share"]],
        ["Marchés réservés", ind["reserved"]["count"]],
        ["Montant des marchés réservés (€ HT)", ind["reserved"]["amount"]],
        ["Marchés attribués à une structure de l'ESS", ind["ess_awarded"]["count"]],
        ["Montant attribué à l'ESS (€ HT)", ind["ess_awarded"]["amount"]],
        ["Marchés attribués à une structure inclusive", ind["inclusion_awarded"]["count"]],
        ["Montant attribué aux structures inclusives (€ HT)", ind["inclusion_awarded"]["amount"]],
        ["Titulaires distincts", report.holders["holders"]],
        ["Titulaires de l'ESS", report.holders["ess"]],
        ["Titulaires inclusifs", report.holders["inclusion"]],
        ["Concessions signées", report.concessions["count"]],
        ["Valeur des concessions (€ HT)", report.concessions["amount"]],
    ]
    tables = [
        ReportTable("Synthèse", ["Indicateur", "Valeur"], summary),
        ReportTable(
            "Objectifs du PNAD",
            ["Considération", "Part réalisée", "Objectif", "Écart (points)"],
            [[t.name, t.share, t.target, t.gap_points] for t in report.targets],
        ),
        ReportTable(
            "Évolution sur un an",
            ["Indicateur", str(report.year), str(report.year - 1), "Évolution"],
            [[c.label, c.current, c.previous, c.delta] for c in report.comparisons],
        ),
        ReportTable(
            "Repères nationaux (marchés de 90 k€ et plus)",
            ["Année", "Part avec clause sociale", "Part avec considération environnementale"],
            _national_rows(report),
        ),
        ReportTable(
            "Loi Climat et Résilience",
            ["Indicateur", "Valeur"],
            [
                ["Marchés sans considération environnementale", report.loi_climat["without_environmental"]],
                [
                    "Montant sans considération environnementale (€ HT)",
                    report.loi_climat["without_environmental_amount"],
                ],
                ["Marchés au-dessus des seuils européens", report.loi_climat["above_eu"]],
                ["… dont avec considération sociale", report.loi_climat["above_eu_social"]],
                ["… dont sans considération sociale", report.loi_climat["above_eu_without_social"]],
            ],
        ),
        ReportTable("Par famille CPV (division)", GROUP_HEADERS, _group_rows(report.by_division)),
        ReportTable("Par type d'achat", GROUP_HEADERS, _group_rows(report.by_type)),
        ReportTable("Par procédure", GROUP_HEADERS, _group_rows(report.by_procedure)),
        ReportTable("Par mois", GROUP_HEADERS, _group_rows(report.by_month)),
        ReportTable(
            "Opportunités",
            [
                "Famille CPV",
                "Marchés sans considération sociale",
                "Montant (€ HT)",
                "Part de la famille",
                "Secteurs de l'annuaire",
                "Structures du territoire",
                "Éligibles L2113-12",
                "Éligibles L2113-13",
                "Éligibles L2113-15",
            ],
            [
                [
                    o.label,
                    o.contracts,
                    o.amount,
                    o.share_of_division,
                    ", ".join(label for _, label in o.sectors),
                    len(o.structures),
                    o.reservations.get("l2113-12", 0),
                    o.reservations.get("l2113-13", 0),
                    o.reservations.get("l2113-15", 0),
                ]
                for o in report.opportunities
            ],
        ),
        ReportTable(
            "Titulaires de l'ESS",
            ["SIREN", "Nom", "Structure inclusive", "Marchés", "Montant (€ HT)"],
            [
                [
                    h["siren"],
                    h.get("name", ""),
                    "oui" if h["inclusion"] else "non",
                    h["contracts"],
                    h["amount"],
                ]
                for h in report.ess_holders
            ],
        ),
        ReportTable(
            "Collaborations enregistrées",
            ["Date", "Acheteur", "Fournisseur", "Origine", "État", "Montant (€ HT)"],
            [
                [c.date.isoformat(), c.buyer, c.supplier, c.source, c.status, c.amount]
                for c in report.collaborations
            ],
        ),
        ReportTable(
            "Collaborations et marchés qui ont suivi",
            [
                "Année",
                "Origine",
                "Collaborations",
                "Suivies d'un marché notifié",
                "Montant de ces marchés (€ HT)",
            ],
            [
                [o.year, o.source_label, o.collaborations, o.contracts, o.contract_amount]
                for o in report.outcomes
            ],
        ),
        ReportTable(
            "Parts des dépenses (fichier de l'acheteur)",
            [
                "Acheteur",
                "Dépenses",
                "HT ou TTC",
                "Fournisseurs",
                "Part ESS",
                "Part inclusive",
                "Part ESS du territoire",
                "Part payée à des fournisseurs sous 40 000 € HT",
            ],
            [
                [
                    s["buyer"],
                    s["total"],
                    s["tax"],
                    s["suppliers"],
                    s["ess"].share,
                    s["inclusive"].share,
                    s["local_ess"].share,
                    s["under_threshold"].share,
                ]
                for s in report.spend
            ],
        ),
        ReportTable(
            "Qualité des données",
            ["Constat", "Nombre"],
            [
                ["Montants aberrants ou absents (exclus des sommes)", report.indicators["outliers"]],
                ["Considérations contradictoires", report.indicators["contradictory"]],
                [
                    "Marchés à la date de notification impossible (comptés dans aucune année)",
                    report.quality["undated"],
                ],
                [
                    "Marchés sans date de fin (date de notification ou durée absente ou invalide)",
                    report.quality["no_end_date"],
                ],
                ["Enregistrements rejetés mentionnant l'acheteur", report.quality["rejected_mentioning"]],
                *[[label, count] for _, label, count in report.quality["flags"]],
            ],
        ),
    ]
    for built in report.sections:  # the sections other apps add (insight.sections), before the quality table
        tables[-1:-1] = built.tables()
    return tables


def _national_rows(report: Report) -> list[list[Any]]:
    environmental = dict((year, share) for year, share, _ in report.national_environmental)
    return [[year, share, environmental.get(year)] for year, share, _ in report.national_social]


def report_csv(report: Report) -> bytes:
    """One line per figure: section, line, column, value (the shared safe CSV writer: DECP text is inert)."""
    return csv_bytes(
        ["acheteur", "annee", "section", "ligne", "colonne", "valeur"],
        (
            [report.buyer, report.year, table.title, row[0], header, value]
            for table in report_tables(report)
            for row in table.rows
            for header, value in zip(table.headers[1:], row[1:], strict=False)
        ),
    )


def report_xlsx(report: Report) -> bytes:
    """One sheet per table, with a header row in bold and a first sheet naming the buyer and the year."""
    cover = Sheet(
        "Rapport",
        [
            [f"Rapport SPASER {report.year}"],
            [report.label],
            ["Identifiant", report.buyer],
            ["Source", "Données essentielles de la commande publique (DECP), traitées par Essaim"],
        ],
    )
    tables = [
        Sheet(table.title, [table.headers, *table.rows], widths={"A": 60}) for table in report_tables(report)
    ]
    return xlsx_bytes([cover, *tables])


def report_pdf(report: Report, charts: dict[str, str], *, base_url: str | None = None) -> bytes:
    """The report page printed with WeasyPrint (text kept as text: the figures can be extracted)."""
    html = render_to_string("insight/report_pdf.html", {"report": report, "charts": charts})
    return tagged_pdf(html, base_url=base_url)


def filename(report: Report, extension: str) -> str:
    safe = re.sub(r"[^0-9A-Za-z]+", "-", report.buyer).strip("-")
    return f"spaser-{safe}-{report.year}.{extension}"


# --- the renewal radar ------------------------------------------------------------------------------------

RENEWAL_HEADERS = [
    "Échéance",
    "Acheteur",
    "SIRET de l'acheteur",
    "Identifiant du marché",
    "Objet",
    "CPV",
    "Type d'achat",
    "Procédure",
    "Notifié le",
    "Durée (mois)",
    "Montant (€ HT)",
    "Titulaires",
    "Titulaire de l'ESS",
    "Titulaire inclusif",
    "Secteur",
    "Structures du territoire pouvant répondre",
    "Conseil de réservation",
]


def renewal_rows(lines: list[Any]) -> list[list[Any]]:
    """One row per marché of the radar (`selectors.RenewalLine`)."""
    return [
        [
            line.contract.ends,
            line.buyer_name,
            line.contract.buyer_siret,
            line.contract.id,
            line.contract.object,
            line.contract.cpv,
            line.contract.purchase_type,
            line.contract.procedure,
            line.contract.notified_on,
            line.contract.duration_months,
            line.contract.amount,
            ", ".join(f"{name} ({siren})" if name else siren for siren, name in line.holder_names),
            line.ess_holder,
            line.inclusive_holder,
            line.sector_label,
            line.local_structures,
            line.advice.summary if line.advice else "Montant inconnu : pas de conseil",
        ]
        for line in lines
    ]


def renewals_download(lines: list[Any], *, buyer: str, start: Any, extension: str) -> Any:
    """The radar as a CSV or XLSX download through the shared safe writer."""
    name = f"marches-a-renouveler-{re.sub(r'[^0-9a-z]+', '-', buyer.lower())}-{start.isoformat()}.{extension}"
    rows = renewal_rows(lines)
    if extension == "csv":
        return attachment(csv_bytes(RENEWAL_HEADERS, rows), CSV_CONTENT_TYPE, name)
    return attachment(
        xlsx_bytes([Sheet("Marchés à renouveler", [RENEWAL_HEADERS, *rows])]), XLSX_CONTENT_TYPE, name
    )
