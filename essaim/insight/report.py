"""The yearly SPASER report of a buyer (SIRET, SIREN or `epci:SIREN` group), computed from the store.

`build_report` reads DuckDB only; what the transactional database knows (the directory structures of an
opportunity, the collaborations recorded by sourcing and events, buyer and holder names) comes through the
`ReportSources` callbacks, wired in `selectors_report.report_for`. Sums use non-outlier amounts only.
"""

# SQL text is built from the declared table names (tables.py) and the buyer filter of indicators.py
# only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from essaim.directory.sector_mappings import SECTORS, sector_for_cpv

from . import references
from .indicators import SirenResolver, buyer_filter, indicators
from .tables import CONCESSIONS, CONTRACT_HOLDERS, CONTRACTS, ESS_SIRENS, REJECTED

OPPORTUNITIES = 5


@dataclass
class Group:
    """One line of a breakdown: counts and non-outlier amounts, with and without considerations."""

    key: str
    label: str
    contracts: int = 0
    amount: float = 0.0
    social: int = 0
    social_amount: float = 0.0
    environmental: int = 0
    no_social: int = 0
    no_social_amount: float = 0.0

    @property
    def social_share(self) -> float:
        return round(self.social / self.contracts, 4) if self.contracts else 0.0

    @property
    def environmental_share(self) -> float:
        return round(self.environmental / self.contracts, 4) if self.contracts else 0.0


@dataclass
class Opportunity:
    """A CPV division where the buyer spends without any social consideration."""

    division: str
    label: str
    contracts: int
    amount: float
    share_of_division: float
    sectors: list[tuple[str, str]]  # (slug, label)
    examples: list[str]  # objects of the largest contracts without social consideration
    structures: list[dict[str, Any]] = field(default_factory=list)
    reservations: dict[str, int] = field(default_factory=dict)  # l2113-12/13/15 -> structures eligible


@dataclass
class Target:
    name: str
    share: float
    target: float

    @property
    def reached(self) -> bool:
        return self.share >= self.target

    @property
    def gap_points(self) -> float:
        return round(max(self.target - self.share, 0.0) * 100, 1)


@dataclass
class Comparison:
    label: str
    current: float
    previous: float | None
    kind: str  # count, amount, share

    @property
    def delta(self) -> float | None:
        if self.previous is None:
            return None
        return round(self.current - self.previous, 4 if self.kind == "share" else 2)


@dataclass
class ReportSources:
    """What the report needs from the transactional database (all optional)."""

    # sector slugs -> structures of the territory, as dicts with at least "reservations" (codes)
    structures_for_sectors: Callable[[list[str]], list[dict[str, Any]]] | None = None
    collaborations: Callable[[list[str], int], list[Any]] | None = None
    holder_names: Callable[[Iterable[str]], dict[str, str]] | None = None
    # the sections other apps add (insight.sections): (sirens, year) -> built sections
    extra_sections: Callable[[list[str], int], list[Any]] | None = None
    # sirens -> per year and source (meetings, needs): collaborations and the contracts that followed
    outcomes: Callable[[list[str]], list[Any]] | None = None
    # (sirens, year) -> the spend shares of the buyers' own spend files, without any supplier's amount
    spend_shares: Callable[[list[str], int], list[dict[str, Any]]] | None = None


@dataclass
class Report:
    buyer: str
    year: int
    label: str
    indicators: dict[str, Any]
    previous: dict[str, Any] | None
    targets: list[Target]
    comparisons: list[Comparison]
    by_division: list[Group]
    by_type: list[Group]
    by_procedure: list[Group]
    by_month: list[Group]
    opportunities: list[Opportunity]
    holders: dict[str, Any]
    ess_holders: list[dict[str, Any]]
    loi_climat: dict[str, Any]
    concessions: dict[str, Any]
    quality: dict[str, Any]
    collaborations: list[Any]
    spend: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)  # sourcing.collaborations.OutcomeYear, years ≤ year
    seconds: float = 0.0
    sections: list[Any] = field(default_factory=list)
    national_social: list[tuple[int, float, str]] = field(default_factory=lambda: references.NATIONAL_SOCIAL)
    national_environmental: list[tuple[int, float, str]] = field(
        default_factory=lambda: references.NATIONAL_ENVIRONMENTAL
    )
    loi_climat_text: str = references.LOI_CLIMAT

    @property
    def is_empty(self) -> bool:
        return self.indicators["contracts"] == 0

    @property
    def collaborations_amount(self) -> float:
        return round(sum(float(getattr(c, "amount", None) or 0) for c in self.collaborations), 2)


