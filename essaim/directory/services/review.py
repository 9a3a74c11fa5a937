"""Facilitators' decisions on what imports bring and what people report (the review queue's directory kinds,
`directory/review.py`): publish or set aside a structure an import left "à vérifier"; report a profile,
then delist it or dismiss the report. Keyword-only, atomic, audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.accounts.models import User
from essaim.core.audit import log_action
from essaim.core.home import waiting_changed
from essaim.directory.errors import DirectoryError
from essaim.directory.models import ProfileReport, Structure

from .claims import PROPOSAL_SOURCE
from .structures import structure_set_status

#: The sources whose new structures wait for review ("csv" only with `--review`).
IMPORT_SOURCES = ("csv", "sirene", "data-inclusion", "gogocarto")


def imported_awaiting_review() -> QuerySet[Structure]:
    """The structures imports left "à vérifier" (people's proposals wait with their claim instead)."""
    return Structure.objects.filter(status=Structure.Status.TO_REVIEW, source__in=IMPORT_SOURCES)


def _awaiting(structure: Structure) -> None:
    if structure.status != Structure.Status.TO_REVIEW or structure.source == PROPOSAL_SOURCE:
        raise DirectoryError("Cette structure n'attend plus de vérification.")


@transaction.atomic
def imported_structure_approve(*, actor: Actor, structure: Structure) -> Structure:
    """Publish a structure an import left "à vérifier": it enters search, matching, the API and exports."""
    _awaiting(structure)
    structure_set_status(actor=actor, structure=structure, status=Structure.Status.PUBLISHED)
    waiting_changed(facilitators=True)
    return structure


@transaction.atomic
def imported_structure_reject(*, actor: Actor, structure: Structure, reason: str = "") -> Structure:
    """Set aside a structure an import proposed: delisted (later imports update it but never publish it)."""
    _awaiting(structure)
    structure_set_status(actor=actor, structure=structure, status=Structure.Status.DELISTED)
    if reason:
        log_action(actor=actor, action="structure.import_rejected", target=structure, data={"reason": reason})
    waiting_changed(facilitators=True)
    return structure


@transaction.atomic
def profile_report(*, user: User, structure: Structure, reason: str, message: str = "") -> ProfileReport:
    """A logged-in person reports a published profile; one pending report per person and profile."""
    if structure.status != Structure.Status.PUBLISHED:
        raise DirectoryError("Seule une fiche publiée peut être signalée.")
    if reason not in ProfileReport.Reason.values:
        raise DirectoryError("Choisissez le motif du signalement.", field="reason")
    if (
        structure.organisation_id is not None
        and user.memberships.filter(organisation_id=structure.organisation_id).exists()
    ):
        raise DirectoryError("Vous gérez cette fiche : modifiez-la plutôt que de la signaler.")
    try:
        with transaction.atomic():
            report = ProfileReport.objects.create(
                structure=structure, user=user, reason=reason, message=message.strip()[:2000]
            )
    except IntegrityError as error:
        raise DirectoryError(
            "Vous avez déjà signalé cette fiche : l'équipe du territoire l'examine.", field="reason"
        ) from error
    log_action(actor=user, action="structure.reported", target=structure, data={"report": report.pk})
    waiting_changed(facilitators=True)
    return report


def _decide(report: ProfileReport, *, actor: Actor, status: str) -> None:
    if report.status != ProfileReport.Status.PENDING:
        raise DirectoryError("Ce signalement a déjà été traité.")
    report.status = status
    report.decided_by = actor if isinstance(actor, User) else None
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    waiting_changed(facilitators=True)


@transaction.atomic
def profile_report_uphold(*, actor: Actor, report: ProfileReport) -> ProfileReport:
    """The report is right: the profile is delisted (its managers can ask the team to publish it again);
    the other pending reports of the same profile are closed with it."""
    _decide(report, actor=actor, status=ProfileReport.Status.APPROVED)
    structure = report.structure
    if structure.status == Structure.Status.PUBLISHED:
        structure_set_status(actor=actor, structure=structure, status=Structure.Status.DELISTED)
    ProfileReport.objects.filter(structure=structure, status=ProfileReport.Status.PENDING).update(
        status=ProfileReport.Status.APPROVED,
        decided_by=report.decided_by,
        decided_at=report.decided_at,
        updated_at=report.decided_at,
    )
    log_action(actor=actor, action="structure.report_upheld", target=structure, data={"report": report.pk})
    return report


@transaction.atomic
def profile_report_dismiss(*, actor: Actor, report: ProfileReport, reason: str = "") -> ProfileReport:
    """The report is set aside; the profile stays as it is."""
    _decide(report, actor=actor, status=ProfileReport.Status.REJECTED)
    log_action(
        actor=actor,
        action="structure.report_dismissed",
        target=report.structure,
        data={"report": report.pk, "reason": reason},
    )
    return report
