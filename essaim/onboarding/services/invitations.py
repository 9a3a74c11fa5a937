"""The facilitators' invitations: an organisation and a person, one by one or from a table (name, SIRET,
kind, email).

Idempotent: inviting again an address that already has a pending invitation to the same organisation sends
nothing (say so: "déjà invitée"), and a member is never invited. The organisation is found by its SIRET
(`directory.services.organisation_for_siret`, the one way), else by its exact name and kind, else created;
a supplier's directory structure of that SIRET is attached to it, so that the person who accepts manages
its profile. The first person invited to an organisation without administrator becomes its administrator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from unidecode import unidecode

from essaim.accounts.models import Invitation, Membership, Organisation, User
from essaim.accounts.services import invitation_create, organisation_create
from essaim.core.audit import log_action
from essaim.core.errors import DomainError
from essaim.core.french import lowercase_start
from essaim.core.spreadsheets import Limits, read_table
from essaim.directory.models import Structure
from essaim.directory.services import organisation_for_siret
from essaim.onboarding.errors import OnboardingError

from .join_requests import has_admin

SENT, ALREADY_INVITED, ALREADY_MEMBER, REJECTED = "sent", "already_invited", "already_member", "rejected"
OUTCOME_LABELS = {
    SENT: "Invitation envoyée",
    ALREADY_INVITED: "Déjà invitée : rien n'est renvoyé",
    ALREADY_MEMBER: "Déjà membre",
    REJECTED: "Refusée",
}
LIMITS = Limits(max_rows=1000, max_read_rows=5000, max_columns=20, what="tableau d'invitations")
# Accepted spellings of the kind column (lower case, without accents).
KIND_WORDS = {
    "acheteur": Organisation.Kind.BUYER,
    "acheteur public": Organisation.Kind.BUYER,
    "buyer": Organisation.Kind.BUYER,
    "structure": Organisation.Kind.SUPPLIER,
    "structure de l'ess": Organisation.Kind.SUPPLIER,
    "ess": Organisation.Kind.SUPPLIER,
    "fournisseur": Organisation.Kind.SUPPLIER,
    "supplier": Organisation.Kind.SUPPLIER,
    "partenaire": Organisation.Kind.PARTNER,
    "partenaire d'accompagnement": Organisation.Kind.PARTNER,
    "partner": Organisation.Kind.PARTNER,
}
COLUMNS = {
    "name": ("nom", "name", "organisation", "raison sociale"),
    "siret": ("siret",),
    "kind": ("type", "kind", "nature"),
    "email": ("email", "e-mail", "courriel", "adresse electronique", "adresse"),
}


def _folded(text: str) -> str:
    return " ".join(unidecode(text).lower().replace("’", "'").split())


@dataclass(frozen=True)
class InviteOutcome:
    status: str
    organisation: Organisation | None
    email: str

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.status]


def kind_from_text(text: str) -> str:
    folded = _folded(text)
    if folded in Organisation.Kind.values:
        return folded
    kind = KIND_WORDS.get(folded)
    if kind is None:
        raise OnboardingError(
            f"Type « {text} » inconnu : écrivez acheteur, structure ou partenaire.", field="kind"
        )
    return kind


def _organisation(*, actor: User, name: str, siret: str, kind: str, buyer_category: str) -> Organisation:
    if siret:
        try:
            organisation = organisation_for_siret(actor=actor, siret=siret, kind=kind, name=name)
        except DomainError as error:
            raise OnboardingError(error.message, field="siret") from error
        if organisation.kind != kind:
            raise OnboardingError(
                f"Ce SIRET est celui de « {organisation.name} » ({lowercase_start(organisation.get_kind_display())}).",
                field="kind",
            )
        if kind == Organisation.Kind.SUPPLIER:
            attached = Structure.objects.filter(siret=organisation.siret, organisation__isnull=True)
            for structure in attached:
                structure.organisation = organisation
                structure.save(update_fields=["organisation", "updated_at"])
                log_action(
                    actor=actor, action="structure.organisation_attached", target=structure,
                    organisation_id=organisation.pk,
                )  # fmt: skip
        return organisation
    if not name:
        raise OnboardingError("Indiquez le nom de l'organisation.", field="name")
    same_name = list(Organisation.objects.filter(name__iexact=name, kind=kind)[:2])
    if len(same_name) > 1:
        raise OnboardingError(
            f"Plusieurs organisations s'appellent « {name} » : précisez le SIRET.", field="siret"
        )
    if same_name:
        return same_name[0]
    if kind == Organisation.Kind.BUYER and not buyer_category:
        buyer_category = Organisation.BuyerCategory.OTHER
    return organisation_create(actor=actor, kind=kind, name=name, buyer_category=buyer_category)


@transaction.atomic
def organisation_invite(
    *, actor: User, name: str, siret: str, kind: str, email: str, buyer_category: str = ""
) -> InviteOutcome:
    """Invite `email` to the organisation (found or created); see the module for idempotency."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise OnboardingError("Adresse électronique invalide.", field="email") from exc
    if kind not in Organisation.Kind.values:
        raise OnboardingError("Type d'organisation inconnu.", field="kind")
    organisation = _organisation(
        actor=actor, name=name.strip(), siret=siret.strip(), kind=kind, buyer_category=buyer_category
    )
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        return InviteOutcome(ALREADY_MEMBER, organisation, email)
    pending = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        return InviteOutcome(ALREADY_INVITED, organisation, email)
    role = Membership.Role.MEMBER if has_admin(organisation) else Membership.Role.ADMIN
    invitation_create(actor=actor, organisation=organisation, email=email, role=role)
    return InviteOutcome(SENT, organisation, email)


@dataclass
class ImportRow:
    line: int
    cells: list[str]
    status: str
    message: str = ""


@dataclass
class ImportReport:
    header: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == REJECTED]


def _columns(header: list[str]) -> dict[str, int]:
    folded = [_folded(cell) for cell in header]
    found: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for index, cell in enumerate(folded):
            if cell in names and key not in found:
                found[key] = index
    missing = [COLUMNS[key][0] for key in ("name", "kind", "email") if key not in found]
    if missing:
        raise OnboardingError(
            "Colonnes manquantes : " + ", ".join(missing) + ". La première ligne doit nommer les colonnes "
            "nom, SIRET, type, email.",
            field="file",
        )
    return found


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _rows(filename: str, raw: bytes) -> Iterator[tuple[int, list[str]]]:
    return read_table(filename, raw, LIMITS, error=OnboardingError)


def invitations_import(*, actor: User, filename: str, raw: bytes) -> ImportReport:
    """Invite each row of a CSV or XLSX table; each row in its own transaction, reported with its reason."""
    report = ImportReport()
    columns: dict[str, int] | None = None
    for line, cells in _rows(filename, raw):
        if columns is None:
            columns = _columns(cells)
            report.header = cells
            continue

        try:
            outcome = organisation_invite(
                actor=actor,
                name=_cell(cells, columns, "name"),
                siret=_cell(cells, columns, "siret"),
                kind=kind_from_text(_cell(cells, columns, "kind")),
                email=_cell(cells, columns, "email"),
            )
        except DomainError as error:
            report.rows.append(ImportRow(line, cells, REJECTED, error.message))
        else:
            report.rows.append(ImportRow(line, cells, outcome.status, outcome.label))
    if columns is None:
        raise OnboardingError("Le fichier est vide.", field="file")
    log_action(
        actor=actor,
        action="invitations.imported",
        data={"file": filename[:200], **{status: report.count(status) for status in OUTCOME_LABELS}},
    )
    return report