_PICKED = """
    SELECT c.buyer_siret, c.id, c.cpv, c.cpv_division, c.purchase_type, c.procedure, c.object,
           month(c.notified_on) AS month, c.amount, coalesce(c.has_social, false) AS has_social,
           coalesce(c.has_environmental, false) AS has_environmental
    FROM {contracts} c WHERE {condition} AND c.notified_year = ?
"""


def _groups(con: duckdb.DuckDBPyConnection, picked: str, params: list[Any]) -> dict[str, list[Group]]:
    rows = con.execute(
        f"""
        WITH picked AS ({picked})
        SELECT grouping(cpv_division, purchase_type, procedure, month) AS g,
               cpv_division, purchase_type, procedure, month,
               count(*), coalesce(sum(amount), 0),
               count(*) FILTER (has_social), coalesce(sum(amount) FILTER (has_social), 0),
               count(*) FILTER (has_environmental),
               count(*) FILTER (NOT has_social), coalesce(sum(amount) FILTER (NOT has_social), 0)
        FROM picked
        GROUP BY GROUPING SETS ((cpv_division), (purchase_type), (procedure), (month))
        """,
        params,
    ).fetchall()
    # grouping() bits, highest first: division, type, procedure, month; the one grouped on is 0.
    which = {0b0111: "division", 0b1011: "type", 0b1101: "procedure", 0b1110: "month"}
    result: dict[str, list[Group]] = {"division": [], "type": [], "procedure": [], "month": []}
    for row in rows:
        name = which[int(row[0])]
        raw_key = {"division": row[1], "type": row[2], "procedure": row[3], "month": row[4]}[name]
        key = "" if raw_key is None else str(raw_key)
        if name == "division":
            label = references.division_label(key or None)
        elif name == "type":
            label = references.PURCHASE_TYPES.get(key, "Non déterminé (CPV absent)")
        elif name == "procedure":
            label = key or "Non renseignée"
        else:
            label = references.MONTHS[int(key) - 1].capitalize() if key else "Date invalide"
        result[name].append(
            Group(
                key=key,
                label=label,
                contracts=int(row[5]),
                amount=round(float(row[6]), 2),
                social=int(row[7]),
                social_amount=round(float(row[8]), 2),
                environmental=int(row[9]),
                no_social=int(row[10]),
                no_social_amount=round(float(row[11]), 2),
            )
        )
    result["division"].sort(key=lambda g: (-g.amount, g.key))
    result["procedure"].sort(key=lambda g: (-g.contracts, g.key))
    order = list(references.PURCHASE_TYPES)
    result["type"].sort(key=lambda g: order.index(g.key) if g.key in order else len(order))
    months = {g.key: g for g in result["month"]}
    result["month"] = [
        months.get(str(m), Group(key=str(m), label=references.MONTHS[m - 1].capitalize()))
        for m in range(1, 13)
    ] + ([months[""]] if "" in months else [])
    return result


