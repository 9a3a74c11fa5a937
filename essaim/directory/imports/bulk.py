"""Bulk path of imports (national SIRENE files): batched upserts keyed on (source, source id), then SIRET.

Same rules as the row-by-row path (`run._upsert` through the services), a batch at a time:
- every candidate is validated by `services.structures.clean_data` (same French messages, rejected rows kept);
- two queries find the existing structures of a batch; a structure whose import-owned fields and
  activities are unchanged costs nothing (its provenance `last_seen` is refreshed in one bulk update);
  a changed one goes through `services.structure_update`, which skips the groups the structure locked by
  editing them itself and records provenance;
- new structures are built in memory, their derived columns computed by `derived.derived_columns` (as
  the services do), and written with raw inserts (`raw.py`: COPY on PostgreSQL) with their activities;
  the SQLite full-text index is filled for the new id range (PostgreSQL's `search_vector` is generated).
Ids are explicit (max id + 1, per batch, sequences reset after each batch): run big imports when few
people edit the directory. One audit entry for the whole run, with its counts.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import FileField, JSONField
from django.utils import timezone

from essaim.core.audit import log_action
from essaim.core.errors import DomainError
from essaim.directory.derived import ActivityFacts, derived_columns
from essaim.directory.models import Activity, Sector, SourceRecord, Structure
from essaim.directory.search import get_backend
from essaim.directory.services import structures as services
from essaim.territory.models import Commune, Perimeter, PerimeterCommune

from .candidates import Candidate, ImportReport, Rejection, keep_known_perimeters
from .raw import insert_rows, json_value, next_id, reset_sequence, timestamp
from .records import note_update, source_link

BATCH_SIZE = 2000
HEAVY_FIELDS = ("description", "offers", "client_references", "search_name", "search_body", "search_tags")
ActivitySignature = list[tuple[str, tuple[str, ...], tuple[str, ...], str]]


def _luhn_ok(value: str, length: int) -> bool:
    if len(value) != length or not value.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(value)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """`services.clean_data`, skipping its (slow) SIREN/SIRET validation for compact, Luhn-valid values, which
    it would return unchanged; anything else goes through it for the same result and French message."""
    known = {k: data[k] for k, n in (("siret", 14), ("siren", 9)) if _luhn_ok(str(data.get(k) or ""), n)}
    cleaned = services.clean_data({k: v for k, v in data.items() if k not in known})
    cleaned.update(known)
    if cleaned.get("siret") and not cleaned.get("siren"):
        cleaned["siren"] = cleaned["siret"][:9]
    return cleaned


class BulkWriter:
    def __init__(
        self,
        report: ImportReport,
        known_perimeters: set[str],
        batch_size: int = BATCH_SIZE,
        status: str = Structure.Status.TO_REVIEW,
    ):
        self.report = report
        self.status = status
        self.known_perimeters = known_perimeters
        self.batch_size = batch_size
        self.sectors = {s.slug: s for s in Sector.objects.select_related("parent")}
        self.commune_names = dict(Commune.objects.values_list("code", "name"))
        self.communes: dict[str, Commune] = {}  # unsaved instances, built when first needed
        self.perimeter_ids = dict(Perimeter.objects.values_list("code", "id"))
        self.located: dict[str, list[int]] = {}
        for commune_id, perimeter_id in PerimeterCommune.objects.values_list("commune_id", "perimeter_id"):
            self.located.setdefault(commune_id, []).append(perimeter_id)
        self.fields = Structure._meta.concrete_fields
        self.columns = [f.column for f in self.fields]
        self.day = timezone.localdate().isoformat()
        self.pending: list[Candidate] = []
        self.keys: set[tuple[str, str]] = set()
        self.signatures: dict[int, ActivitySignature] = {}

    # --- Feeding ------------------------------------------------------------------------------------
    def add(self, candidate: Candidate) -> None:
        keys = {("source", f"{candidate.source}:{candidate.source_id}")}
        if candidate.data.get("siret"):
            keys.add(("siret", str(candidate.data["siret"])))
        if keys & self.keys:  # the same structure twice in a batch: the second one sees the first
            self.flush()
        self.pending.append(candidate)
        self.keys |= keys
        if len(self.pending) >= self.batch_size:
            self.flush()

    def finish(self) -> None:
        self.flush()
        counts = self.report.as_dict()
        log_action(actor=None, action="structure.bulk_imported", data={"counts": counts})

    def _commune(self, code: str) -> Commune:
        if code not in self.communes:
            self.communes[code] = Commune(code=code, name=self.commune_names[code])
        return self.communes[code]

    def _reject(self, candidate: Candidate, reason: str) -> None:
        self.report.rejections.append(Rejection(candidate.line, candidate.raw, reason))

    def _count(self, outcome: str) -> None:
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)

    # --- One batch ----------------------------------------------------------------------------------
    def flush(self) -> None:
        batch, self.pending, self.keys = self.pending, [], set()
        if not batch:
            return
        by_source, by_siret = self._existing(batch)
        new: list[tuple[Candidate, dict[str, Any]]] = []
        provenance_updates: list[Structure] = []
        for candidate in batch:
            keep_known_perimeters(candidate, self.known_perimeters)
            commune = candidate.data.get("commune")
            if commune and commune not in self.commune_names:
                self._reject(candidate, f"Commune inconnue (code INSEE {commune}).")
                continue
            data = {**candidate.data, "commune": self._commune(commune) if commune else None}
            siret = str(candidate.data.get("siret") or "")
            structure = by_source.get((candidate.source, candidate.source_id)) or (
                by_siret.get(siret) if siret else None
            )
            try:
                if structure is None:
                    cleaned = _clean(data)
                    self._check_activities(candidate)
                    new.append((candidate, cleaned))
                else:
                    self._existing_one(candidate, structure, data, provenance_updates)
            except DomainError as error:
                self._reject(candidate, error.message)
        if provenance_updates:
            Structure.objects.bulk_update(provenance_updates, ["provenance"], batch_size=500)
        if new:
            self._insert(new)

    def _existing(
        self, batch: list[Candidate]
    ) -> tuple[dict[tuple[str, str], Structure], dict[str, Structure]]:
        """The batch's structures already there (heavy text columns deferred), with activity signatures."""
        sources = {c.source for c in batch}
        ids = [c.source_id for c in batch]
        sirets = [str(c.data["siret"]) for c in batch if c.data.get("siret")]
        query = Structure.objects.defer(*HEAVY_FIELDS).order_by()
        # `exclude(…="")` repeats the partial unique indexes' condition so PostgreSQL can use them.
        found = list(query.filter(source__in=sources, source_id__in=ids).exclude(source_id=""))
        found += list(query.filter(siret__in=sirets).exclude(siret="").exclude(pk__in=[s.pk for s in found]))
        self.signatures = self._signatures([s.pk for s in found])
        by_source = {(s.source, s.source_id): s for s in found if s.source_id}
        by_siret = {s.siret: s for s in found if s.siret}
        return by_source, by_siret

    @staticmethod
    def _signatures(structure_ids: list[int]) -> dict[int, ActivitySignature]:
        """Per structure, its activities as `services.activity_signature` gives them, in two queries."""
        codes: dict[int, list[str]] = {}
        links = Activity.perimeters.through.objects.filter(activity__structure_id__in=structure_ids)
        for activity_id, code in links.values_list("activity_id", "perimeter__code"):
            codes.setdefault(activity_id, []).append(code)
        signatures: dict[int, ActivitySignature] = {pk: [] for pk in structure_ids}
        rows = Activity.objects.filter(structure_id__in=structure_ids).values_list(
            "id", "structure_id", "sector__slug", "service_types", "description", "is_national"
        )
        for activity_id, structure_id, slug, types, description, national in rows:
            perimeters = sorted(codes.get(activity_id, [])) + (["national"] if national else [])
            signatures[structure_id].append((slug, tuple(types), tuple(perimeters), description))
        return {pk: sorted(rows) for pk, rows in signatures.items()}

    def _check_activities(self, candidate: Candidate) -> None:
        for item in candidate.activities or ():
            if item.sector not in self.sectors:
                raise services.DirectoryError(f"Secteur inconnu : {item.sector}.", field="activities")

    # --- Existing structures ------------------------------------------------------------------------
    def _existing_one(
        self,
        candidate: Candidate,
        structure: Structure,
        data: dict[str, Any],
        provenance_updates: list[Structure],
    ) -> None:
        locked = set(structure.locked_groups)
        data = {k: v for k, v in data.items() if structure.group_of(k) not in locked}
        activities = None if "activities" in locked else candidate.activities
        cleaned = _clean(data)
        changed = any(
            services.comparable(k, services.current_value(structure, k)) != services.comparable(k, v)
            for k, v in cleaned.items()
        ) or (
            activities is not None and self.signatures[structure.pk] != services.input_signature(activities)
        )
        if changed:
            result = services.structure_update(  # atomic: a savepoint, so a rejection leaves no trace
                actor=None,
                structure=structure,
                data=candidate.data,
                activities=candidate.activities,
                source=candidate.source,
                source_id=candidate.source_id,
            )
            note_update(self.report, candidate, structure, result.changed_groups)
            self._count("updated" if result.changed else "unchanged")
            return
        touched = {structure.group_of(k) for k in cleaned} | (
            {"activities"} if activities is not None else set()
        )
        seen = services.provenance_entry(candidate.source, candidate.source_id, self.day)
        provenance = dict(structure.provenance)
        for group in touched:
            if group:
                provenance[group] = seen
        if provenance != structure.provenance:
            structure.provenance = provenance
            provenance_updates.append(structure)
        self._count("unchanged")

    # --- New structures -----------------------------------------------------------------------------
    def _insert(self, new: list[tuple[Candidate, dict[str, Any]]]) -> None:
        now = timezone.now()
        first = next_id(Structure)
        activity_id, link_id = next_id(Activity), next_id(Activity.perimeters.through)
        rows, activity_rows, link_rows = [], [], []
        for offset, (candidate, cleaned) in enumerate(new):
            structure = Structure(
                pk=first + offset,
                status=self.status,
                source=candidate.source,
                source_id=candidate.source_id,
                created_at=now,
                updated_at=now,
            )
            for key, value in cleaned.items():
                services.assign_field(structure, key, value)
            groups = {structure.group_of(k) for k in cleaned} | (
                {"activities"} if candidate.activities else set()
            )
            seen = services.provenance_entry(candidate.source, candidate.source_id, self.day)
            structure.provenance = {g: seen for g in sorted(g for g in groups if g)}
            facts = []
            for item in candidate.activities or ():
                codes = [c for c in dict.fromkeys(item.perimeters) if c != "national"]
                ids = tuple(self.perimeter_ids[c] for c in codes)
                sector = self.sectors[item.sector]
                national = "national" in item.perimeters
                facts.append(ActivityFacts(sector, item.description[:300], national, ids))
                types = json_value(list(dict.fromkeys(item.service_types)))
                activity_rows.append(
                    (activity_id, structure.pk, sector.pk, types, item.description[:300], national)
                )
                for perimeter_id in ids:
                    link_rows.append((link_id, activity_id, perimeter_id))
                    link_id += 1
                activity_id += 1
            commune = cleaned.get("commune")
            located = self.located.get(structure.commune_id or "", [])
            for name, value in derived_columns(
                structure, facts, located, commune.name if commune else ""
            ).items():
                setattr(structure, name, value)
            rows.append(self._row(structure))
        insert_rows(Structure._meta.db_table, self.columns, rows)
        insert_rows(
            Activity._meta.db_table,
            ["id", "structure_id", "sector_id", "service_types", "description", "is_national"],
            activity_rows,
        )
        insert_rows(
            Activity.perimeters.through._meta.db_table, ["id", "activity_id", "perimeter_id"], link_rows
        )
        reset_sequence(Structure, Activity, Activity.perimeters.through)
        if self.status == Structure.Status.TO_REVIEW:
            SourceRecord.objects.bulk_create(
                [
                    SourceRecord(
                        structure_id=first + offset,
                        source=candidate.source,
                        source_id=candidate.source_id,
                        record=json.loads(json.dumps(candidate.raw, default=str)),
                        link=source_link(candidate.raw),
                    )
                    for offset, (candidate, _cleaned) in enumerate(new)
                ],
                batch_size=500,
            )
        get_backend().index(range(first, first + len(new)))  # also clears rows left by deleted ids
        self.report.created += len(new)

    def _row(self, structure: Structure) -> tuple[Any, ...]:
        values = []
        for f in self.fields:
            value = getattr(structure, f.attname)
            if isinstance(f, JSONField):
                value = json_value(value)
            elif isinstance(f, FileField):
                value = value.name or ""
            elif f.attname in {"created_at", "updated_at"}:
                value = timestamp(value)
            values.append(value)
        return tuple(values)
