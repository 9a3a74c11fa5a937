"""The errors of people and organisations (messages in French, for users)."""

from essaim.core.errors import DomainError


class AccountError(DomainError):
    default_message = "Cette opération sur un compte ou une organisation n'est pas possible."


# Messages (tests assert on these constants)
UNKNOWN_ORGANISATION_KIND = "Type d'organisation inconnu."
ORGANISATION_NAME_REQUIRED = "Le nom de l'organisation est obligatoire."
SIRET_TAKEN = "Une organisation avec ce SIRET existe déjà."
BUYER_CATEGORY_REQUIRED = "Précisez la catégorie d'acheteur."
UNKNOWN_ROLE = "Rôle inconnu."
LAST_ADMIN = "L'organisation doit garder au moins un administrateur."
ALREADY_MEMBER = "Cette personne est déjà membre de l'organisation."
INVITATION_INVALID = "Ce lien d'invitation n'est pas valide."
INVITATION_ACCEPTED = "Cette invitation a déjà été acceptée."
INVITATION_REVOKED = "Cette invitation a été annulée."
INVITATION_EXPIRED = "Cette invitation a expiré : demandez-en une nouvelle."
ACCOUNT_EXISTS = "Un compte existe déjà pour cette adresse : connectez-vous pour accepter."
UNNAMED_API_ACCESS = "Donnez un nom au jeton."
UNKNOWN_API_SCOPE = "Droit inconnu : {scopes}. Droits possibles : {known}."
INVITATION_FOR_ANOTHER = "Cette invitation est destinée à {email}. Connectez-vous avec cette adresse."