def _opportunities(
    con: duckdb.DuckDBPyConnection, picked: str, params: list[Any], divisions: list[Group]
) -> list[Opportunity]:
    chosen = [g for g in divisions if g.key and g.no_social_amount > 0]
    chosen.sort(key=lambda g: (-g.no_social_amount, g.key))
    chosen = chosen[:OPPORTUNITIES]
    if not chosen:
        return []
    keys = [g.key for g in chosen]
    cpv_rows = con.execute(
        f"""WITH picked AS ({picked})
            SELECT cpv_division, cpv, coalesce(sum(amount), 0) AS spent, count(*) FROM picked
            WHERE NOT has_social AND list_contains(?, cpv_division) GROUP BY ALL ORDER BY spent DESC, cpv""",
        [*params, keys],
    ).fetchall()
    example_rows = con.execute(
        f"""WITH picked AS ({picked})
            SELECT cpv_division, object, max(amount) AS largest FROM picked
            WHERE NOT has_social AND list_contains(?, cpv_division) AND object IS NOT NULL
            GROUP BY cpv_division, object
            QUALIFY row_number() OVER (PARTITION BY cpv_division ORDER BY largest DESC NULLS LAST, object) <= 3
            ORDER BY cpv_division, largest DESC NULLS LAST, object""",
        [*params, keys],
    ).fetchall()
    sectors: dict[str, dict[str, float]] = {k: {} for k in keys}
    for division, cpv, spent, count in cpv_rows:
        slug = sector_for_cpv(cpv or "")
        if slug:
            sectors[division][slug] = sectors[division].get(slug, 0.0) + float(spent) + int(count)
    examples: dict[str, list[str]] = {k: [] for k in keys}
    for division, text, _largest in example_rows:
        examples[division].append(text)
    return [
        Opportunity(
            division=g.key,
            label=g.label,
            contracts=g.no_social,
            amount=g.no_social_amount,
            share_of_division=round(g.no_social_amount / g.amount, 4) if g.amount else 0.0,
            sectors=[
                (slug, SECTORS[slug][0])
                for slug, _ in sorted(sectors[g.key].items(), key=lambda item: -item[1])
                if slug in SECTORS
            ],
            examples=examples[g.key],
        )
        for g in chosen
    ]


