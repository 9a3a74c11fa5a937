"""Demo DECP sample for the territory's buyers, in the real JSON shape, imported into the store.

`load_demo()` (called by `essaim demo_setup`) writes `var/demo/decp-demo.json` — marchés of the last two
years (relative to today) of the EPT Grand-Orly Seine Bièvre and its member communes, with the dirt real
files carry (outliers, republications, contradictory considerations, a bad CPV code, an impossible date, a
record without id, an empty holder block) — imports it into `settings.INSIGHT_DB` and links the holders to
the directory. Contracts with a social consideration go in part to the directory's **fictitious example
structures** whose trade fits the contract (`ESS_HOLDERS`, by CPV code): they carry example SIRENs
(`directory.demo_data.example_siren`), so the SPASER report shows contracts won by the ESS without
inventing an identifier for a real organisation. The sample is generated from a fixed seed: running it
twice the same year gives the same file and imports nothing new.
"""

from __future__ import annotations

import gzip
import json
import math
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from stdnum import luhn
from stdnum.fr import siren as siren_check
from stdnum.fr import siret as siret_check

from essaim.accounts.models import Organisation, User
from essaim.core.french import counted, plural
from essaim.directory.demo_data import EXAMPLE_SIRENS
from essaim.directory.models import Structure
from essaim.sourcing import collaborations
from essaim.territory.models import Epci

from . import store
from .decp_import import import_files
from .linking import link
from .selectors import contract_by_key
from .services import spend_counts, spend_import

SEED = 20250101
EPT_SIREN = "200058014"
# The fictitious example structures of the directory's demo (by key) that may hold a contract of each CPV.
ESS_HOLDERS: dict[str, tuple[str, ...]] = {
    "45214200-2": ("batir-ensemble", "renov-energie"),
    "45261000-4": ("batir-ensemble",),
    "45421000-4": ("renov-energie",),
    "90513000-6": ("ressourcerie-vallee", "mobilier-seconde-vie"),
    "90910000-9": ("net-services", "proprete-plus"),
    "90911200-8": ("net-services",),
    "77310000-6": ("jardins-orly", "esat-thiais", "vergers-urbains"),
    "77211400-6": ("jardins-orly",),
    "15800000-6": ("epicerie-locale",),
    "55524000-9": ("cantine-partagee",),
    "55520000-1": ("vitry-traiteur-solidaire",),
    "30213000-5": ("recyclinfo",),
    "18110000-3": ("atelier-couture-ivry", "eiti-couture"),
    "39130000-2": ("mobilier-seconde-vie",),
    "60112000-6": ("mobil-emploi",),
    "79800000-2": ("imprim-solidaire",),
    "79952000-2": ("evenements-durables",),
    "80500000-9": ("coop-formation",),
    "85320000-8": ("fondation-insertion",),
}


def demo_years(today: date | None = None) -> tuple[int, int]:
    """The two years of the sample: the last two complete years."""
    year = (today or timezone.localdate()).year
    return (year - 2, year - 1)


