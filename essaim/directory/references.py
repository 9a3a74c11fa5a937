"""Reference lists of the directory: ESS families, inclusion kinds, service types, legal forms. No Django.

Families and kinds are stored on a structure as bit masks (bit i = i-th entry below), which filter and
count in one pass on SQLite and PostgreSQL alike. Never reorder these lists: append only.
"""

from __future__ import annotations

ESS_FAMILIES: dict[str, str] = {
    "association": "Association",
    "cooperative-scop": "Coopérative (SCOP)",
    "cooperative-scic": "Coopérative (SCIC)",
    "cooperative-cae": "Coopérative d'activité et d'emploi (CAE)",
    "cooperative-other": "Autre coopérative",
    "mutuelle": "Mutuelle",
    "fondation": "Fondation",
    "esus": "Entreprise agréée ESUS",
    "societe-commerciale-ess": "Société commerciale de l'ESS",
}

INCLUSION_KINDS: dict[str, str] = {
    "EI": "Entreprise d'insertion (EI)",
    "AI": "Association intermédiaire (AI)",
    "ACI": "Atelier et chantier d'insertion (ACI)",
    "ETTI": "Entreprise de travail temporaire d'insertion (ETTI)",
    "EITI": "Entreprise d'insertion par le travail indépendant (EITI)",
    "GEIQ": "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)",
    "EA": "Entreprise adaptée (EA)",
    "EATT": "Entreprise adaptée de travail temporaire (EATT)",
    "ESAT": "Établissement et service d'accompagnement par le travail (ESAT)",
}

SERVICE_TYPES: dict[str, str] = {
    "fourniture": "Fourniture",
    "prestation": "Prestation de service",
    "travaux": "Travaux",
    "mise-a-disposition": "Mise à disposition de personnel",
}

# Reserved contracts (Code de la commande publique).
DISABILITY_KINDS = frozenset({"EA", "EATT", "ESAT"})  # L2113-12
SIAE_KINDS = frozenset({"EI", "AI", "ACI", "ETTI", "EITI"})  # L2113-13

RESERVATIONS: dict[str, str] = {
    "l2113-12": "Marchés réservés handicap (L2113-12)",
    "l2113-13": "Marchés réservés insertion (L2113-13)",
    "l2113-15": "Marchés réservés ESS (L2113-15)",
}


def mask_of(codes: list[str] | set[str] | tuple[str, ...], reference: dict[str, str]) -> int:
    """The bit mask of `codes` in `reference`; unknown codes raise KeyError."""
    positions = {code: i for i, code in enumerate(reference)}
    mask = 0
    for code in codes:
        mask |= 1 << positions[code]
    return mask


def codes_of(mask: int, reference: dict[str, str]) -> list[str]:
    return [code for i, code in enumerate(reference) if mask & (1 << i)]


def reservations_for(kinds: set[str] | list[str], families: set[str] | list[str]) -> dict[str, bool]:
    """Eligibility for reserved contracts derived from the kinds and families.

    L2113-15 is open to ESS enterprises (any ESS family): the other conditions of the article (a public
    service mission, no repeat award within three years) are the buyer's to check.
    """
    kinds = set(kinds)
    return {
        "l2113-12": bool(kinds & DISABILITY_KINDS),
        "l2113-13": bool(kinds & SIAE_KINDS),
        "l2113-15": bool(families),
    }


# INSEE catégories juridiques (level III) most common among ESS structures and their partners.
LEGAL_FORMS: dict[str, str] = {
    "1000": "Entrepreneur individuel",
    "5202": "Société en nom collectif",
    "5458": "SARL coopérative ouvrière de production (SCOP)",
    "5459": "SARL union de sociétés coopératives",
    "5460": "Autre SARL coopérative",
    "5485": "Société d'exercice libéral à responsabilité limitée",
    "5498": "SARL unipersonnelle",
    "5499": "Société à responsabilité limitée (sans autre indication)",
    "5558": "SA coopérative ouvrière de production (SCOP) à conseil d'administration",
    "5560": "Autre SA coopérative à conseil d'administration",
    "5599": "SA à conseil d'administration (s.a.i.)",
    "5658": "SA coopérative ouvrière de production (SCOP) à directoire",
    "5660": "Autre SA coopérative à directoire",
    "5699": "SA à directoire (s.a.i.)",
    "5710": "Société par actions simplifiée (SAS)",
    "5720": "Société par actions simplifiée à associé unique (SASU)",
    "6316": "Coopérative d'utilisation de matériel agricole en commun (CUMA)",
    "6317": "Société coopérative agricole",
    "6411": "Société d'assurance à forme mutuelle",
    "6540": "Société civile immobilière",
    "7210": "Commune et commune nouvelle",
    "8210": "Mutuelle",
    "8250": "Assurance mutuelle agricole",
    "8290": "Autre organisme mutualiste",
    "9210": "Association non déclarée",
    "9220": "Association déclarée",
    "9221": "Association déclarée d'insertion par l'économique",
    "9222": "Association intermédiaire",
    "9223": "Groupement d'employeurs",
    "9230": "Association déclarée, reconnue d'utilité publique",
    "9240": "Congrégation",
    "9260": "Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)",
    "9300": "Fondation",
}


def legal_form_label(code: str) -> str:
    if not code:
        return ""
    return LEGAL_FORMS.get(code, f"Catégorie juridique {code}")


def families_from_legal_form(code: str, *, ess_flag: bool = False) -> list[str]:
    """The ESS family implied by an INSEE legal category (SCIC and CAE cannot be told apart by it)."""
    if code.startswith("92"):
        return ["association"]
    if code == "9300":
        return ["fondation"]
    if code.startswith("82") or code == "6411":
        return ["mutuelle"]
    if code in {"5458", "5558", "5658"}:
        return ["cooperative-scop"]
    if code in {"5459", "5460", "5560", "5660", "6316", "6317"}:
        return ["cooperative-other"]
    return ["societe-commerciale-ess"] if ess_flag else []
