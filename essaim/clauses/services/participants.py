"""Participants: pseudonymous tracking data, their identity kept apart (every read logged), eligibility
validated by a facilitator, missions on contracts and the pathways after them.

The audit log names participants by their reference only and records which fields changed, never their
values: nothing identifying, no eligibility category (RQTH is health data) goes there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes

from ..errors import ClauseError
from ..models import (
    Contract,
    Eligibility,
    IdentityRead,
    Mission,
    Modality,
    Participant,
    ParticipantIdentity,
    Prescriber,
    Sex,
    Situation,
)

REFERENCE_PATTERN = re.compile(r"^P-(\d{1,8})$")
OLDEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class ProfileData:
    """The pseudonymous tracking data of a participant."""

    sex: str = ""
    birth_year: int | None = None
    qpv: bool | None = None
    prescriber: str = ""
    prescriber_name: str = ""


@dataclass(frozen=True)
class IdentityData:
    first_name: str
    last_name: str
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    address: str = ""


def _check_profile(data: ProfileData) -> None:
    if data.sex not in ("", *Sex.values):
        raise ClauseError("Sexe : F, M ou non renseigné.", field="sex")
    this_year = timezone.localdate().year
    if data.birth_year is not None and not OLDEST_BIRTH_YEAR <= data.birth_year <= this_year:
        raise ClauseError(f"Année de naissance entre {OLDEST_BIRTH_YEAR} et {this_year}.", field="birth_year")
    if data.prescriber not in ("", *Prescriber.values):
        raise ClauseError("Prescripteur inconnu.", field="prescriber")


def _check_identity(data: IdentityData) -> None:
    if not data.first_name.strip():
        raise ClauseError("Indiquez le prénom.", field="first_name")
    if not data.last_name.strip():
        raise ClauseError("Indiquez le nom.", field="last_name")
    if data.birth_date is not None and data.birth_date > timezone.localdate():
        raise ClauseError("La date de naissance ne peut pas être dans le futur.", field="birth_date")


def next_reference() -> str:
    """The next free pseudonymous reference: P-0001, P-0002, … (after the highest one in use)."""
    numbers = [
        int(match.group(1))
        for reference in Participant.objects.filter(reference__startswith="P-").values_list(
            "reference", flat=True
        )
        if (match := REFERENCE_PATTERN.match(reference))
    ]
    return f"P-{max(numbers, default=0) + 1:04d}"


def check_reference(reference: str) -> str:
    reference = reference.strip()
    if not reference or len(reference) > 20 or not re.fullmatch(r"[A-Za-z0-9_.-]+", reference):
        raise ClauseError(
            "Référence de participant invalide : lettres, chiffres, tirets (20 caractères au plus), "
            "sans nom ni prénom.",
            field="reference",
        )
    return reference


@transaction.atomic
def participant_create(
    *,
    actor: Actor,
    profile: ProfileData,
    identity: IdentityData | None = None,
    reference: str = "",
) -> Participant:
    """A new participant, with the next free reference unless one is given (imports keep theirs)."""
    _check_profile(profile)
    if identity is not None:
        _check_identity(identity)
    if reference:
        reference = check_reference(reference)
        if Participant.objects.filter(reference=reference).exists():
            raise ClauseError(f"La référence {reference} est déjà prise.", field="reference")
    participant = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    reference=reference or next_reference(),
                    sex=profile.sex,
                    birth_year=profile.birth_year,
                    qpv=profile.qpv,
                    prescriber=profile.prescriber,
                    prescriber_name=profile.prescriber_name.strip(),
                )
            break
        except IntegrityError:
            if reference:
                raise ClauseError(f"La référence {reference} est déjà prise.", field="reference") from None
    if participant is None:
        raise ClauseError("Impossible d'attribuer une référence : réessayez.")
    if identity is not None:
        ParticipantIdentity.objects.create(participant=participant, **_identity_values(identity))
    log_action(actor=actor, action="clauses.participant.created", target=participant)
    return participant


def _identity_values(data: IdentityData) -> dict[str, Any]:
    return {
        "first_name": data.first_name.strip(),
        "last_name": data.last_name.strip(),
        "birth_date": data.birth_date,
        "email": data.email.strip(),
        "phone": data.phone.strip(),
        "address": data.address.strip(),
    }


@transaction.atomic
def participant_update(*, actor: Actor, participant: Participant, profile: ProfileData) -> list[str]:
    _check_profile(profile)
    values = {
        "sex": profile.sex,
        "birth_year": profile.birth_year,
        "qpv": profile.qpv,
        "prescriber": profile.prescriber,
        "prescriber_name": profile.prescriber_name.strip(),
    }
    return save_changes(participant, values, actor=actor, action="clauses.participant.updated")


@transaction.atomic
def identity_save(*, actor: Actor, participant: Participant, data: IdentityData) -> ParticipantIdentity:
    """Record or change who a participant is (the audit log keeps the names of the changed fields only)."""
    if participant.identity_removed_at is not None:
        raise ClauseError("L'identité de ce participant a été effacée : elle ne peut plus être saisie.")
    _check_identity(data)
    identity = ParticipantIdentity.objects.filter(participant=participant).first()
    if identity is None:
        identity = ParticipantIdentity.objects.create(participant=participant, **_identity_values(data))
        log_action(actor=actor, action="clauses.identity.created", target=participant)
    else:
        save_changes(identity, _identity_values(data), actor=actor, action="clauses.identity.updated")
    return identity


@transaction.atomic
def eligibility_validate(
    *, actor: Actor, participant: Participant, eligibility: str, validated_on: date | None = None
) -> Participant:
    """A facilitator validates the participant's eligibility category (the date and the validator are kept)."""
    if eligibility not in Eligibility.values:
        raise ClauseError("Catégorie d'éligibilité inconnue.", field="eligibility")
    participant.eligibility = eligibility
    participant.eligibility_validated_on = validated_on or timezone.localdate()
    participant.eligibility_validated_by = acting_user(actor)
    participant.save(
        update_fields=["eligibility", "eligibility_validated_on", "eligibility_validated_by", "updated_at"]
    )
    log_action(actor=actor, action="clauses.participant.eligibility_validated", target=participant)
    return participant