# (CPV, object, median amount € HT, spread, weight for the EPT, weight for a commune,
#  chance of a social consideration, chance of an environmental one)
CATALOGUE: list[tuple[str, str, float, float, int, int, float, float]] = [
    ("45233140-2", "Travaux d'entretien et de grosses réparations de voirie", 420_000, 0.7, 9, 3, 0.45, 0.35),
    ("45232400-6", "Travaux de réhabilitation des réseaux d'assainissement", 650_000, 0.6, 7, 0, 0.40, 0.45),
    ("45214200-2", "Travaux de rénovation d'un groupe scolaire", 900_000, 0.6, 2, 4, 0.55, 0.50),
    (
        "45261000-4",
        "Réfection de toitures et étanchéité de bâtiments communaux",
        180_000,
        0.6,
        1,
        3,
        0.15,
        0.30,
    ),
    (
        "45331000-6",
        "Remplacement des chaudières et installations de chauffage",
        250_000,
        0.6,
        1,
        2,
        0.10,
        0.60,
    ),
    ("45421000-4", "Travaux de menuiseries extérieures", 140_000, 0.6, 1, 3, 0.10, 0.35),
    ("90511000-2", "Collecte des déchets ménagers et assimilés", 2_400_000, 0.4, 6, 0, 0.35, 0.60),
    ("90513000-6", "Traitement et valorisation des encombrants", 380_000, 0.5, 3, 0, 0.10, 0.50),
    ("90910000-9", "Nettoyage des locaux administratifs et des écoles", 160_000, 0.6, 3, 6, 0.08, 0.25),
    ("90911200-8", "Nettoyage des vitres des bâtiments communaux", 35_000, 0.5, 1, 3, 0.05, 0.15),
    ("77310000-6", "Entretien des espaces verts et des parcs", 120_000, 0.6, 4, 6, 0.12, 0.40),
    ("77211400-6", "Élagage et abattage d'arbres d'alignement", 60_000, 0.5, 2, 2, 0.05, 0.30),
    (
        "15800000-6",
        "Fourniture de denrées alimentaires pour la restauration scolaire",
        300_000,
        0.6,
        0,
        5,
        0.05,
        0.55,
    ),
    ("55524000-9", "Restauration scolaire et portage de repas", 900_000, 0.5, 0, 3, 0.25, 0.60),
    ("55520000-1", "Prestations de traiteur pour les réceptions", 25_000, 0.6, 2, 3, 0.02, 0.10),
    ("30192000-1", "Fournitures de bureau et papeterie", 45_000, 0.6, 2, 4, 0.0, 0.30),
    (
        "30213000-5",
        "Acquisition d'ordinateurs portables et de postes de travail",
        120_000,
        0.6,
        2,
        3,
        0.0,
        0.20,
    ),
    ("48000000-8", "Logiciel de gestion et maintenance associée", 80_000, 0.8, 2, 3, 0.0, 0.05),
    ("72500000-0", "Infogérance et assistance informatique", 150_000, 0.6, 2, 2, 0.0, 0.05),
    ("18110000-3", "Vêtements de travail et équipements de protection", 40_000, 0.6, 2, 3, 0.02, 0.20),
    ("39130000-2", "Mobilier de bureau et mobilier scolaire", 60_000, 0.6, 1, 3, 0.02, 0.30),
    ("34144900-7", "Acquisition de véhicules électriques", 180_000, 0.5, 2, 2, 0.0, 0.80),
    ("50110000-9", "Entretien et réparation du parc automobile", 70_000, 0.6, 2, 2, 0.02, 0.10),
    (
        "60112000-6",
        "Transport de personnes pour les sorties scolaires et de loisirs",
        90_000,
        0.6,
        1,
        4,
        0.02,
        0.15,
    ),
    ("79710000-4", "Gardiennage et surveillance des bâtiments", 200_000, 0.6, 2, 3, 0.10, 0.02),
    ("79800000-2", "Impression du magazine et des supports de communication", 70_000, 0.6, 2, 3, 0.02, 0.40),
    ("79952000-2", "Organisation d'événements et de manifestations publiques", 50_000, 0.7, 2, 3, 0.05, 0.15),
    ("80500000-9", "Formation professionnelle des agents", 40_000, 0.7, 2, 2, 0.02, 0.02),
    ("71000000-8", "Mission de maîtrise d'œuvre", 150_000, 0.8, 4, 3, 0.02, 0.35),
    ("66510000-8", "Contrats d'assurance", 120_000, 0.6, 1, 1, 0.0, 0.0),
    ("09310000-5", "Fourniture d'électricité", 800_000, 0.6, 1, 1, 0.0, 0.45),
    (
        "85320000-8",
        "Accompagnement social et insertion professionnelle des publics",
        90_000,
        0.6,
        2,
        1,
        0.60,
        0.0,
    ),
]
PROCEDURES = [
    ("Procédure adaptée", 60),
    ("Appel d'offres ouvert", 28),
    ("Marché passé sans publicité ni mise en concurrence", 6),
    ("Procédure négociée avec publicité préalable", 4),
    ("Appel d'offres restreint", 2),
]


def _siret(siren: str, index: int) -> str:
    """A SIRET of `siren` with a valid Luhn key (the last digit of the NIC is chosen for it)."""
    head = f"{siren}{index:04d}"
    number = head + luhn.calc_check_digit(head)
    assert siret_check.is_valid(number)  # noqa: S101 - Luhn by construction
    return number


def _synthetic_siren(rng: random.Random) -> str:
    while True:
        head = f"{rng.choice('345789')}{rng.randrange(10_000_000, 99_999_999)}"[:8]
        number = head + luhn.calc_check_digit(head)
        if siren_check.is_valid(number):
            return number


