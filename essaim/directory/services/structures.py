"""Writes of the directory: structures, activities, moderation. Keyword-only, atomic, audited.

A structure's own edits (`source=None`) lock the field groups they touch; imports (`source="sirene"`…)
never overwrite a locked group, and record their provenance per group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation
from essaim.accounts.validators import clean_siren, clean_siret
from essaim.core.audit import log_action, save_changes
from essaim.directory import references
from essaim.directory.derived import DERIVED_FIELDS, ActivityFacts, derived_columns
from essaim.directory.errors import DirectoryError
from essaim.directory.models import Activity, Sector, Structure
from essaim.directory.search import get_backend
from essaim.territory.models import Commune, Perimeter, PerimeterCommune


@dataclass(frozen=True)
class ActivityInput:
    """An activity as given by a form or an import. `perimeters` holds perimeter codes or "national"."""

    sector: str
    service_types: tuple[str, ...] = ()
    perimeters: tuple[str, ...] = ()
    description: str = ""


@dataclass
class WriteResult:
    structure: Structure
    created: bool = False
    changed_groups: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.changed_groups)


SCALAR_FIELDS = (
    "name", "brand", "siret", "siren", "legal_form_code", "naf_code", "year_founded", "headcount",
    "insertion_headcount", "revenue_band", "address", "postal_code", "commune", "website", "email", "phone",
    "description", "offers", "client_references", "labels", "is_ressourcerie",
)  # fmt: skip
LIST_FIELDS = ("ess_families", "inclusion_kinds")

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Structure.Status.DRAFT: {
        Structure.Status.PUBLISHED,
        Structure.Status.TO_REVIEW,
        Structure.Status.DELISTED,
    },
    Structure.Status.TO_REVIEW: {
        Structure.Status.PUBLISHED,
        Structure.Status.DELISTED,
        Structure.Status.DRAFT,
    },
    Structure.Status.PUBLISHED: {Structure.Status.DELISTED, Structure.Status.TO_REVIEW},
    Structure.Status.DELISTED: {Structure.Status.PUBLISHED, Structure.Status.TO_REVIEW},
}


def _text(value: Any, max_length: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:max_length] if max_length else text


def clean_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the given fields (only those present). Messages in French, per field."""
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key in {"name", "brand"}:
            cleaned[key] = _text(value, 200)
            if key == "name" and not cleaned[key]:
                raise DirectoryError("Le nom de la structure est obligatoire.", field="name")
        elif key == "siret":
            try:
                cleaned[key] = clean_siret(_text(value)) if _text(value) else ""
            except ValidationError as exc:
                raise DirectoryError(exc.messages[0], field="siret") from exc
        elif key == "siren":
            try:
                cleaned[key] = clean_siren(_text(value)) if _text(value) else ""
            except ValidationError as exc:
                raise DirectoryError(exc.messages[0], field="siren") from exc
        elif key == "legal_form_code":
            code = _text(value)
            if code and (len(code) != 4 or not code.isdigit()):
                raise DirectoryError("La catégorie juridique est un code INSEE à 4 chiffres.", field=key)
            cleaned[key] = code
        elif key == "naf_code":
            cleaned[key] = _text(value, 6).upper()
        elif key in {"year_founded", "headcount", "insertion_headcount"}:
            cleaned[key] = _int_or_none(key, value)
        elif key == "revenue_band":
            band = _text(value)
            if band not in Structure.RevenueBand.values:
                raise DirectoryError("Tranche de chiffre d'affaires inconnue.", field=key)
            cleaned[key] = band
        elif key == "website":
            url = _text(value, 200)
            if url and not url.startswith(("http://", "https://")):
                url = f"https://{url}"
            if url:
                try:
                    URLValidator()(url)
                except ValidationError as exc:
                    raise DirectoryError("Adresse de site web invalide.", field="website") from exc
            cleaned[key] = url
        elif key == "email":
            email = _text(value, 254).lower()
            if email:
                try:
                    EmailValidator()(email)
                except ValidationError as exc:
                    raise DirectoryError("Adresse électronique invalide.", field="email") from exc
            cleaned[key] = email
        elif key == "phone":
            cleaned[key] = _text(value, 30)
        elif key == "postal_code":
            cleaned[key] = _text(value, 5)
        elif key == "commune":
            cleaned[key] = _commune(value)
        elif key == "is_ressourcerie":
            cleaned[key] = bool(value)
        elif key in {"address"}:
            cleaned[key] = _text(value, 250)
        elif key in {"description", "offers", "client_references"}:
            cleaned[key] = _text(value, 10_000)
        elif key == "labels":
            cleaned[key] = _text(value, 500)
        elif key == "ess_families":
            cleaned[key] = _codes(value, references.ESS_FAMILIES, "famille de l'ESS", key)
        elif key == "inclusion_kinds":
            cleaned[key] = _codes(value, references.INCLUSION_KINDS, "type de structure inclusive", key)
        else:
            raise DirectoryError(f"Champ inconnu : {key}.")
    if cleaned.get("siret") and not cleaned.get("siren"):
        cleaned["siren"] = cleaned["siret"][:9]
    return cleaned