@transaction.atomic
def identity_read(
    *,
    reader: Any,
    participants: Iterable[Participant],
    page: str,
    fields: str = "identité",
    reader_label: str = "",
) -> dict[int, ParticipantIdentity]:
    """The identities of `participants`, each read recorded in the access log (who, when, which page).
    `reader` is the signed-in user, or None for a signed link (then `reader_label` says whose link)."""
    wanted = [p.pk for p in participants]
    identities = {i.participant_id: i for i in ParticipantIdentity.objects.filter(participant_id__in=wanted)}
    user = acting_user(reader)
    label = reader_label or (f"{user.get_full_name()} <{user.email}>" if user is not None else "inconnu")
    IdentityRead.objects.bulk_create(
        [
            IdentityRead(
                participant_id=pk, reader=user, reader_label=label[:200], page=page[:300], fields=fields[:200]
            )
            for pk in wanted
            if pk in identities
        ]
    )
    return identities


# --- missions and pathways ------------------------------------------------------------------------------


@transaction.atomic
def mission_create(
    *,
    actor: Actor,
    contract: Contract,
    participant: Participant,
    modality: str,
    employer: Organisation | None = None,
    started_on: date | None = None,
) -> Mission:
    if modality not in Modality.values:
        raise ClauseError("Modalité inconnue.", field="modality")
    if Mission.objects.filter(contract=contract, participant=participant).exists():
        raise ClauseError(f"{participant.reference} travaille déjà sur ce marché.", field="participant")
    if started_on is not None and not contract.start_date <= started_on <= contract.end_date:
        raise ClauseError("La mission commence pendant l'exécution du marché.", field="started_on")
    mission = Mission.objects.create(
        contract=contract,
        participant=participant,
        modality=modality,
        employer=employer,
        started_on=started_on,
    )
    log_action(
        actor=actor,
        action="clauses.mission.created",
        target=contract,
        data={"participant": participant.reference, "modality": modality},
    )
    return mission


@transaction.atomic
def mission_set_modality(*, actor: Actor, mission: Mission, modality: str) -> Mission:
    if modality not in Modality.values:
        raise ClauseError("Modalité inconnue.", field="modality")
    save_changes(mission, {"modality": modality}, actor=actor, action="clauses.mission.updated")
    return mission


@transaction.atomic
def pathway_record(
    *,
    actor: Actor,
    mission: Mission,
    exit_situation: str = "",
    ended_on: date | None = None,
    six_months_situation: str = "",
) -> Mission:
    """The situation at the end of the mission (with its end date) and, later, six months after it."""
    for value, field in ((exit_situation, "exit_situation"), (six_months_situation, "six_months_situation")):
        if value not in ("", *Situation.values):
            raise ClauseError("Situation inconnue.", field=field)
    if exit_situation and ended_on is None and mission.ended_on is None:
        raise ClauseError("Indiquez la date de fin de la mission.", field="ended_on")
    end = ended_on or mission.ended_on
    if end is not None and mission.started_on is not None and end < mission.started_on:
        raise ClauseError("La mission ne peut pas finir avant d'avoir commencé.", field="ended_on")
    if end is not None and end > timezone.localdate():
        raise ClauseError("La fin de la mission ne peut pas être dans le futur.", field="ended_on")
    if six_months_situation and not (exit_situation or mission.exit_situation):
        raise ClauseError(
            "Indiquez d'abord la situation à la sortie de la mission.", field="six_months_situation"
        )
    today = timezone.localdate()
    values: dict[str, Any] = {"ended_on": end}
    if exit_situation and exit_situation != mission.exit_situation:
        values.update(exit_situation=exit_situation, exit_recorded_on=today)
    if six_months_situation and six_months_situation != mission.six_months_situation:
        values.update(six_months_situation=six_months_situation, six_months_recorded_on=today)
    save_changes(mission, values, actor=actor, action="clauses.mission.pathway_recorded")
    return mission
