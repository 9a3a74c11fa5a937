"""Sectors of the directory and the mappings from NAF codes and CPV codes to them. No Django.

The 15 top-level slugs are shared by imports, needs and reports. The second level is ours and may grow.
NAF (rev. 2) and CPV codes map by longest prefix: `sector_for_naf("38.32Z")` -> "reemploi",
`sector_for_cpv("90911200-8")` -> "proprete".
"""

from __future__ import annotations

import re

# slug -> (label, keywords shown in the issue, second level {slug: label})
SECTORS: dict[str, tuple[str, str, dict[str, str]]] = {
    "alimentation": (
        "Alimentation",
        "alimentation, restauration, traiteur",
        {
            "traiteur": "Traiteur et buffets",
            "restauration-collective": "Restauration collective",
            "produits-locaux": "Épicerie et produits locaux",
            "food-truck": "Food truck et restauration mobile",
        },
    ),
    "biodechets": (
        "Biodéchets",
        "biodéchets, compostage",
        {"compostage": "Compostage", "collecte-biodechets": "Collecte des biodéchets"},
    ),
    "mobilite": (
        "Mobilité",
        "mobilité, vélo, logistique",
        {
            "velo": "Vélo et réparation de cycles",
            "logistique": "Logistique et livraison",
            "transport": "Transport",
        },
    ),
    "culture-evenementiel": (
        "Culture et événementiel",
        "culture, événementiel, animation",
        {
            "evenementiel": "Organisation d'événements et stands",
            "animation": "Animation et ateliers",
            "spectacle": "Spectacle vivant",
        },
    ),
    "numerique": (
        "Numérique",
        "numérique, informatique, reconditionnement",
        {
            "reconditionnement": "Reconditionnement informatique",
            "developpement": "Développement et services numériques",
            "mediation-numerique": "Médiation numérique",
        },
    ),
    "batiment-travaux": (
        "Bâtiment et travaux",
        "bâtiment, travaux, second œuvre, rénovation énergétique",
        {
            "second-oeuvre": "Second œuvre",
            "renovation-energetique": "Rénovation énergétique",
            "gros-oeuvre": "Gros œuvre et démolition",
        },
    ),
    "espaces-verts": (
        "Espaces verts",
        "espaces verts, nature en ville, cadre de vie",
        {
            "entretien-espaces-verts": "Entretien des espaces verts",
            "nature-en-ville": "Nature en ville et agriculture urbaine",
        },
    ),
    "proprete": (
        "Propreté",
        "propreté, nettoyage, entretien",
        {"nettoyage-locaux": "Nettoyage de locaux", "blanchisserie": "Blanchisserie"},
    ),
    "textile": (
        "Textile",
        "textile, mode, couture, maroquinerie",
        {"couture": "Couture et confection", "maroquinerie": "Maroquinerie", "mode-durable": "Mode durable"},
    ),
    "reemploi": (
        "Réemploi",
        "réemploi, ressourceries, recyclage",
        {"ressourcerie": "Ressourcerie et recyclerie", "recyclage": "Collecte et recyclage"},
    ),
    "jeux-jouets": (
        "Jeux et jouets",
        "jeux, jouets, loisirs",
        {"jouets": "Jouets", "jeux-video": "Jeux vidéo et arcade", "jeux-de-societe": "Jeux de société"},
    ),
    "services-administratifs": (
        "Services administratifs",
        "services administratifs, impression, routage, accueil",
        {
            "impression": "Impression et reprographie",
            "routage": "Routage et mise sous pli",
            "accueil": "Accueil",
        },
    ),
    "communication": (
        "Communication",
        "communication, design, audiovisuel",
        {"design": "Design graphique", "audiovisuel": "Audiovisuel"},
    ),
    "formation": (
        "Formation",
        "formation, insertion professionnelle",
        {
            "formation-professionnelle": "Formation professionnelle",
            "mise-a-disposition": "Mise à disposition",
        },
    ),
    "services-personne": (
        "Services à la personne",
        "services à la personne, accompagnement social, santé",
        {
            "aide-domicile": "Aide à domicile",
            "accompagnement-social": "Accompagnement social",
            "sante": "Santé",
        },
    ),
}

