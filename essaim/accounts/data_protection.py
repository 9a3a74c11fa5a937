"""What the accounts app holds about a person (see essaim.core.personal_data): the account, memberships,
invitations and API tokens; what goes when the account is deleted; who cannot leave yet; how long
invitations are kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.urls import reverse

from essaim.core import personal_data
from essaim.core.personal_data import Former, Obstacle, Person, Processing, Row

from .models import ApiToken, Invitation, Membership, User

LAST_ADMIN = (
    "Vous êtes le seul administrateur de « {organisation} » : nommez un autre membre administrateur "
    "avant de supprimer votre compte."
)
ONLY_MEMBER = (
    "Vous êtes le seul membre de « {organisation} » : invitez une autre personne et nommez-la "
    "administratrice, ou demandez à l'équipe du territoire de fermer l'organisation."
)
LAST_SUPERUSER = (
    "Vous êtes le seul administrateur technique de la plateforme : donnez ce rôle à une autre personne "
    "avant de supprimer votre compte."
)


@personal_data.export("accounts.account", "Compte")
def account(person: Person) -> list[Row]:
    return [
        {
            "adresse_electronique": person.email,
            "nom_complet": person.full_name,
            "inscrit_le": person.date_joined,
            "derniere_connexion": person.last_login,
            "actif": person.is_active,
        }
    ]


@personal_data.export("accounts.memberships", "Organisations et rôles", covers=["accounts.Membership.user"])
def memberships(person: Person) -> list[Row]:
    return [
        {
            "organisation": m.organisation.name,
            "type": m.organisation.get_kind_display(),
            "role": m.get_role_display(),
            "depuis": m.created_at,
        }
        for m in Membership.objects.filter(user=person).select_related("organisation").order_by("created_at")
    ]


def _invitation_row(invitation: Invitation) -> Row:
    return {
        "organisation": invitation.organisation.name,
        "adresse_invitee": invitation.email,
        "role": invitation.get_role_display(),
        "envoyee_le": invitation.created_at,
        "expire_le": invitation.expires_at,
        "acceptee_le": invitation.accepted_at,
        "annulee_le": invitation.revoked_at,
    }


@personal_data.export(
    "accounts.invitations_received", "Invitations reçues", covers=["accounts.Invitation.email"]
)
def invitations_received(person: Person) -> list[Row]:
    found = Invitation.objects.filter(email__iexact=person.email).select_related("organisation")
    return [_invitation_row(invitation) for invitation in found.order_by("created_at")]


@personal_data.export(
    "accounts.invitations_sent", "Invitations envoyées", covers=["accounts.Invitation.invited_by"]
)
def invitations_sent(person: Person) -> list[Row]:
    found = Invitation.objects.filter(invited_by=person).select_related("organisation")
    return [_invitation_row(invitation) for invitation in found.order_by("created_at")]


@personal_data.export("accounts.api_tokens", "Jetons d'API créés", covers=["accounts.ApiToken.created_by"])
def api_tokens(person: Person) -> list[Row]:
    return [
        {
            "organisation": token.organisation.name,
            "nom": token.name,
            "prefixe": token.prefix,
            "cree_le": token.created_at,
            "derniere_utilisation": token.last_used_at,
            "revoque_le": token.revoked_at,
        }
        for token in ApiToken.objects.filter(created_by=person).select_related("organisation")
    ]


@personal_data.eraser("accounts")
def erase(person: Person, former: Former) -> None:
    """The person leaves every organisation; the invitations sent to their address go. What they did
    for their organisations (invitations sent, tokens created) stays, under the pseudonym."""
    Membership.objects.filter(user=person).delete()
    Invitation.objects.filter(email__iexact=former.email).delete()


@personal_data.obstacle("accounts")
def obstacles(person: Person) -> list[Obstacle]:
    found = []
    admin_of = (
        Membership.objects.filter(user=person, role=Membership.Role.ADMIN)
        .select_related("organisation")
        .annotate(
            admins=Count(
                "organisation__memberships",
                filter=Q(organisation__memberships__role=Membership.Role.ADMIN),
            ),
            members=Count("organisation__memberships"),
        )
        .order_by("organisation__name")
    )
    for membership in admin_of:
        if membership.admins > 1:
            continue
        organisation = membership.organisation
        message = LAST_ADMIN if membership.members > 1 else ONLY_MEMBER
        found.append(
            Obstacle(
                message=message.format(organisation=organisation.name),
                url=reverse("accounts:organisation_detail", args=[organisation.pk]),
                link_label=f"Gérer les membres de {organisation.name}",
            )
        )
    if person.is_superuser and not User.objects.filter(is_superuser=True).exclude(pk=person.pk).exists():
        found.append(Obstacle(message=LAST_SUPERUSER))
    return found


def purge_invitations(now: datetime) -> int:
    """Invitations accepted, cancelled or expired more than the retention period ago."""
    cutoff = now - timedelta(days=personal_data.retention_days("invitation"))
    past = (
        Q(accepted_at__lt=cutoff)
        | Q(revoked_at__lt=cutoff)
        | Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lt=cutoff)
    )
    deleted, _ = Invitation.objects.filter(past).delete()
    return deleted


personal_data.processing(
    Processing(
        key="accounts.invitations",
        order=20,
        data="Invitations : adresse électronique invitée, organisation, rôle, auteur de l'invitation",
        purpose="Permettre à une personne de rejoindre son organisation sur la plateforme",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            f"{personal_data.retention_label('invitation')} après leur acceptation, "
            "leur annulation ou leur expiration"
        ),
        purge=purge_invitations,
    )
)
