"""The demo structures' data: every structure named in the seed article (no invented SIRET: their real
identifiers are not known here), and fictitious others across the territory so that every facet shows
something. The fictitious ones are marked as examples (their description starts with `EXAMPLE_MARK`) and
carry example SIRENs that cannot be real (`example_siren`: eight leading zeros but the index, then the
Luhn key), so that the demo's public-procurement data can show contracts won by the ESS.
Loaded by `demo.load_demo_structures()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import luhn

EPT = "epci:200058014"
EXAMPLE_MARK = "Exemple fictif (structure de démonstration, SIREN d'exemple)."


def example_siren(index: int) -> str:
    """The example SIREN of the `index`-th fictitious structure: `00000iii` and its Luhn key. No real
    SIREN starts with five zeros; the key makes it pass the checks a real one passes."""
    head = f"00000{index:03d}"
    return head + luhn.calc_check_digit(head)


@dataclass(frozen=True)
class DemoStructure:
    key: str
    name: str
    commune: str
    description: str
    offers: str
    activities: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    families: tuple[str, ...] = ("association",)
    kinds: tuple[str, ...] = ()
    ressourcerie: bool = False
    legal_form: str = "9220"


A = DemoStructure
# From the seed article "Des solutions pour une commande publique plus responsable".
SEED: tuple[DemoStructure, ...] = (
    A(
        "rejoue",
        "Rejoué",
        "94081",
        "Association d'insertion de Vitry-sur-Seine : Rejoué collecte les jouets dont les familles ne veulent "
        "plus, les trie, les nettoie et les remet en état pour leur donner une seconde vie. Jouets de réemploi "
        "pour les crèches, les centres de loisirs et les fêtes de fin d'année des villes.",
        "Fourniture de jouets de réemploi nettoyés et contrôlés ; collecte de jouets ; ateliers de "
        "sensibilisation au réemploi des jouets.",
        (
            ("jouets", ("fourniture", "prestation"), (EPT, "dep:94")),
            ("ressourcerie", ("prestation",), (EPT,)),
        ),
        kinds=("ACI",),
        ressourcerie=True,
    ),
    A(
        "etudes-et-chantiers",
        "Études et Chantiers",
        "94044",
        "Association d'insertion par l'activité économique : chantiers d'insertion en aménagement et entretien "
        "des espaces verts, projet commun avec Confluences à Limeil-Brévannes.",
        "Entretien d'espaces verts, aménagements paysagers, petits travaux de second œuvre.",
        (
            ("entretien-espaces-verts", ("prestation",), ("dep:94",)),
            ("second-oeuvre", ("travaux",), ("dep:94",)),
        ),
        kinds=("ACI",),
    ),
    A(
        "confluences",
        "Confluences",
        "94044",
        "Association qui porte, avec l'entreprise adaptée Jardins de la Sellerie, le développement d'espaces "
        "verts à Limeil-Brévannes.",
        "Création et entretien d'espaces verts, nature en ville.",
        (("nature-en-ville", ("prestation",), ("dep:94",)),),
        kinds=("ACI",),
    ),
    A(
        "jardins-de-la-sellerie",
        "EA Jardins de la Sellerie",
        "94044",
        "Entreprise adaptée d'entretien des espaces verts, partenaire de Confluences à Limeil-Brévannes.",
        "Tonte, taille, désherbage sans produits phytosanitaires, plantations.",
        (("entretien-espaces-verts", ("prestation",), ("dep:94",)),),
        kinds=("EA",),
    ),
    A(
        "smer-la-vegetale",
        "SMER la Végétale",
        "94044",
        "Projet collectif de développement d'espaces verts à Limeil-Brévannes porté par Études et Chantiers et "
        "Confluences.",
        "Végétalisation, jardins partagés, nature en ville.",
        (("nature-en-ville", ("prestation", "travaux"), ("94044",)),),
    ),
    A(
        "ressourcerie-du-spectacle",
        "Ressourcerie du spectacle",
        "94081",
        "Ressourcerie du spectacle : collecte les décors, le matériel scénique et le mobilier des théâtres et "
        "des événements et les remet en circulation (réemploi, location). A conçu les stands en bois "
        "réutilisables de la matinale des achats responsables et du séminaire des conservatoires du "
        "territoire.",
        "Location de stands en bois réutilisables, de décors, de mobilier et de matériel d'événementiel ; "
        "visites de la ressourcerie pour les agents.",
        (
            ("ressourcerie", ("fourniture",), ("reg:11",)),
            ("evenementiel", ("fourniture", "prestation"), ("reg:11",)),
        ),
        kinds=("ACI",),
        ressourcerie=True,
    ),
    A(
        "med-arcades",
        "Med Arcades",
        "94041",
        "Ressourcerie du jeu vidéo : bornes d'arcade issues du réemploi de consoles et d'écrans, remises en "
        "état et louées pour les événements.",
        "Location et installation de bornes d'arcade ; animations jeu vidéo.",
        (
            ("jeux-video", ("fourniture", "prestation"), ("reg:11",)),
            ("recyclage", ("prestation",), ("reg:11",)),
        ),
        ressourcerie=True,
    ),
    A(
        "q-tanne",
        "Q-Tanné",
        "94076",
        "Atelier de maroquinerie : ateliers d'initiation au travail du cuir et petite maroquinerie à partir de "
        "chutes de cuir.",
        "Ateliers de maroquinerie pour le public et les agents, petite maroquinerie sur commande.",
        (("maroquinerie", ("fourniture",), ("reg:11",)), ("animation", ("prestation",), ("reg:11",))),
        families=("societe-commerciale-ess", "esus"),
        legal_form="5710",
    ),
    A(
        "les-imparfaites",
        "Les Imparfaites",
        "94022",
        "Confitures anti-gaspi cuisinées avec des fruits invendus ou abîmés.",
        "Confitures et pâtes de fruits anti-gaspillage, coffrets cadeaux, dégustations.",
        (("produits-locaux", ("fourniture",), ("reg:11",)),),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "jus-de-mama",
        "Jus de Mama",
        "94054",
        "Jus de fruits et boissons artisanales en bouteilles consignées.",
        "Jus consignés pour réceptions, cocktails et buffets ; reprise des bouteilles.",
        (("produits-locaux", ("fourniture",), ("reg:11",)),),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "cafe-bulbe",
        "Café Bulbe",
        "94041",
        "Food truck et traiteur engagé : cuisine de saison, produits locaux.",
        "Food truck pour événements, buffets et plateaux repas.",
        (("food-truck", ("prestation",), (EPT,)), ("traiteur", ("prestation",), (EPT,))),
        families=("cooperative-scic",),
        legal_form="5560",
    ),
    A(
        "fashion-green-hub",
        "Fashion Green Hub",
        "75056",
        "Association d'entreprises engagées pour une mode plus durable, éthique et locale, née à Roubaix ; "
        "tiers-lieu « Plateau Fertile » à Paris : coworking, fablab et formation.",
        "Accompagnement de la filière textile, formations aux métiers de la mode durable, fablab.",
        (
            ("mode-durable", ("prestation",), ("national",)),
            ("formation-professionnelle", ("prestation",), ("national",)),
        ),
    ),
    A(
        "les-canaux",
        "Les Canaux",
        "75056",
        "Association qui accompagne les acteurs de l'économie sociale et solidaire et les achats responsables ; "
        "porte la Fabrique des Jeux.",
        "Accompagnement aux achats responsables, programmes d'incubation.",
        (("formation-professionnelle", ("prestation",), ("reg:11",)),),
    ),
    A(
        "fabrique-des-jeux",
        "Fabrique des Jeux (Les Canaux)",
        "75056",
        "Programme des Canaux pour les créateurs de jeux de société et de loisirs de l'économie sociale.",
        "Jeux de société éco-conçus, animations ludiques.",
        (("jeux-de-societe", ("fourniture",), ("reg:11",)), ("animation", ("prestation",), ("reg:11",))),
    ),
)

# Fictitious others (invented names, marked as examples, example SIRENs), so that every facet of the search
# shows something and the demo's DECP sample has ESS holders.
OTHERS: tuple[DemoStructure, ...] = (
    A(
        "vitry-traiteur-solidaire",
        "Saveurs Solidaires",
        "94081",
        "Traiteur d'insertion : buffets et plateaux repas cuisinés sur place.",
        "Buffets, cocktails, plateaux repas.",
        (("traiteur", ("prestation",), (EPT,)),),
        kinds=("EI",),
        families=("societe-commerciale-ess", "esus"),
        legal_form="5499",
    ),
    A(
        "cantine-partagee",
        "La Cantine Partagée",
        "94076",
        "Restauration collective bio et locale pour écoles et crèches.",
        "Repas en liaison froide, ateliers anti-gaspillage.",
        (("restauration-collective", ("fourniture",), (EPT,)),),
        families=("cooperative-scic",),
        legal_form="5560",
    ),
    A(
        "compost-orly",
        "Compost'Orly",
        "94054",
        "Collecte des biodéchets des restaurants et compostage de quartier.",
        "Collecte de biodéchets, composteurs partagés, formation des agents.",
        (("collecte-biodechets", ("prestation",), (EPT,)), ("compostage", ("prestation",), (EPT,))),
        kinds=("ACI",),
    ),
    A(
        "terre-de-compost",
        "Terre de Compost",
        "91027",
        "Compostage de proximité et sensibilisation au tri des biodéchets.",
        "Installation et suivi de composteurs.",
        (("compostage", ("prestation",), ("dep:91",)),),
    ),
    A(
        "cycles-athis",
        "Cycles Solidaires d'Athis",
        "91027",
        "Atelier vélo : réparation, vente de vélos d'occasion, ateliers d'autoréparation.",
        "Entretien de flottes de vélos, vélos reconditionnés.",
        (("velo", ("prestation", "fourniture"), ("dep:91", EPT)),),
        kinds=("ACI",),
    ),
    A(
        "coursiers-verts",
        "Les Coursiers Verts",
        "94041",
        "Livraison du dernier kilomètre à vélo cargo.",
        "Livraison de colis et de repas à vélo, logistique urbaine.",
        (("logistique", ("prestation",), (EPT,)),),
        families=("cooperative-scop",),
        legal_form="5458",
    ),
    A(
        "mobil-emploi",
        "Mobil'Emploi",
        "94022",
        "Transport solidaire et location de véhicules pour les personnes en insertion.",
        "Transport de personnes, location de scooters.",
        (("transport", ("prestation",), ("dep:94",)),),
        kinds=("AI",),
        legal_form="9222",
    ),
    A(
        "scene-ouverte",
        "Scène Ouverte",
        "94076",
        "Compagnie de spectacle vivant et organisation d'événements culturels.",
        "Spectacles, animations de quartier, régie technique.",
        (("spectacle", ("prestation",), ("reg:11",)),),
    ),
    A(
        "evenements-durables",
        "Événements Durables",
        "91326",
        "Organisation d'événements écoresponsables, location de vaisselle réutilisable.",
        "Gobelets et vaisselle réutilisables, logistique d'événements.",
        (("evenementiel", ("prestation", "fourniture"), ("reg:11",)),),
        families=("cooperative-scic",),
        legal_form="5560",
    ),
    A(
        "recyclinfo",
        "Recycl'Info",
        "94081",
        "Reconditionnement d'ordinateurs et de smartphones, effacement certifié des données.",
        "Vente de matériel informatique reconditionné, collecte de DEEE.",
        (("reconditionnement", ("fourniture", "prestation"), ("reg:11",)),),
        kinds=("EI",),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "code-solidaire",
        "Code Solidaire",
        "94041",
        "Coopérative de développeurs : sites web accessibles, applications.",
        "Développement web, audits RGAA, hébergement.",
        (("developpement", ("prestation",), ("national",)),),
        families=("cooperative-scop",),
        legal_form="5458",
    ),
    A(
        "clic-ensemble",
        "Clic Ensemble",
        "91326",
        "Médiation numérique : ateliers pour apprendre à utiliser internet et les démarches en ligne.",
        "Ateliers numériques, permanences.",
        (("mediation-numerique", ("prestation",), ("dep:91",)),),
    ),
    A(
        "batir-ensemble",
        "Bâtir Ensemble",
        "94081",
        "Entreprise d'insertion du bâtiment : peinture, plâtrerie, second œuvre.",
        "Travaux de peinture, rénovation de logements.",
        (("second-oeuvre", ("travaux",), ("dep:94",)),),
        kinds=("EI",),
        families=("societe-commerciale-ess",),
        legal_form="5499",
    ),
    A(
        "renov-energie",
        "Rénov'Énergie Coop",
        "94076",
        "Rénovation énergétique des bâtiments publics et isolation.",
        "Isolation, audits énergétiques, menuiseries.",
        (("renovation-energetique", ("travaux",), ("reg:11",)),),
        families=("cooperative-scop",),
        legal_form="5558",
    ),
    A(
        "demolition-reemploi",
        "Déconstruction & Cie",
        "94054",
        "Curage et déconstruction sélective avec réemploi des matériaux du bâtiment.",
        "Curage, dépose soignée, vente de matériaux.",
        (("gros-oeuvre", ("travaux",), ("reg:11",)),),
        kinds=("ETTI",),
        families=("societe-commerciale-ess", "esus"),
        legal_form="5710",
    ),
    A(
        "jardins-orly",
        "Les Jardins d'Orly",
        "94054",
        "Entretien des espaces verts et des cimetières par une équipe en insertion.",
        "Tonte, taille de haies, fleurissement.",
        (("entretien-espaces-verts", ("prestation",), (EPT,)),),
        kinds=("ACI",),
    ),
    A(
        "esat-thiais",
        "ESAT Les Ateliers du Val",
        "94076",
        "Établissement d'accompagnement par le travail : espaces verts, conditionnement, blanchisserie.",
        "Entretien d'espaces verts, mise sous pli, blanchisserie.",
        (
            ("entretien-espaces-verts", ("prestation",), ("dep:94",)),
            ("blanchisserie", ("prestation",), ("dep:94",)),
            ("routage", ("prestation",), ("dep:94",)),
        ),
        kinds=("ESAT",),
    ),
    A(
        "net-services",
        "Net Services Adaptés",
        "94022",
        "Entreprise adaptée de propreté : nettoyage de bureaux et de vitres.",
        "Nettoyage de locaux, vitrerie, remise en état.",
        (("nettoyage-locaux", ("prestation",), (EPT,)),),
        kinds=("EA",),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "proprete-plus",
        "Propreté Plus Insertion",
        "91027",
        "Entreprise d'insertion de nettoyage de locaux et de parties communes.",
        "Nettoyage de locaux et de parties communes.",
        (("nettoyage-locaux", ("prestation",), ("dep:91",)),),
        kinds=("EI",),
        families=("societe-commerciale-ess",),
        legal_form="5499",
    ),
    A(
        "interim-solidaire",
        "Intérim Solidaire 94",
        "94081",
        "Entreprise de travail temporaire d'insertion : missions dans le BTP, la propreté, la logistique.",
        "Mise à disposition de personnel, clauses sociales.",
        (("mise-a-disposition", ("mise-a-disposition",), ("dep:94", EPT)),),
        kinds=("ETTI",),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "geiq-btp",
        "GEIQ BTP Sud Francilien",
        "91326",
        "Groupement d'employeurs pour l'insertion et la qualification dans le bâtiment.",
        "Contrats de professionnalisation, mise à disposition.",
        (("mise-a-disposition", ("mise-a-disposition",), ("reg:11",)),),
        kinds=("GEIQ",),
        legal_form="9223",
    ),
    A(
        "eatt-handi-interim",
        "Handi'Intérim",
        "94041",
        "Entreprise adaptée de travail temporaire.",
        "Missions d'intérim pour travailleurs en situation de handicap.",
        (("mise-a-disposition", ("mise-a-disposition",), ("reg:11",)),),
        kinds=("EATT",),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "eiti-couture",
        "Fil Indépendant",
        "94076",
        "Entreprise d'insertion par le travail indépendant : couturières indépendantes accompagnées.",
        "Retouches, confection de petites séries.",
        (("couture", ("fourniture", "prestation"), ("reg:11",)),),
        kinds=("EITI",),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "atelier-couture-ivry",
        "L'Atelier Couture d'Ivry",
        "94041",
        "Atelier chantier d'insertion de couture : confection de sacs et de tenues de travail à partir de textiles de réemploi.",
        "Confection de tote bags, tenues de travail, textiles de réemploi.",
        (("couture", ("fourniture",), (EPT,)),),
        kinds=("ACI",),
    ),
    A(
        "ressourcerie-vallee",
        "Ressourcerie de la Vallée",
        "91326",
        "Recyclerie : collecte, tri, valorisation des objets et des meubles ; boutique solidaire.",
        "Collecte d'encombrants valorisables, vente d'objets de seconde main.",
        (("ressourcerie", ("prestation", "fourniture"), ("dep:91",)),),
        kinds=("ACI",),
        ressourcerie=True,
    ),
    A(
        "mobilier-seconde-vie",
        "Mobilier Seconde Vie",
        "94022",
        "Réemploi de mobilier de bureau des collectivités.",
        "Reprise, remise en état et revente de mobilier de bureau.",
        (("recyclage", ("fourniture", "prestation"), ("reg:11",)),),
        families=("societe-commerciale-ess", "esus"),
        legal_form="5710",
        ressourcerie=True,
    ),
    A(
        "ludotheque-orly",
        "Ludothèque Pas Sage",
        "94054",
        "Ludothèque associative : prêt de jeux de société et animations ludiques.",
        "Animations jeux de société pour écoles et centres de loisirs.",
        (("jeux-de-societe", ("prestation",), (EPT,)),),
    ),
    A(
        "imprim-solidaire",
        "Imprim'Solidaire",
        "94081",
        "Imprimerie adaptée : impression, reprographie, façonnage.",
        "Impression de documents, cartes de visite, affiches.",
        (("impression", ("fourniture",), ("reg:11",)),),
        kinds=("EA",),
        families=("societe-commerciale-ess",),
        legal_form="5499",
    ),
    A(
        "accueil-plus",
        "Accueil Plus",
        "91027",
        "Accueil physique et téléphonique externalisé par une association intermédiaire.",
        "Agents d'accueil, standard téléphonique.",
        (("accueil", ("mise-a-disposition",), ("dep:91",)),),
        kinds=("AI",),
        legal_form="9222",
    ),
    A(
        "studio-graphique",
        "Studio Graphique Coopératif",
        "94076",
        "Coopérative d'activité et d'emploi de graphistes et vidéastes.",
        "Identité visuelle, mise en page, vidéos institutionnelles.",
        (("design", ("prestation",), ("national",)), ("audiovisuel", ("prestation",), ("national",))),
        families=("cooperative-cae",),
        legal_form="5460",
    ),
    A(
        "mutuelle-sante",
        "Mutuelle Solidaire du Val",
        "94022",
        "Mutuelle de santé : prévention et actions de santé au travail.",
        "Ateliers de prévention santé pour les agents.",
        (("sante", ("prestation",), ("dep:94",)),),
        families=("mutuelle",),
        legal_form="8210",
    ),
    A(
        "fondation-insertion",
        "Fondation Avenir Solidaire",
        "94041",
        "Fondation d'accompagnement social et de formation des jeunes.",
        "Formations, accompagnement social renforcé.",
        (
            ("accompagnement-social", ("prestation",), ("reg:11",)),
            ("formation-professionnelle", ("prestation",), ("reg:11",)),
        ),
        families=("fondation",),
        legal_form="9300",
    ),
    A(
        "aide-domicile",
        "Aide et Présence",
        "91326",
        "Services d'aide à domicile pour personnes âgées et en situation de handicap.",
        "Aide à domicile, portage de repas.",
        (("aide-domicile", ("prestation",), ("dep:91",)),),
        families=("association",),
    ),
    A(
        "coop-formation",
        "Coopérative Savoirs Partagés",
        "94081",
        "Organisme de formation coopératif : savoirs de base, numérique, français langue étrangère.",
        "Formations pour les agents et les demandeurs d'emploi.",
        (("formation-professionnelle", ("prestation",), ("reg:11",)),),
        families=("cooperative-other",),
        legal_form="5560",
    ),
    A(
        "blanchisserie-esat",
        "ESAT Blanchisserie des Rives",
        "91027",
        "Blanchisserie et repassage pour collectivités et crèches.",
        "Traitement du linge plat, linge des crèches.",
        (("blanchisserie", ("prestation",), ("dep:91", EPT)),),
        kinds=("ESAT",),
    ),
    A(
        "epicerie-locale",
        "Le Panier Local",
        "91326",
        "Épicerie coopérative de produits locaux et paniers pour les événements.",
        "Paniers garnis, produits de producteurs franciliens.",
        (("produits-locaux", ("fourniture",), (EPT,)),),
        families=("cooperative-scic",),
        legal_form="5560",
    ),
    A(
        "vergers-urbains",
        "Vergers Urbains du Sud",
        "94022",
        "Agriculture urbaine et végétalisation des cours d'école.",
        "Végétalisation, potagers pédagogiques, ateliers nature.",
        (("nature-en-ville", ("prestation", "travaux"), (EPT,)),),
        families=("association", "esus"),
    ),
    A(
        "audiovisuel-quartiers",
        "Caméras des Quartiers",
        "94054",
        "Association audiovisuelle : films institutionnels et ateliers vidéo.",
        "Films, captation d'événements, ateliers vidéo.",
        (("audiovisuel", ("prestation",), ("reg:11",)),),
    ),
    A(
        "routage-adapte",
        "Routage Adapté",
        "91027",
        "Entreprise adaptée de routage et mise sous pli.",
        "Mise sous pli, affranchissement, gestion de courrier.",
        (("routage", ("prestation",), ("reg:11",)),),
        kinds=("EA",),
        families=("societe-commerciale-ess",),
        legal_form="5710",
    ),
    A(
        "velo-ecole",
        "Vélo École Solidaire",
        "94041",
        "Apprentissage du vélo pour adultes et location de vélos.",
        "Cours de vélo, location, balades.",
        (("velo", ("prestation",), (EPT,)),),
    ),
)

# The example SIREN of each fictitious structure, by key (stable: new ones go at the end of OTHERS).
EXAMPLE_SIRENS: dict[str, str] = {
    demo.key: example_siren(index) for index, demo in enumerate(OTHERS, start=1)
}