def _holders(
    con: duckdb.DuckDBPyConnection, picked: str, params: list[Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = con.execute(
        f"""WITH picked AS ({picked})
            SELECT count(DISTINCT coalesce(h.holder_siren, h.holder_id)),
                   count(DISTINCT h.holder_siren) FILTER (e.siren IS NOT NULL),
                   count(DISTINCT h.holder_siren) FILTER (e.is_inclusion),
                   count(DISTINCT h.holder_siren) FILTER (e.is_directory)
            FROM {CONTRACT_HOLDERS.name} h
            SEMI JOIN picked p ON p.buyer_siret = h.buyer_siret AND p.id = h.id
            LEFT JOIN {ESS_SIRENS.name} e ON e.siren = h.holder_siren""",
        params,
    ).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    total = int(row[0])
    summary = {
        "holders": total,
        "ess": int(row[1]),
        "inclusion": int(row[2]),
        "directory": int(row[3]),
        "ess_share": round(int(row[1]) / total, 4) if total else 0.0,
        "inclusion_share": round(int(row[2]) / total, 4) if total else 0.0,
    }
    top = con.execute(
        f"""WITH picked AS ({picked})
            SELECT h.holder_siren, bool_or(e.is_inclusion), count(*), coalesce(sum(p.amount), 0) AS spent
            FROM {CONTRACT_HOLDERS.name} h
            JOIN picked p ON p.buyer_siret = h.buyer_siret AND p.id = h.id
            JOIN {ESS_SIRENS.name} e ON e.siren = h.holder_siren
            GROUP BY ALL ORDER BY spent DESC, h.holder_siren LIMIT 10""",
        params,
    ).fetchall()
    return summary, [
        {"siren": r[0], "inclusion": bool(r[1]), "contracts": int(r[2]), "amount": round(float(r[3]), 2)}
        for r in top
    ]


def _loi_climat(con: duckdb.DuckDBPyConnection, picked: str, params: list[Any]) -> dict[str, Any]:
    row = con.execute(
        f"""WITH picked AS ({picked})
            SELECT count(*) FILTER (NOT has_environmental),
                   coalesce(sum(amount) FILTER (NOT has_environmental), 0),
                   count(*) FILTER (above), count(*) FILTER (above AND has_social),
                   coalesce(sum(amount) FILTER (above), 0)
            FROM (SELECT *, amount >= CASE purchase_type WHEN 'travaux' THEN ? ELSE ? END AS above
                  FROM picked)""",
        [*params, references.EU_THRESHOLDS["travaux"], references.EU_THRESHOLDS["services"]],
    ).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    above, above_social = int(row[2]), int(row[3])
    return {
        "without_environmental": int(row[0]),
        "without_environmental_amount": round(float(row[1]), 2),
        "above_eu": above,
        "above_eu_amount": round(float(row[4]), 2),
        "above_eu_social": above_social,
        "above_eu_without_social": above - above_social,
        "thresholds": references.EU_THRESHOLDS,
    }


def _concessions(
    con: duckdb.DuckDBPyConnection, condition: str, params: list[Any], year: int
) -> dict[str, Any]:
    row = con.execute(
        f"""SELECT count(*), coalesce(sum(c.amount), 0), count(*) FILTER (c.has_social),
                   count(*) FILTER (c.has_environmental)
            FROM {CONCESSIONS.name} c WHERE {condition} AND c.notified_year = ?""",
        [*params, year],
    ).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    return {
        "count": int(row[0]),
        "amount": round(float(row[1]), 2),
        "social": int(row[2]),
        "environmental": int(row[3]),
    }


FLAG_LABELS = {
    "amount_outlier": "Montant aberrant (exclu des sommes)",
    "amount_missing": "Montant absent ou illisible",
    "cpv_invalid": "Code CPV invalide",
    "social_contradictory": "Considération sociale contradictoire",
    "environmental_contradictory": "Considération environnementale contradictoire",
    "published_on_invalid": "Date de publication impossible",
    "duration_invalid": "Durée invalide",
    "holder_invalid": "Titulaire illisible",
    "holder_siret_invalid": "SIRET de titulaire invalide",
    "buyer_siret_invalid": "SIRET d'acheteur invalide",
}


def _quality(
    con: duckdb.DuckDBPyConnection,
    condition: str,
    params: list[Any],
    year: int,
    sirens: list[str],
) -> dict[str, Any]:
    flags = con.execute(
        f"""SELECT flag, count(*) FROM (
                SELECT unnest(c.flags) AS flag FROM {CONTRACTS.name} c
                WHERE {condition} AND c.notified_year = ?)
            GROUP BY ALL ORDER BY 2 DESC, 1""",
        [*params, year],
    ).fetchall()
    undated = con.execute(
        f"SELECT count(*) FROM {CONTRACTS.name} c WHERE {condition} AND c.notified_year IS NULL", params
    ).fetchone()
    no_end = con.execute(
        f"""SELECT count(*) FROM {CONTRACTS.name} c
            WHERE {condition} AND c.notified_year = ? AND c.ends_on IS NULL""",
        [*params, year],
    ).fetchone()
    rejected = con.execute(
        f"""SELECT count(*) FROM {REJECTED.name}
            WHERE len(list_filter(?::VARCHAR[], lambda s: contains(raw, s))) > 0""",
        [sirens],
    ).fetchone()
    rejected_all = con.execute(f"SELECT count(*) FROM {REJECTED.name}").fetchone()
    return {
        "flags": [(name, FLAG_LABELS.get(name, name), int(count)) for name, count in flags],
        "undated": int(undated[0]) if undated else 0,
        "no_end_date": int(no_end[0]) if no_end else 0,
        "rejected_mentioning": int(rejected[0]) if rejected else 0,
        "rejected_total": int(rejected_all[0]) if rejected_all else 0,
    }


def _sirens_of(buyer: str, resolver: SirenResolver | None) -> list[str]:
    value = buyer.strip().replace(" ", "")
    if value.startswith("epci:"):
        siren = value.removeprefix("epci:")
        return sorted({siren, *(resolver(siren) if resolver else [])})
    return [value]


def build_report(
    con: duckdb.DuckDBPyConnection,
    *,
    buyer: str,
    year: int,
    buyer_sirets_resolver: SirenResolver | None = None,
    sources: ReportSources | None = None,
    label: str | None = None,
) -> Report:
    """The whole report of `buyer` for `year` (see docs/insight.md, section « Le rapport »)."""
    started = time.perf_counter()
    sources = sources or ReportSources()
    members: list[str] = []

    def resolver(siren: str) -> list[str]:
        if not members and buyer_sirets_resolver is not None:
            members.extend(str(m) for m in buyer_sirets_resolver(siren))
        return members

    condition, params = buyer_filter(buyer, resolver)
    current = indicators(con, buyer=buyer, year=year, buyer_sirets_resolver=resolver)
    previous = indicators(con, buyer=buyer, year=year - 1, buyer_sirets_resolver=resolver)
    picked = _PICKED.format(contracts=CONTRACTS.name, condition=condition)
    picked_params = [*params, year]
    groups = _groups(con, picked, picked_params)
    opportunities = _opportunities(con, picked, picked_params, groups["division"])
    holders, ess_holders = _holders(con, picked, picked_params)
    sirens = _sirens_of(buyer, resolver)

    if sources.structures_for_sectors is not None:
        for opportunity in opportunities:
            opportunity.structures = sources.structures_for_sectors([s for s, _ in opportunity.sectors])
            counts = dict.fromkeys(("l2113-12", "l2113-13", "l2113-15"), 0)
            for structure in opportunity.structures:
                for code in structure.get("reservations", ()):
                    if code in counts:
                        counts[code] += 1
            opportunity.reservations = counts
    if sources.holder_names is not None and ess_holders:
        names = sources.holder_names(h["siren"] for h in ess_holders)
        for holder in ess_holders:
            holder["name"] = names.get(holder["siren"], "")

    def share(data: dict[str, Any], key: str) -> float:
        return float(data[key]["share"])

    had_previous = previous["contracts"] > 0
    comparisons = [
        Comparison("Marchés notifiés", current["contracts"], previous["contracts"], "count"),
        Comparison("Montant (€ HT)", current["amount"], previous["amount"], "amount"),
        Comparison(
            "Part des marchés avec considération sociale",
            share(current, "social"),
            share(previous, "social") if had_previous else None,
            "share",
        ),
        Comparison(
            "Part des marchés avec considération environnementale",
            share(current, "environmental"),
            share(previous, "environmental") if had_previous else None,
            "share",
        ),
        Comparison("Marchés réservés", current["reserved"]["count"], previous["reserved"]["count"], "count"),
        Comparison(
            "Marchés attribués à l'ESS",
            current["ess_awarded"]["count"],
            previous["ess_awarded"]["count"],
            "count",
        ),
    ]
    report = Report(
        buyer=buyer,
        year=year,
        label=label or buyer,
        indicators=current,
        previous=previous if had_previous else None,
        targets=[
            Target("Considération sociale", share(current, "social"), references.PNAD_TARGETS["social"]),
            Target(
                "Considération environnementale",
                share(current, "environmental"),
                references.PNAD_TARGETS["environmental"],
            ),
        ],
        comparisons=comparisons,
        by_division=groups["division"],
        by_type=groups["type"],
        by_procedure=groups["procedure"],
        by_month=groups["month"],
        opportunities=opportunities,
        holders=holders,
        ess_holders=ess_holders,
        loi_climat=_loi_climat(con, picked, picked_params),
        concessions=_concessions(con, condition, params, year),
        quality=_quality(con, condition, params, year, sirens),
        collaborations=sources.collaborations(sirens, year) if sources.collaborations else [],
        sections=sources.extra_sections(sirens, year) if sources.extra_sections else [],
        spend=sources.spend_shares(sirens, year) if sources.spend_shares else [],
        outcomes=[o for o in sources.outcomes(sirens) if o.year <= year] if sources.outcomes else [],
    )
    report.seconds = round(time.perf_counter() - started, 3)
    return report