def _int_or_none(key: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DirectoryError("Saisissez un nombre entier.", field=key) from exc
    if number < 0:
        raise DirectoryError("Saisissez un nombre positif.", field=key)
    if key == "year_founded" and not 1800 <= number <= timezone.now().year:
        raise DirectoryError("Année de création invraisemblable.", field=key)
    return number


def _commune(value: Any) -> Commune | None:
    if value in (None, ""):
        return None
    if isinstance(value, Commune):
        return value
    commune = Commune.objects.filter(pk=str(value).strip()).first()
    if commune is None:
        raise DirectoryError(f"Commune inconnue (code INSEE {value}).", field="commune")
    return commune


def _codes(value: Iterable[str], reference: dict[str, str], what: str, key: str) -> list[str]:
    codes = []
    for code in value or ():
        if code not in reference:
            raise DirectoryError(f"Valeur inconnue pour {what} : {code}.", field=key)
        codes.append(code)
    return sorted(set(codes), key=list(reference).index)


def current_value(structure: Structure, key: str) -> Any:
    if key == "ess_families":
        return structure.ess_families
    if key == "inclusion_kinds":
        return structure.inclusion_kinds
    if key == "commune":
        return structure.commune_id
    return getattr(structure, key)


def model_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned fields as the model's attributes: codes become bit masks, a commune its code."""
    values: dict[str, Any] = {}
    for key, value in cleaned.items():
        if key == "ess_families":
            values["ess_families_mask"] = references.mask_of(value, references.ESS_FAMILIES)
        elif key == "inclusion_kinds":
            values["inclusion_kinds_mask"] = references.mask_of(value, references.INCLUSION_KINDS)
        elif key == "commune":
            values["commune"] = value  # the object: its name is read when the derived columns are computed
        else:
            values[key] = value
    return values


def assign_field(structure: Structure, key: str, value: Any) -> None:
    """Set one cleaned field on a structure being created (updates go through `save_changes`)."""
    for name, model_value in model_values({key: value}).items():
        setattr(structure, name, model_value)


def comparable(key: str, value: Any) -> Any:
    return getattr(value, "pk", value) if key == "commune" else value


def _resolve_activities(
    activities: Iterable[ActivityInput],
) -> list[tuple[ActivityInput, Sector, list[Perimeter], bool]]:
    resolved = []
    sectors = {s.slug: s for s in Sector.objects.all()}
    for item in activities:
        sector = sectors.get(item.sector)
        if sector is None:
            raise DirectoryError(f"Secteur inconnu : {item.sector}.", field="activities")
        unknown_types = set(item.service_types) - set(references.SERVICE_TYPES)
        if unknown_types:
            raise DirectoryError(
                f"Type de prestation inconnu : {', '.join(sorted(unknown_types))}.", field="activities"
            )
        codes = [code for code in item.perimeters if code != "national"]
        perimeters = list(Perimeter.objects.filter(code__in=codes))
        missing = set(codes) - {p.code for p in perimeters}
        if missing:
            raise DirectoryError(f"Périmètre inconnu : {', '.join(sorted(missing))}.", field="activities")
        resolved.append((item, sector, perimeters, "national" in item.perimeters))
    return resolved


def activity_signature(structure: Structure) -> list[tuple[str, tuple[str, ...], tuple[str, ...], str]]:
    rows = []
    for activity in structure.activities.select_related("sector").prefetch_related("perimeters"):
        codes = sorted(p.code for p in activity.perimeters.all()) + (
            ["national"] if activity.is_national else []
        )
        rows.append((activity.sector.slug, tuple(activity.service_types), tuple(codes), activity.description))
    return sorted(rows)


def input_signature(
    activities: Iterable[ActivityInput],
) -> list[tuple[str, tuple[str, ...], tuple[str, ...], str]]:
    return sorted(
        (a.sector, tuple(a.service_types), tuple(sorted(set(a.perimeters))), a.description[:300])
        for a in activities
    )


def _write_activities(structure: Structure, activities: list[ActivityInput]) -> None:
    resolved = _resolve_activities(activities)
    structure.activities.all().delete()
    for item, sector, perimeters, national in resolved:
        activity = Activity.objects.create(
            structure=structure,
            sector=sector,
            service_types=list(dict.fromkeys(item.service_types)),
            description=item.description[:300],
            is_national=national,
        )
        if perimeters:
            activity.perimeters.set(perimeters)


def structure_refresh_derived(structure: Structure) -> None:
    """Recompute masks, reserved-contract eligibility and search documents, save them, reindex."""
    activities = [
        ActivityFacts(
            sector=a.sector,
            description=a.description,
            is_national=a.is_national,
            perimeter_ids=tuple(p.pk for p in a.perimeters.all()),
        )
        for a in structure.activities.select_related("sector", "sector__parent").prefetch_related(
            "perimeters"
        )
    ]
    located = (
        list(
            PerimeterCommune.objects.filter(commune_id=structure.commune_id).values_list(
                "perimeter_id", flat=True
            )
        )
        if structure.commune_id
        else []
    )
    commune_name = structure.commune.name if structure.commune_id and structure.commune else ""
    for name, value in derived_columns(structure, activities, located, commune_name).items():
        setattr(structure, name, value)
    structure.save(update_fields=[*DERIVED_FIELDS, "updated_at"])
    get_backend().index([structure.pk])


def _check_siret_free(siret: str, exclude_pk: int | None = None) -> None:
    if not siret:
        return
    others = Structure.objects.filter(siret=siret)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DirectoryError("Une structure avec ce SIRET existe déjà dans l'annuaire.", field="siret")


def provenance_entry(source: str, source_id: str, seen: str) -> dict[str, str]:
    return {"source": source, "source_id": source_id, "last_seen": seen}


@transaction.atomic
def structure_create(
    *,
    actor: Actor,
    data: dict[str, Any],
    activities: list[ActivityInput] | None = None,
    organisation: Organisation | None = None,
    status: str = Structure.Status.DRAFT,
    source: str = "",
    source_id: str = "",
    seen: str | None = None,
) -> Structure:
    if status not in Structure.Status.values:
        raise DirectoryError("État inconnu.")
    cleaned = clean_data(data)
    if not cleaned.get("name"):
        raise DirectoryError("Le nom de la structure est obligatoire.", field="name")
    _check_siret_free(cleaned.get("siret", ""))
    structure = Structure(organisation=organisation, status=status, source=source, source_id=source_id)
    for key, value in cleaned.items():
        assign_field(structure, key, value)
    if source:
        day = seen or timezone.localdate().isoformat()
        groups = {structure.group_of(key) for key in cleaned} | ({"activities"} if activities else set())
        structure.provenance = {
            g: provenance_entry(source, source_id, day) for g in sorted(g for g in groups if g)
        }
    structure.save()
    if activities:
        _write_activities(structure, activities)
    structure_refresh_derived(structure)
    log_action(
        actor=actor,
        action="structure.created",
        target=structure,
        organisation_id=organisation.pk if organisation else None,
        data={"source": source} if source else {},
    )
    return structure


@transaction.atomic
def structure_update(
    *,
    actor: Actor,
    structure: Structure,
    data: dict[str, Any],
    activities: list[ActivityInput] | None = None,
    source: str | None = None,
    source_id: str = "",
    seen: str | None = None,
) -> WriteResult:
    """Change the given fields. `source=None` is the structure's own edit: it locks the groups it changes.

    With a `source` (an import), fields of locked groups are ignored and provenance is recorded.
    """
    locked = set(structure.locked_groups)
    if source is not None:
        data = {k: v for k, v in data.items() if structure.group_of(k) not in locked}
        if "activities" in locked:
            activities = None
    cleaned = clean_data(data)
    if "siret" in cleaned:
        _check_siret_free(cleaned["siret"], exclude_pk=structure.pk)
    changed = [
        k for k, v in cleaned.items() if comparable(k, current_value(structure, k)) != comparable(k, v)
    ]
    changed_groups = {structure.group_of(key) or key for key in changed}
    values = model_values({key: cleaned[key] for key in changed})
    also_changed = []
    if activities is not None and activity_signature(structure) != input_signature(activities):
        _write_activities(structure, activities)
        changed_groups.add("activities")
        also_changed.append("activities")
    touched = {structure.group_of(k) for k in cleaned} | ({"activities"} if activities is not None else set())
    if source is None:
        new_locked = sorted(locked | changed_groups)
        if new_locked != structure.locked_groups:
            values["locked_groups"] = new_locked
    else:
        day = seen or timezone.localdate().isoformat()
        provenance = dict(structure.provenance)
        for group in touched:
            if group and provenance.get(group) != provenance_entry(source, source_id, day):
                provenance[group] = provenance_entry(source, source_id, day)
        if provenance != structure.provenance:
            structure.provenance = provenance
            # Seeing the same data again is not a change worth reporting, but it is recorded.
            Structure.objects.filter(pk=structure.pk).update(provenance=provenance)
    if not changed_groups:
        return WriteResult(structure=structure)
    save_changes(
        structure,
        values,
        actor=actor,
        action="structure.updated",
        organisation_id=structure.organisation_id,
        also_changed=also_changed,
        data={"groups": sorted(changed_groups), "source": source or "own"},
    )
    structure_refresh_derived(structure)
    return WriteResult(structure=structure, changed_groups=changed_groups)


@transaction.atomic
def structure_set_status(*, actor: Actor, structure: Structure, status: str) -> Structure:
    if status not in Structure.Status.values:
        raise DirectoryError("Passage impossible : état inconnu.")
    if status == structure.status:
        return structure
    if status not in ALLOWED_TRANSITIONS.get(structure.status, set()):
        raise DirectoryError(
            f"Passage impossible de « {structure.get_status_display()} » à « {Structure.Status(status).label} »."
        )
    previous = structure.status
    structure.status = status
    structure.save(update_fields=["status", "updated_at"])
    structure_refresh_derived(structure)  # the status is a search tag
    log_action(
        actor=actor,
        action=f"structure.{status}",
        target=structure,
        organisation_id=structure.organisation_id,
        data={"from": previous},
    )
    return structure


def structure_publish(*, actor: Actor, structure: Structure) -> Structure:
    return structure_set_status(actor=actor, structure=structure, status=Structure.Status.PUBLISHED)


def structure_delist(*, actor: Actor, structure: Structure) -> Structure:
    return structure_set_status(actor=actor, structure=structure, status=Structure.Status.DELISTED)
