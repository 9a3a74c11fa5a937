"""Writes for the territory app: loading the committed extract of the administrative geography."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import connection, models, transaction

from .codes import NATIONAL, search_key
from .extract import extract_filename, load_extract
from .models import Commune, Departement, Epci, Perimeter, PerimeterCommune, Region
from .selectors import REFERENCE_VERSION_KEY

DATA_DIR = Path(__file__).resolve().parent / "data"
EXTRACT_VERSION = "6.0.0"
DEFAULT_EXTRACT = DATA_DIR / extract_filename(EXTRACT_VERSION)
NATIONAL_NAME = "France entière"
_BATCH = 5000


@dataclass
class TableReport:
    """Rows of one table: `total` in the extract; `stale` rows are in the database only and are kept."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0


@dataclass
class LinkReport:
    """Membership rows (commune ∈ perimeter, commune ∈ EPCI): created and deleted to match the extract."""

    total: int = 0
    created: int = 0
    deleted: int = 0


@dataclass
class LoadReport:
    regions: TableReport = field(default_factory=TableReport)
    departements: TableReport = field(default_factory=TableReport)
    communes: TableReport = field(default_factory=TableReport)
    epci: TableReport = field(default_factory=TableReport)
    perimeters: TableReport = field(default_factory=TableReport)
    memberships: LinkReport = field(default_factory=LinkReport)
    epci_members: LinkReport = field(default_factory=LinkReport)
    source: str = ""
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        tables = (self.regions, self.departements, self.communes, self.epci, self.perimeters)
        links = (self.memberships, self.epci_members)
        return any(t.created or t.updated for t in tables) or any(k.created or k.deleted for k in links)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changed": self.changed}


def territory_load(*, path: Path | None = None, dry_run: bool = False) -> LoadReport:
    """Bring the territory tables in line with the extract at `path`, idempotently, in one transaction.

    Régions, départements, communes (arrondissements municipaux included), EPCI and EPT are upserted by
    their INSEE code or SIREN; perimeters by their code; memberships are created or deleted to match.
    Rows absent from the extract (a commune merged since) are kept untouched and counted as `stale`, as other
    apps may point to them. With `dry_run`, everything is computed and then rolled back.
    """
    started = time.perf_counter()
    source = Path(path) if path is not None else DEFAULT_EXTRACT
    extract = load_extract(source)
    report = LoadReport(source=source.name, dry_run=dry_run)
    with transaction.atomic():
        _load(extract, report)
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed:
            transaction.on_commit(reference_cache_invalidate)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def reference_cache_invalidate() -> None:
    """Drop every value `selectors.reference_cached` holds, on every instance sharing the cache."""
    try:
        cache.incr(REFERENCE_VERSION_KEY)
    except ValueError:  # no version yet: the next read starts a fresh one from the clock
        pass


def _load(extract: dict[str, Any], report: LoadReport) -> None:
    communes: list[dict[str, Any]] = extract["communes"]
    groupings: list[dict[str, Any]] = extract["epci"]

    report.regions = _sync(Region, "code", {r["code"]: {"name": r["name"]} for r in extract["regions"]})
    report.departements = _sync(
        Departement,
        "code",
        {d["code"]: {"name": d["name"], "region_id": d["region"]} for d in extract["departements"]},
    )
    report.communes = _sync(
        Commune,
        "code",
        {
            c["code"]: {
                "name": c["name"],
                "departement_id": c["departement"],
                "region_id": c["region"],
                "siren": c["siren"],
                "postal_codes": c["postal_codes"],
                "population": c["population"],
                "is_arrondissement": "parent" in c,
                "parent_id": c.get("parent"),
                "search_name": search_key(c["name"])[:100],
            }
            for c in communes
        },
    )
    report.epci = _sync(
        Epci,
        "siren",
        {
            g["siren"]: {"name": g["name"], "kind": g["kind"], "population": g["population"]}
            for g in groupings
        },
    )
    report.epci_members = _sync_links(
        Epci.communes.through,
        "epci_id",
        {(g["siren"], member) for g in groupings for member in g["members"]},
        owners={g["siren"] for g in groupings},
    )

    perimeters, members = _perimeters(extract)
    report.perimeters = _sync(Perimeter, "code", perimeters)
    ids = dict(Perimeter.objects.filter(code__in=perimeters.keys()).values_list("code", "id"))
    report.memberships = _sync_links(
        PerimeterCommune,
        "perimeter_id",
        {(ids[code], commune) for code, commune in members},
        owners=set(ids.values()),
    )


