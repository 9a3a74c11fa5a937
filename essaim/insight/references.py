"""Reference figures of the SPASER report: targets, national figures, legal obligations, CPV divisions.

Sources: PNAD 2022-2025 (targets), Observatoire économique de la commande publique (national shares of
contracts of 90 k€ and more), loi Climat et Résilience art. 35, the CPV 2008 nomenclature (division titles,
shortened). See /docs/insight.md. No Django.
"""

from __future__ import annotations

# Plan national pour des achats durables 2022-2025: share of contracts with a consideration.
PNAD_TARGETS = {"social": 0.30, "environmental": 1.0}

# National share of contracts (>= 90 k€) with a social clause / an environmental consideration (OECP).
NATIONAL_SOCIAL = [
    (2019, 0.125, ""),
    (2021, 0.132, ""),
    (2022, 0.223, ""),
    (2023, 0.187, "collectivités territoriales : 12,7 %"),
]
NATIONAL_ENVIRONMENTAL = [(2019, 0.158, ""), (2021, 0.187, ""), (2022, 0.292, "")]

# European thresholds (€ HT) for local authorities, 2024-2025: works, supplies and services.
EU_THRESHOLDS = {"travaux": 5_538_000, "fournitures": 221_000, "services": 221_000}

LOI_CLIMAT = (
    "Loi Climat et Résilience (article 35), au plus tard le 22 août 2026 : chaque marché comporte une "
    "condition d'exécution environnementale et au moins un critère d'attribution environnemental ; "
    "au-dessus des seuils européens, une condition d'exécution sociale ou liée à l'emploi."
)

PURCHASE_TYPES = {"travaux": "Travaux", "fournitures": "Fournitures", "services": "Services"}

CPV_DIVISIONS = {
    "03": "Produits agricoles, de l'élevage, de la pêche et de la sylviculture",
    "09": "Produits pétroliers, combustibles, électricité et autres sources d'énergie",
    "14": "Produits d'extraction minière et métaux de base",
    "15": "Produits alimentaires, boissons et tabac",
    "16": "Machines agricoles",
    "18": "Vêtements, chaussures, bagages et accessoires",
    "19": "Cuir, textiles, plastique et caoutchouc",
    "22": "Imprimés et produits connexes",
    "24": "Produits chimiques",
    "30": "Machines et fournitures de bureau, informatique",
    "31": "Machines, appareils et fournitures électriques, éclairage",
    "32": "Équipements de radio, télévision et télécommunication",
    "33": "Matériel médical, pharmaceutique et produits de soins",
    "34": "Équipements de transport et véhicules",
    "35": "Équipements de sécurité, de lutte contre l'incendie et de défense",
    "37": "Instruments de musique, articles de sport, jeux, jouets",
    "38": "Équipements de laboratoire, d'optique et de précision",
    "39": "Meubles, aménagements, électroménager et produits de nettoyage",
    "41": "Eau captée et purifiée",
    "42": "Machines industrielles",
    "43": "Machines pour l'exploitation minière et le bâtiment",
    "44": "Structures et matériaux de construction",
    "45": "Travaux de construction",
    "48": "Logiciels et systèmes d'information",
    "50": "Services de réparation et d'entretien",
    "51": "Services d'installation",
    "55": "Hôtellerie, restauration et commerce de détail",
    "60": "Services de transport",
    "63": "Services auxiliaires des transports, agences de voyage",
    "64": "Services des postes et télécommunications",
    "65": "Services publics (eau, énergie)",
    "66": "Services financiers et d'assurance",
    "70": "Services immobiliers",
    "71": "Architecture, ingénierie, construction et inspection",
    "72": "Services informatiques",
    "73": "Recherche et développement",
    "75": "Administration publique, défense et sécurité sociale",
    "76": "Services liés à l'industrie du pétrole et du gaz",
    "77": "Services agricoles, sylvicoles et horticoles (espaces verts)",
    "79": "Services aux entreprises (conseil, juridique, impression, sécurité…)",
    "80": "Enseignement et formation",
    "85": "Santé et action sociale",
    "90": "Assainissement, déchets, propreté et environnement",
    "92": "Services récréatifs, culturels et sportifs",
    "98": "Autres services collectifs, sociaux et personnels",
}

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def division_label(division: str | None) -> str:
    if not division:
        return "Code CPV absent ou invalide"
    return f"{division} — {CPV_DIVISIONS.get(division, 'Division inconnue')}"