def territory_buyer_sirens() -> list[str]:
    """The EPT's SIREN then its member communes' SIRENs (territory data, else the reference extract)."""
    epci = Epci.objects.filter(siren=EPT_SIREN).first()
    if epci is not None:
        members = sorted(epci.communes.exclude(siren="").values_list("siren", flat=True))
        if members:
            return [EPT_SIREN, *members]
    extract = Path(settings.BASE_DIR) / "essaim" / "territory" / "data"
    for path in sorted(extract.glob("decoupage-administratif-*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        codes = next((set(e["members"]) for e in data["epci"] if e["siren"] == EPT_SIREN), set())
        return [EPT_SIREN, *sorted(c["siren"] for c in data["communes"] if c["code"] in codes and c["siren"])]
    return [EPT_SIREN]


def directory_holders() -> dict[str, list[str]]:
    """By CPV code, the SIRETs of the published example structures that may hold such a contract: only the
    demo's fictitious structures (their example SIRENs), never a real organisation of the directory."""
    sirens = dict(
        Structure.objects.published()
        .filter(source="demo", siren__in=list(EXAMPLE_SIRENS.values()))
        .values_list("source_id", "siren")
    )
    holders = {
        cpv: sorted(_siret(sirens[key], 1) for key in keys if key in sirens)
        for cpv, keys in ESS_HOLDERS.items()
    }
    return {cpv: sirets for cpv, sirets in holders.items() if sirets}


def _pick(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _wrapped(key: str, values: list[str]) -> dict[str, list[str]]:
    return {key: values}


def build_sample(
    buyers: list[str],
    ess_holders: dict[str, list[str]],
    seed: int = SEED,
    years: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The demo file content: {"marches": {"marche": [...], "contrat-concession": [...]}}."""
    rng = random.Random(seed)
    first, last = years or demo_years()
    holders = [_siret(_synthetic_siren(rng), rng.randint(1, 40)) for _ in range(140)]
    marches: list[dict[str, Any]] = []
    for b_index, buyer_siren in enumerate(buyers):
        is_ept = buyer_siren == EPT_SIREN
        buyer_siret = _siret(buyer_siren, 1)
        size = 70 if is_ept else rng.randint(10, 26)
        catalogue = [c for c in CATALOGUE if (c[4] if is_ept else c[5]) > 0]
        weights = [c[4] if is_ept else c[5] for c in catalogue]
        for year in (first, last):
            progress = 1.25 if year == last else 1.0  # buyers do a little better each year
            for n in range(size + (rng.randint(0, 4) if year == last else 0)):
                cpv, objet, median, spread, _we, _wc, p_social, p_env = rng.choices(catalogue, weights)[0]
                notified = date(year, 1, 2) + timedelta(days=rng.randrange(0, 360))
                published = notified + timedelta(days=rng.randint(5, 60))
                social: list[str] = []
                if rng.random() < p_social * progress:
                    social = [
                        _pick(rng, [("Clause sociale", 8), ("Critère social", 2), ("Marché réservé", 1)])
                    ]
                environmental: list[str] = []
                if rng.random() < p_env * progress:
                    environmental = [
                        _pick(rng, [("Clause environnementale", 6), ("Critère environnemental", 4)])
                    ]
                if social and ess_holders.get(cpv) and rng.random() < 0.6:
                    holder = rng.choice(ess_holders[cpv])
                else:
                    holder = holders[int(rng.paretovariate(1.2) * 7) % len(holders)]
                amount = round(median * math.exp(rng.gauss(0, spread)), 2)
                marches.append(
                    {
                        "id": f"{year}{b_index:02d}{n:04d}",
                        "acheteur": {"id": buyer_siret},
                        "nature": "Marché",
                        "objet": objet,
                        "codeCPV": cpv,
                        "procedure": _pick(rng, PROCEDURES)
                        if amount < 90_000 or rng.random() < 0.3
                        else "Appel d'offres ouvert",
                        "techniques": {
                            "technique": ["Accord-cadre"] if rng.random() < 0.35 else ["Sans objet"]
                        },
                        "modalitesExecution": {
                            "modaliteExecution": ["Bons de commande"] if rng.random() < 0.3 else ["Tranches"]
                        },
                        "lieuExecution": {
                            "code": rng.choice(["94200", "94400", "94800", "91200", "94600"]),
                            "typeCode": "Code postal",
                        },
                        "dureeMois": rng.choice([6, 12, 12, 24, 36, 48]),
                        "dateNotification": notified.isoformat(),
                        "datePublicationDonnees": published.isoformat(),
                        "montant": amount,
                        "formePrix": rng.choice(["Forfaitaire", "Unitaire", "Mixte"]),
                        "typesPrix": {"typePrix": ["Définitif ferme"]},
                        "offresRecues": rng.randint(1, 9),
                        "ccag": "Travaux" if cpv.startswith("45") else "Fournitures courantes et services",
                        "attributionAvance": rng.choice(["oui", "non", True, False]),
                        "tauxAvance": 0.05,
                        "marcheInnovant": False,
                        "sousTraitanceDeclaree": rng.random() < 0.2,
                        "typeGroupementOperateurs": "Pas de groupement",
                        "origineUE": 0,
                        "origineFrance": 0,
                        "titulaires": [{"titulaire": {"id": holder, "typeIdentifiant": "SIRET"}}],
                        "considerationsSociales": _wrapped(
                            "considerationSociale", social or ["Pas de considération sociale"]
                        ),
                        "considerationsEnvironnementales": _wrapped(
                            "considerationEnvironnementale",
                            environmental or ["Pas de considération environnementale"],
                        ),
                    }
                )
    _add_dirt(rng, marches)
    concessions = [
        {
            "id": f"DSP-{year}-{index}",
            "nature": "Concession de service public",
            "objet": objet,
            "procedure": "Procédure non formalisée",
            "autoriteConcedante": {"id": _siret(buyers[index % len(buyers)], 1)},
            "concessionnaires": [
                {"concessionnaire": {"id": rng.choice(holders), "typeIdentifiant": "SIRET"}}
            ],
            "valeurGlobale": value,
            "dateSignature": f"{year}-0{3 + index}-15",
            "datePublicationDonnees": f"{year}-0{4 + index}-01",
            "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
            "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
        }
        for year, index, objet, value in (
            (first, 0, "Délégation du service public de la restauration collective", 12_500_000),
            (last, 1, "Gestion du centre aquatique intercommunal", 8_200_000),
            (last, 2, "Exploitation du marché forain", 1_450_000),
        )
    ]
    return {"marches": {"marche": marches, "contrat-concession": concessions}}


def _add_dirt(rng: random.Random, marches: list[dict[str, Any]]) -> None:
    """What real files carry: outliers, republications, contradictions, bad codes and dates, rejects."""
    picks = rng.sample(range(len(marches)), 16)
    marches[picks[0]]["montant"] = 999999999
    marches[picks[1]]["montant"] = 1
    marches[picks[2]]["montant"] = "NC"
    for index in picks[3:6]:  # « Pas de considération sociale » published with a clause
        marches[index]["considerationsSociales"] = {
            "considerationSociale": ["Pas de considération sociale", "Clause sociale"]
        }
    marches[picks[6]]["codeCPV"] = "4523314"  # 7 digits: invalid
    marches[picks[7]]["dateNotification"] = "5021-03-04"  # impossible date
    marches[picks[8]]["titulaires"] = [{}]  # empty holder block
    marches[picks[9]]["titulaires"] = [
        {"id": marches[picks[9]]["titulaires"][0]["titulaire"]["id"], "typeIdentifiant": "SIRET"}
    ]  # plain list
    for index in picks[10:14]:  # republished later with a corrected amount (the latest wins)
        original = marches[index]
        later = json.loads(json.dumps(original))
        later["montant"] = round(float(original["montant"]) * 1.1, 2)
        later["datePublicationDonnees"] = (
            date.fromisoformat(original["datePublicationDonnees"]) + timedelta(days=30)
        ).isoformat()
        marches.append(later)
    marches.append(json.loads(json.dumps(marches[picks[14]])))  # exact duplicate from another source
    broken = json.loads(json.dumps(marches[picks[15]]))
    broken.pop("id")
    marches.append(broken)  # no id: rejected, kept with its reason


def demo_path() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "decp-demo.json"


# The matinale's collaboration whose public contract the demo follows: Limeil-Brévannes met SMER la Végétale
# last year; the green-spaces contract came a few weeks later (its holders were the group the article names,
# whose SIRENs are not known here: the sample gives it a synthetic holder, and the facilitator confirms it).
FOLLOWED_BUYER = "Ville de Limeil-Brévannes"
FOLLOWED_SUPPLIER = "SMER"
FOLLOWED_ID = "DEMO-VEGETAL-01"
FOLLOWED_AFTER = timedelta(days=75)
FACILITATOR_LOGIN = "animatrice@essaim.demo"
SPEND_FILE = Path(__file__).resolve().parent / "data" / "depenses-vitry-exemple.csv"
SPEND_BUYER = "219400819"  # Ville de Vitry-sur-Seine


def _followed_collaboration() -> Any:
    return (
        collaborations.collaborations_to_follow()
        .filter(
            buyer__name=FOLLOWED_BUYER, supplier__name__icontains=FOLLOWED_SUPPLIER, meeting__isnull=False
        )
        .first()
    )


def followed_contract(today: date | None = None) -> dict[str, Any] | None:
    """The DECP record of the contract that followed the matinale's SMER × Limeil-Brévannes collaboration."""
    record = _followed_collaboration()
    siren = collaborations.siren_of(record.buyer) if record is not None else ""
    if record is None or not siren:
        return None
    today = today or timezone.localdate()
    notified = min(collaborations.reference_date(record) + FOLLOWED_AFTER, today - timedelta(days=1))
    holder = _siret(_synthetic_siren(random.Random(SEED + 1)), 1)
    return {
        "id": FOLLOWED_ID,
        "acheteur": {"id": _siret(siren, 1)},
        "nature": "Marché",
        "objet": "Végétalisation des cours d'école et jardins partagés",
        "codeCPV": "77310000-6",
        "procedure": "Procédure adaptée",
        "dureeMois": 24,
        "dateNotification": notified.isoformat(),
        "datePublicationDonnees": (notified + timedelta(days=10)).isoformat(),
        "montant": 62000,
        "titulaires": [{"titulaire": {"id": holder, "typeIdentifiant": "SIRET"}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
    }


def link_followed_contract(con: Any) -> bool:
    """The facilitator confirms the contract that followed the collaboration (once)."""
    record = _followed_collaboration()
    if record is None or record.contract_id:
        return False
    found = contract_by_key(
        con, buyer_siret=_siret(collaborations.siren_of(record.buyer), 1), contract_id=FOLLOWED_ID
    )
    if found is None:
        return False
    collaborations.collaboration_contract_link(
        actor=User.objects.filter(email=FACILITATOR_LOGIN).first(),
        collaboration=record,
        buyer_siret=found.buyer_siret,
        contract_id=found.id,
        notified_on=found.notified_on,
        amount=found.amount,
        object=found.object,
    )
    return True


def load_demo_spend(today: date | None = None) -> str:
    """Vitry-sur-Seine's spend file of last year (a committed example: the directory's fictitious example
    structures and suppliers named « Exemple »), imported as the buyer would."""
    buyer = Organisation.objects.filter(siren=SPEND_BUYER, kind=Organisation.Kind.BUYER).first()
    if buyer is None:
        return "pas de fichier de dépenses (acheteur de démonstration absent)"
    year = (today or timezone.localdate()).year - 1
    record = spend_import(
        actor=None, buyer=buyer, year=year, ttc=False, filename=SPEND_FILE.name, raw=SPEND_FILE.read_bytes()
    )
    counts = spend_counts(record)
    return (
        f"dépenses de {buyer.name} : {counted(counts['suppliers'], 'fournisseur')}, "
        f"{counted(counts['rejected'], 'ligne rejetée', 'lignes rejetées')}"
    )


def load_demo(db_path: str | Path | None = None, out: Path | None = None) -> str:
    """Write the sample, import it into the store (idempotent) and link the holders to the directory; then
    the contract that followed the matinale's collaboration is confirmed, and Vitry's spend file imported."""
    path = out or demo_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    sample = build_sample(territory_buyer_sirens(), directory_holders())
    followed = followed_contract()
    if followed is not None:
        sample["marches"]["marche"].append(followed)
    path.write_text(json.dumps(sample, ensure_ascii=False, indent=1), encoding="utf-8")
    con = store.connect(db_path)
    try:
        report = import_files([path], con=con)
        linked = link(con)
        link_followed_contract(con)
    finally:
        con.close()
    counts = report.as_dict()
    spend = load_demo_spend()
    return (
        f"{counts['read']} enregistrements DECP lus, {counts['new']} nouveaux, "
        f"{counts['rejected']} rejeté{plural(counts['rejected'])}, {linked} SIREN de l'ESS relié{plural(linked)}"
        f" ; {spend}"
    )