TOP_LEVEL_SLUGS: tuple[str, ...] = tuple(SECTORS)

# NAF rev. 2 prefixes (dots removed) -> top-level sector. The longest prefix wins.
NAF_TO_SECTOR: dict[str, str] = {
    "01": "alimentation",
    "0130": "espaces-verts",
    "02": "espaces-verts",
    "10": "alimentation",
    "11": "alimentation",
    "13": "textile",
    "14": "textile",
    "15": "textile",
    "18": "services-administratifs",
    "3240": "jeux-jouets",
    "3315": "mobilite",
    "38": "reemploi",
    "3821": "biodechets",
    "41": "batiment-travaux",
    "42": "batiment-travaux",
    "43": "batiment-travaux",
    "4779": "reemploi",
    "4765": "jeux-jouets",
    "4764": "mobilite",
    "47": "alimentation",
    "49": "mobilite",
    "52": "mobilite",
    "53": "mobilite",
    "56": "alimentation",
    "58": "communication",
    "582": "numerique",
    "59": "communication",
    "60": "communication",
    "62": "numerique",
    "63": "numerique",
    "73": "communication",
    "741": "communication",
    "78": "formation",
    "81": "proprete",
    "813": "espaces-verts",
    "82": "services-administratifs",
    "823": "culture-evenementiel",
    "85": "formation",
    "86": "services-personne",
    "87": "services-personne",
    "88": "services-personne",
    "90": "culture-evenementiel",
    "91": "culture-evenementiel",
    "9321": "jeux-jouets",
    "9329": "jeux-jouets",
    "951": "numerique",
    "9529": "reemploi",
    "9601": "proprete",
}

# CPV prefixes (of the 8-digit code) -> top-level sector. Divisions (2 digits) with a few finer groups.
CPV_TO_SECTOR: dict[str, str] = {
    "03": "alimentation",
    "15": "alimentation",
    "55": "alimentation",
    "18": "textile",
    "19": "textile",
    "22": "services-administratifs",
    "30": "numerique",
    "48": "numerique",
    "72": "numerique",
    "34": "mobilite",
    "60": "mobilite",
    "63": "mobilite",
    "37": "jeux-jouets",
    "45": "batiment-travaux",
    "71": "batiment-travaux",
    "77": "espaces-verts",
    "90": "proprete",
    "905": "reemploi",
    "9051": "reemploi",
    "90513": "biodechets",
    "9091": "proprete",
    "79": "services-administratifs",
    "793": "communication",
    "7934": "communication",
    "7995": "culture-evenementiel",
    "796": "formation",
    "64": "services-administratifs",
    "80": "formation",
    "85": "services-personne",
    "92": "culture-evenementiel",
    "98": "services-personne",
}

_DIGITS = re.compile(r"\d+")


def _longest_prefix(code: str, table: dict[str, str]) -> str | None:
    for length in range(len(code), 1, -1):
        sector = table.get(code[:length])
        if sector is not None:
            return sector
    return None


def sector_for_naf(naf: str) -> str | None:
    """Top-level sector for a NAF code such as "38.32Z" or "3832Z"; None when unmapped."""
    digits = "".join(_DIGITS.findall(naf or ""))[:4]
    return _longest_prefix(digits, NAF_TO_SECTOR) if len(digits) >= 2 else None


def sector_for_cpv(cpv: str) -> str | None:
    """Top-level sector for a CPV code such as "90911200-8"; None when unmapped."""
    digits = "".join(_DIGITS.findall((cpv or "").split("-")[0]))[:8]
    return _longest_prefix(digits, CPV_TO_SECTOR) if len(digits) >= 2 else None
