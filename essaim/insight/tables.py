"""The analytical tables of the DuckDB store, declared in one place.

The store is (re)built from these declarations (`CREATE TABLE IF NOT EXISTS` + `COMMENT ON`), see
`essaim.insight.store.build`. Each table says how it is computed; each column has a type and a comment.
Nothing here touches the transactional (Django) database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    computed: str
    columns: tuple[Column, ...]

    def create_sql(self) -> str:
        body = ",\n    ".join(f"{column.name} {column.type}" for column in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n    {body}\n)"

    def comment_sql(self) -> list[str]:
        statements = [
            f"COMMENT ON TABLE {self.name} IS {quote(self.comment + ' Computed: ' + self.computed)}"
        ]
        statements += [
            f"COMMENT ON COLUMN {self.name}.{column.name} IS {quote(column.comment)}"
            for column in self.columns
        ]
        return statements

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _contract_columns(*, concession: bool) -> tuple[Column, ...]:
    date_source = "dateSignature" if concession else "dateNotification"
    amount_source = "valeurGlobale" if concession else "montant"
    buyer_source = "autoriteConcedante.id" if concession else "acheteur.id"
    columns = [
        Column("buyer_siret", "VARCHAR NOT NULL", f"SIRET of the buyer ({buyer_source}), spaces removed."),
        Column("buyer_siren", "VARCHAR", "First 9 digits of buyer_siret (null if it is not numeric)."),
        Column("id", "VARCHAR NOT NULL", "Buyer's identifier of the contract; (buyer_siret, id) is the key."),
        Column("nature", "VARCHAR", "nature as published."),
        Column("object", "VARCHAR", "objet as published."),
    ]
    if not concession:
        columns += [
            Column(
                "cpv", "VARCHAR", "8-digit root of codeCPV; null (flag cpv_invalid) when shorter or unknown."
            ),
            Column("cpv_division", "VARCHAR", "First 2 digits of cpv."),
            Column("purchase_type", "VARCHAR", "travaux (45), fournitures (01-44, 48) or services (50-98)."),
        ]
    columns += [
        Column("procedure", "VARCHAR", "procedure as published."),
        Column("duration_months", "INTEGER", "dureeMois; null for NC, negatives and fractions."),
        Column("notified_on", "DATE", f"{date_source}; null when before 2000 or in the future."),
        Column("notified_year", "INTEGER", "Year of notified_on: the year indicators are computed for."),
        Column(
            "duration_final_months",
            "INTEGER",
            "dureeMois of the modification with the highest id that sets a valid one, else duration_months.",
        ),
        Column(
            "ends_on",
            "DATE",
            f"{date_source} + duration_final_months months (day clamped to the month's end); null without "
            "a valid date or a positive duration, never guessed. The renewal radar lists marchés by it.",
        ),
        Column("published_on", "DATE", "datePublicationDonnees; the latest publication of a key wins."),
        Column(
            "amount_raw", "DOUBLE", f"{amount_source} (of the modification with the highest id), as read."
        ),
        Column("amount", "DOUBLE", "amount_raw unless it is an outlier or missing: the only amount summed."),
        Column("amount_outlier", "BOOLEAN", "Missing, < 1 EUR, > 3 billion EUR or one repeated digit."),
        Column("social_clause", "BOOLEAN", "considerationsSociales contains Clause sociale."),
        Column("social_criterion", "BOOLEAN", "considerationsSociales contains Critère social."),
        Column("reserved", "BOOLEAN", "Marché réservé (concessions: Concession réservée)."),
        Column("environmental_clause", "BOOLEAN", "Contains Clause environnementale."),
        Column("environmental_criterion", "BOOLEAN", "Contains Critère environnemental."),
        Column("has_social", "BOOLEAN", "social_clause OR social_criterion OR reserved."),
        Column("has_environmental", "BOOLEAN", "environmental_clause OR environmental_criterion."),
        Column(
            "contradictory", "BOOLEAN", "'Pas de considération …' published together with a consideration."
        ),
        Column("place_code", "VARCHAR", "lieuExecution.code."),
        Column("offers_received", "INTEGER", "offresRecues."),
        Column("innovative", "BOOLEAN", "marcheInnovant (oui/non/1/0/true/false normalised)."),
        Column("subcontracting_declared", "BOOLEAN", "sousTraitanceDeclaree (normalised)."),
        Column("modification_id", "INTEGER", "id of the modification the amount comes from (null: initial)."),
        Column("holders_count", "INTEGER", "Number of distinct holders."),
        Column("flags", "VARCHAR[]", "What the cleaning repaired or dropped (see docs/insight.md)."),
        Column("source_file", "VARCHAR", "Name of the file the kept publication was read from."),
        Column("seq", "BIGINT", "Position of the record in the import run (file order, then record order)."),
        Column("content_hash", "UBIGINT", "Hash of the cleaned content: an equal hash means unchanged."),
        Column("imported_at", "TIMESTAMPTZ", "When this version was written."),
    ]
    return tuple(columns)


def _holder_columns(parent: str) -> tuple[Column, ...]:
    return (
        Column("buyer_siret", "VARCHAR NOT NULL", f"Key of the {parent}."),
        Column("id", "VARCHAR NOT NULL", f"Key of the {parent}."),
        Column("holder_id", "VARCHAR NOT NULL", "Identifier of the holder (SIRET, TVA, …)."),
        Column("holder_id_type", "VARCHAR", "typeIdentifiant, upper case."),
        Column("holder_siren", "VARCHAR", "First 9 digits of a 14-digit SIRET holder id."),
    )


CONTRACTS = Table(
    "contracts",
    "Marchés publics from the DECP, one row per national key (buyer_siret, id).",
    "decp_cleaning.clean on every record, then the latest publication of each key "
    "(datePublicationDonnees, then file order) replaces older versions.",
    _contract_columns(concession=False),
)
CONTRACT_HOLDERS = Table(
    "contract_holders",
    "Holders (titulaires) of the contracts, one row per contract x distinct holder.",
    "titulaires of the kept publication (tabular rows of one contract grouped).",
    _holder_columns("contract"),
)
CONCESSIONS = Table(
    "concessions",
    "Contrats de concession from the DECP, one row per (buyer_siret, id).",
    "Same cleaning and deduplication as contracts; amount is valeurGlobale, date is dateSignature.",
    _contract_columns(concession=True),
)
CONCESSION_HOLDERS = Table(
    "concession_holders",
    "Concessionnaires of the concessions.",
    "concessionnaires of the kept publication.",
    _holder_columns("concession"),
)
REJECTED = Table(
    "rejected",
    "Records and files that could not be imported, kept with the reason.",
    "Every record decp_cleaning.clean rejects and every file that breaks while being read; "
    "re-importing a file replaces the rows of that file.",
    (
        Column("source_file", "VARCHAR", "Name of the file."),
        Column("position", "BIGINT", "Index of the record in the file (for a broken file: records read)."),
        Column("reason", "VARCHAR", "Why: not_an_object, buyer_id_missing, id_missing, file_broken: …"),
        Column("raw", "VARCHAR", "The record as JSON text (truncated to 100,000 characters)."),
        Column("imported_at", "TIMESTAMPTZ", "When it was rejected."),
    ),
)
ESS_SIRENS = Table(
    "ess_sirens",
    "SIRENs of social and solidarity economy structures, to tell which contracts they won.",
    "Replaced as a whole by store.refresh_ess_links from the directory side.",
    (
        Column("siren", "VARCHAR NOT NULL", "SIREN of the structure."),
        Column("is_directory", "BOOLEAN", "Listed in the Essaim directory."),
        Column("is_inclusion", "BOOLEAN", "An inclusion structure (SIAE, EA, ESAT, GEIQ)."),
    ),
)
IMPORT_RUNS = Table(
    "import_runs",
    "One row per DECP import run: what was read and what changed.",
    "Appended by decp_import.import_files.",
    (
        Column("finished_at", "TIMESTAMPTZ", "End of the run."),
        Column("files", "VARCHAR[]", "File names, in order."),
        Column("read", "BIGINT", "Records read (tabular rows grouped by contract)."),
        Column("new", "BIGINT", "Keys added."),
        Column("updated", "BIGINT", "Keys whose later publication changed the stored version."),
        Column("unchanged", "BIGINT", "Keys read again with the same content."),
        Column("duplicates", "BIGINT", "Records superseded by a later publication of the same key."),
        Column("rejected", "BIGINT", "Records or files rejected."),
        Column("seconds", "DOUBLE", "Wall time."),
    ),
)

TABLES: tuple[Table, ...] = (
    CONTRACTS,
    CONTRACT_HOLDERS,
    CONCESSIONS,
    CONCESSION_HOLDERS,
    REJECTED,
    ESS_SIRENS,
    IMPORT_RUNS,
)
