"""The directory's kinds of item in the facilitators' review queue (`essaim.core.review`), registered from
`DirectoryConfig.ready()`: requests to manage a structure's profile, and the structures proposed with them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from essaim.accounts.acting import Actor
from essaim.accounts.email_domains import email_domain, website_host
from essaim.accounts.models import Membership
from essaim.core.errors import NotFoundError
from essaim.core.french import lowercase_start
from essaim.core.review import Comparison, ReviewDetail, ReviewItem, ReviewKind

from . import services
from .models import ClaimRequest, ProfileReport, Structure
from .services import PROPOSAL_SOURCE


def _pending() -> Any:
    return ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING).select_related(
        "structure", "structure__commune", "user"
    )


def _is_proposal(claim: ClaimRequest) -> bool:
    return claim.structure.source == PROPOSAL_SOURCE and claim.structure.status == Structure.Status.TO_REVIEW


def _item(claim: ClaimRequest) -> ReviewItem:
    structure = claim.structure
    what = "Nouvelle structure proposée" if _is_proposal(claim) else "Gérer la fiche"
    summary = f"{what} · SIRET {structure.siret}" if structure.siret else what
    return ReviewItem(
        pk=claim.pk,
        title=structure.name,
        summary=summary,
        submitted_at=claim.created_at,
        submitted_by=claim.requester_label,
    )


def _similar(structure: Structure) -> Structure | None:
    """A structure of the directory that the proposed one may duplicate (same SIREN, else same name)."""
    others = Structure.objects.exclude(pk=structure.pk).exclude(status=Structure.Status.DELISTED)
    if structure.siren:
        same = others.filter(siren=structure.siren).first()
        if same is not None:
            return same
    return (
        others.filter(name_normalised=structure.name_normalised).first()
        if structure.name_normalised
        else None
    )


class ClaimReview(ReviewKind):
    slug = "rattachements"
    label = "Demandes de rattachement"
    description = (
        "Des personnes demandent à gérer la fiche d'une structure de l'annuaire, ou proposent une structure "
        "absente. Accepter donne la fiche à la personne (et publie une structure proposée)."
    )

    def count(self) -> int:
        return ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING).count()

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        claims = _pending().order_by("created_at", "pk")[offset : offset + limit]
        return [_item(claim) for claim in claims]

    def detail(self, pk: int) -> ReviewDetail | None:
        claim = _pending().filter(pk=pk).first()
        if claim is None:
            return None
        structure = claim.structure
        user = claim.user
        links = [("Voir la fiche de la structure", reverse("directory:profile", args=[structure.pk]))]
        if _is_proposal(claim):
            similar = _similar(structure)
            notes = ["Structure absente de l'annuaire, proposée par la personne : accepter la publie."]
            if similar is None:
                notes.append("Aucune structure de l'annuaire n'a le même SIREN ni le même nom.")
            else:
                notes.append(
                    "Une structure de l'annuaire lui ressemble : vérifiez qu'il ne s'agit pas d'un doublon."
                )
                links.append((f"Voir « {similar.name} »", reverse("directory:profile", args=[similar.pk])))
            rows = [
                Comparison("Nom", structure.name, similar.name if similar else ""),
                Comparison("SIRET", structure.siret, similar.siret if similar else ""),
                Comparison(
                    "Commune",
                    str(structure.commune or ""),
                    str(similar.commune or "") if similar else "",
                ),
                Comparison("Site web", structure.website, similar.website if similar else ""),
                Comparison("Présentation", structure.description, similar.description if similar else ""),
                Comparison("Demandeur", claim.requester_label),
                Comparison("Message", claim.message),
            ]
            return ReviewDetail(
                item=_item(claim),
                rows=rows,
                proposed_heading="Structure proposée",
                current_heading="Structure semblable dans l'annuaire",
                notes=notes,
                links=links,
            )
        managers = (
            Membership.objects.filter(organisation_id=structure.organisation_id)
            .select_related("user")
            .order_by("user__email")
            if structure.organisation_id
            else Membership.objects.none()
        )
        manager_list = ", ".join(
            f"{m.user.email} ({lowercase_start(m.get_role_display())})" for m in managers
        )
        notes = []
        if manager_list:
            notes.append(f"La fiche a déjà des gestionnaires : {manager_list}.")
        rows = [
            Comparison("Nom", user.full_name, ""),
            Comparison("Adresse électronique", user.email, structure.email),
            Comparison(
                "Domaine de l'adresse / du site", email_domain(user.email), website_host(structure.website)
            ),
            Comparison("Message", claim.message),
            Comparison("Gestionnaires actuels", "", manager_list or "aucun"),
        ]
        links.append(("Modifier la fiche", reverse("directory:edit", args=[structure.pk])))
        return ReviewDetail(
            item=_item(claim),
            rows=rows,
            proposed_heading="Demandeur",
            current_heading="Fiche de la structure",
            notes=notes,
            links=links,
        )

    def approve(self, *, actor: Actor, pk: int) -> str:
        claim = _pending().filter(pk=pk).first()
        if claim is None:
            raise NotFoundError()
        services.claim_approve(actor=actor, claim=claim)
        return f"{claim.user} gère désormais « {claim.structure.name} »"

    def reject(self, *, actor: Actor, pk: int, reason: str) -> str:
        claim = _pending().filter(pk=pk).first()
        if claim is None:
            raise NotFoundError()
        services.claim_reject(actor=actor, claim=claim, reason=reason)
        return f"demande de {claim.user} pour « {claim.structure.name} » refusée"


# --- Structures that imports left "à vérifier" ---------------------------------------------------------

SOURCE_LABELS = {
    "csv": "Import CSV",
    "sirene": "Import SIRENE",
    "data-inclusion": "Import data·inclusion",
    "gogocarto": "Import GoGoCarto",
}
# For each source, which record fields stand beside which profile field (the rest is listed after).
SOURCE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "data-inclusion": {
        "name": ("nom",),
        "siret": ("siret",),
        "commune": ("code_insee", "commune"),
        "address": ("adresse", "code_postal"),
        "website": ("site_web",),
        "email": ("courriel",),
        "phone": ("telephone",),
        "inclusion_kinds": ("reseaux_porteurs",),
        "description": ("description", "presentation_detail", "presentation_resume"),
    },
    "sirene": {
        "name": ("denominationUniteLegale", "denominationUsuelle1UniteLegale"),
        "siret": ("siret",),
        "commune": ("codeCommuneEtablissement",),
        "address": ("numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement"),
        "ess_families": ("categorieJuridiqueUniteLegale",),
        "sectors": ("activitePrincipaleUniteLegale",),
    },
    "gogocarto": {
        "name": ("name",),
        "address": ("address",),
        "website": ("website",),
        "email": ("email",),
        "phone": ("telephone",),
        "sectors": ("categories", "categoriesFull"),
        "description": ("description",),
    },
    "csv": {
        "name": ("name",),
        "siret": ("siret",),
        "commune": ("commune",),
        "website": ("website",),
        "email": ("email",),
        "phone": ("phone",),
        "inclusion_kinds": ("kinds",),
        "ess_families": ("ess_families",),
        "sectors": ("sectors",),
        "description": ("description",),
        "offers": ("offers",),
    },
}
PROFILE_ROWS = (
    ("name", "Nom"),
    ("siret", "SIRET"),
    ("commune", "Commune"),
    ("address", "Adresse"),
    ("website", "Site web"),
    ("email", "Adresse électronique"),
    ("phone", "Téléphone"),
    ("inclusion_kinds", "Structure inclusive"),
    ("ess_families", "Familles de l'ESS"),
    ("sectors", "Secteurs"),
    ("description", "Présentation"),
    ("offers", "Offre"),
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(
            str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value if v not in ("", None)
        )
    if isinstance(value, dict):
        return ", ".join(f"{k} : {v}" for k, v in value.items() if v not in ("", None))
    return str(value)


def _profile_value(structure: Structure, key: str) -> str:
    if key == "commune":
        return str(structure.commune or "")
    if key == "address":
        return " ".join(p for p in (structure.address, structure.postal_code) if p)
    if key == "inclusion_kinds":
        return ", ".join(structure.inclusion_kind_labels) + (
            " · ressourcerie" if structure.is_ressourcerie else ""
        )
    if key == "ess_families":
        return ", ".join(structure.ess_family_labels)
    if key == "sectors":
        return ", ".join(sorted({a.sector.name for a in structure.activities.all()}))
    return str(getattr(structure, key) or "")


def _imported() -> Any:
    return (
        services.imported_awaiting_review()
        .select_related("commune", "source_record")
        .prefetch_related("activities__sector")
    )


def _imported_item(structure: Structure) -> ReviewItem:
    record = getattr(structure, "source_record", None)
    parts = [f"SIRET {structure.siret}" if structure.siret else "", str(structure.commune or "")]
    return ReviewItem(
        pk=structure.pk,
        title=structure.name,
        summary=" · ".join(p for p in parts if p),
        submitted_at=record.imported_at if record else structure.created_at,
        submitted_by=SOURCE_LABELS.get(structure.source, structure.source),
    )


class ImportedStructureReview(ReviewKind):
    slug = "imports"
    label = "Structures importées à vérifier"
    description = (
        "Des imports (SIRENE, data·inclusion, GoGoCarto, CSV avec --review) proposent de nouvelles structures. "
        "Elles restent hors de la recherche, des suggestions, de l'API et des exports tant qu'elles ne sont "
        "pas publiées. Accepter publie la fiche ; refuser la retire (les imports suivants ne la publient pas)."
    )
    approve_label = "Publier"
    reject_label = "Écarter"

    def count(self) -> int:
        return services.imported_awaiting_review().count()

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        structures = _imported().order_by("created_at", "pk")[offset : offset + limit]
        return [_imported_item(s) for s in structures]

    def detail(self, pk: int) -> ReviewDetail | None:
        structure = _imported().filter(pk=pk).first()
        if structure is None:
            return None
        record_row = getattr(structure, "source_record", None)
        record = record_row.record if record_row else {}
        fields = SOURCE_FIELDS.get(structure.source, {})
        shown: set[str] = set()
        rows = []
        for key, label in PROFILE_ROWS:
            names = fields.get(key, ())
            shown.update(names)
            source_value = " ".join(_text(record.get(n)) for n in names if _text(record.get(n)))
            rows.append(Comparison(label, _profile_value(structure, key), source_value))
        for name, value in record.items():
            if name not in shown and _text(value):
                rows.append(Comparison(name, "", _text(value)))
        notes = [
            "À gauche, la fiche que l'import a préparée ; à droite, l'enregistrement tel que la source le publie."
        ]
        similar = _similar(structure)
        links = [
            ("Voir la fiche préparée", reverse("directory:profile", args=[structure.pk])),
            ("Modifier la fiche avant de la publier", reverse("directory:edit", args=[structure.pk])),
        ]
        if record_row and record_row.link:
            links.append(("Voir l'enregistrement chez le producteur", record_row.link))
        if similar is not None:
            notes.append(
                "Une structure de l'annuaire lui ressemble : vérifiez qu'il ne s'agit pas d'un doublon."
            )
            links.append((f"Voir « {similar.name} »", reverse("directory:profile", args=[similar.pk])))
        return ReviewDetail(
            item=_imported_item(structure),
            rows=rows,
            proposed_heading="Fiche préparée par l'import",
            current_heading=f"Enregistrement de la source ({SOURCE_LABELS.get(structure.source, structure.source)})",
            notes=notes,
            links=links,
        )

    def approve(self, *, actor: Actor, pk: int) -> str:
        structure = services.imported_awaiting_review().filter(pk=pk).first()
        if structure is None:
            raise NotFoundError()
        services.imported_structure_approve(actor=actor, structure=structure)
        return f"« {structure.name} » publiée"

    def reject(self, *, actor: Actor, pk: int, reason: str) -> str:
        structure = services.imported_awaiting_review().filter(pk=pk).first()
        if structure is None:
            raise NotFoundError()
        services.imported_structure_reject(actor=actor, structure=structure, reason=reason)
        return f"« {structure.name} » écartée"


# --- Reported profiles ------------------------------------------------------------------------------------


def _reports() -> Any:
    return ProfileReport.objects.filter(status=ProfileReport.Status.PENDING).select_related(
        "structure", "structure__commune", "user"
    )


def _report_item(report: ProfileReport) -> ReviewItem:
    return ReviewItem(
        pk=report.pk,
        title=report.structure.name,
        summary=report.get_reason_display(),
        submitted_at=report.created_at,
        submitted_by=report.requester_label,
    )


class ProfileReportReview(ReviewKind):
    slug = "signalements"
    label = "Fiches signalées"
    description = (
        "Des personnes connectées signalent une fiche de l'annuaire (inexacte, hors ESS, fermée, doublon, "
        "contenu inapproprié). Retirer la fiche la sort de l'annuaire ; classer sans suite la laisse telle quelle."
    )
    approve_label = "Retirer la fiche"
    reject_label = "Classer sans suite"

    def count(self) -> int:
        return ProfileReport.objects.filter(status=ProfileReport.Status.PENDING).count()

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        return [_report_item(r) for r in _reports().order_by("created_at", "pk")[offset : offset + limit]]

    def detail(self, pk: int) -> ReviewDetail | None:
        report = _reports().filter(pk=pk).first()
        if report is None:
            return None
        structure = report.structure
        others = ProfileReport.objects.filter(
            structure=structure, status=ProfileReport.Status.PENDING
        ).exclude(pk=report.pk)
        notes = []
        if others.exists():
            notes.append(f"D'autres signalements attendent pour cette fiche : {others.count()}.")
        rows = [
            Comparison("Motif", report.get_reason_display()),
            Comparison("Précisions", report.message),
            Comparison("Nom", "", structure.name),
            Comparison("SIRET", "", structure.siret),
            Comparison("Commune", "", str(structure.commune or "")),
            Comparison("Site web", "", structure.website),
            Comparison("Présentation", "", structure.description),
        ]
        return ReviewDetail(
            item=_report_item(report),
            rows=rows,
            proposed_heading="Signalement",
            current_heading="Fiche de la structure",
            notes=notes,
            links=[
                ("Voir la fiche", reverse("directory:profile", args=[structure.pk])),
                ("Modifier la fiche", reverse("directory:edit", args=[structure.pk])),
            ],
        )

    def approve(self, *, actor: Actor, pk: int) -> str:
        report = _reports().filter(pk=pk).first()
        if report is None:
            raise NotFoundError()
        services.profile_report_uphold(actor=actor, report=report)
        return f"fiche « {report.structure.name} » retirée"

    def reject(self, *, actor: Actor, pk: int, reason: str) -> str:
        report = _reports().filter(pk=pk).first()
        if report is None:
            raise NotFoundError()
        services.profile_report_dismiss(actor=actor, report=report, reason=reason)
        return f"signalement de « {report.structure.name} » classé sans suite"