def _perimeters(extract: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], set[tuple[str, str]]]:
    """Perimeter rows keyed by code, and the (perimeter code, commune code) memberships.

    A municipal arrondissement belongs to its own perimeter, to its city's perimeter and to every grouping
    of its city (EPCI, EPT, département, région, national): a need in "Paris" reaches a structure in the 12th.
    """
    communes: list[dict[str, Any]] = extract["communes"]
    groupings_of: dict[str, list[str]] = defaultdict(list)
    for grouping in extract["epci"]:
        for member in grouping["members"]:
            groupings_of[member].append(f"epci:{grouping['siren']}")

    members: set[tuple[str, str]] = set()
    for commune in communes:
        code = commune["code"]
        city = commune.get("parent", code)
        for perimeter in (NATIONAL, f"reg:{commune['region']}", f"dep:{commune['departement']}", code, city):
            members.add((perimeter, code))
        for perimeter in groupings_of[city]:
            members.add((perimeter, code))

    population = {c["code"]: c["population"] for c in communes if "parent" not in c}
    totals: dict[str, int | None] = {}
    for perimeter, code in members:
        value = population.get(code)
        if value is not None:
            totals[perimeter] = (totals.get(perimeter) or 0) + value

    rows: dict[str, dict[str, Any]] = {}

    def add(code: str, kind: str, name: str, population: int | None) -> None:
        rows[code] = {
            "kind": kind,
            "name": name,
            "population": population,
            "search_name": search_key(name)[:200],
        }

    add(NATIONAL, Perimeter.Kind.NATIONAL, NATIONAL_NAME, totals.get(NATIONAL))
    for region in extract["regions"]:
        code = f"reg:{region['code']}"
        add(code, Perimeter.Kind.REGION, region["name"], totals.get(code))
    for departement in extract["departements"]:
        code = f"dep:{departement['code']}"
        add(code, Perimeter.Kind.DEPARTEMENT, departement["name"], totals.get(code))
    for grouping in extract["epci"]:
        code = f"epci:{grouping['siren']}"
        add(code, Perimeter.Kind.EPCI, grouping["name"], totals.get(code))
    for commune in communes:
        add(commune["code"], Perimeter.Kind.COMMUNE, commune["name"], commune["population"])
    return rows, members


def _sync(model: type[models.Model], key: str, desired: dict[str, dict[str, Any]]) -> TableReport:
    """Create and update rows of `model` keyed on `key` so they hold `desired`; report what changed."""
    fields = sorted({name for values in desired.values() for name in values})
    pk = model._meta.pk.attname
    existing = {row[key]: row for row in model._default_manager.values(*{pk, key, *fields})}
    to_create: list[dict[str, Any]] = []
    to_update: list[models.Model] = []
    unchanged = 0
    for value, values in desired.items():
        row = existing.get(value)
        if row is None:
            to_create.append({key: value, **values})
        elif any(row[name] != values[name] for name in fields):
            to_update.append(model(**{pk: row[pk], key: value, **values}))
        else:
            unchanged += 1
    _insert(model, to_create)
    model._default_manager.bulk_update(to_update, [_field_name(model, f) for f in fields], batch_size=500)
    return TableReport(
        total=len(desired),
        created=len(to_create),
        updated=len(to_update),
        unchanged=unchanged,
        stale=len(existing.keys() - desired.keys()),
    )


def _field_name(model: type[models.Model], attname: str) -> str:
    return next(f.name for f in model._meta.concrete_fields if f.attname == attname)


def _sync_links(
    through: type[models.Model], owner: str, desired: set[tuple[Any, str]], *, owners: set[Any]
) -> LinkReport:
    """Make the (owner, commune) rows of `through` equal `desired`, for the owners present in the extract."""
    existing: dict[tuple[Any, str], int] = {}
    # One read of the whole table, filtered here: an IN list of 36k ids would exceed SQLite's limits.
    for row_id, owner_id, commune_id in through._default_manager.values_list("id", owner, "commune_id"):
        if owner_id in owners:
            existing[(owner_id, commune_id)] = row_id
    to_create = [{owner: o, "commune_id": c} for o, c in sorted(desired - existing.keys())]
    stale = [existing[pair] for pair in existing.keys() - desired]
    _insert(through, to_create)
    for start in range(0, len(stale), 500):
        through._default_manager.filter(id__in=stale[start : start + 500]).delete()
    return LinkReport(total=len(desired), created=len(to_create), deleted=len(stale))


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (keyed by attname) with `executemany`, without building model instances.

    `bulk_create` spends most of its time instantiating and compiling 200k objects; this keeps the full load
    within a few seconds. JSON values still go through the field's `get_db_prep_save`.
    """
    if not rows:
        return
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in rows[0]]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - identifiers from model metadata only
        quote(str(model._meta.db_table)),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    names = [f.attname for f in fields]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
        return
    # Strings, numbers, booleans and None go to the driver as they are; JSON needs the field's adaptation.
    prepared = {f.attname: f for f in fields if isinstance(f, models.JSONField)}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            if prepared:
                batch = [
                    {**row, **{n: f.get_db_prep_save(row[n], connection) for n, f in prepared.items()}}
                    for row in batch
                ]
            cursor.executemany(sql, [[row[n] for n in names] for row in batch])


def _copy(
    model: type[models.Model], fields: list[models.Field[Any, Any]], rows: list[dict[str, Any]]
) -> None:
    """PostgreSQL: COPY … FROM STDIN, several times faster than executemany for 200k rows."""
    quote = connection.ops.quote_name
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(str(model._meta.db_table)), ", ".join(quote(str(f.column)) for f in fields)
    )
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_fields else row[n] for n in names])
