"""`essaim bench_insight --contracts N [--dir DIR]`: measure the DECP import and the indicators.

Generates (unless already present) a synthetic national-like dataset in the real wrapped JSON shape,
imports it into a fresh DuckDB file in a subprocess (to measure that process's own peak memory), then
times the indicators of 200 buyers and the indicators + breakdowns of a group of 25 buyers.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import random
import statistics
import subprocess  # noqa: S404 - runs this project's own import module
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from essaim.insight import store
from essaim.insight.indicators import group_breakdowns, indicators

SEED = 20260101
RECORDS_PER_FILE = 125_000
N_BUYERS = 3_000
N_HOLDERS = 150_000
GROUP_SIZE = 25

# (CPV code as published, weight): works and intellectual services dominate; a few malformed codes.
CPV_CODES = [
    ("45000000-7", 14),
    ("45210000-2", 6),
    ("45300000-0", 5),
    ("45400000-1", 5),
    ("45233140-2", 4),
    ("71000000-8", 6),
    ("71300000-1", 3),
    ("79000000-4", 3),
    ("90910000-9", 3),
    ("90500000-2", 2),
    ("50000000-5", 3),
    ("72000000-5", 3),
    ("48000000-8", 2),
    ("30192000-1", 2),
    ("15800000-6", 3),
    ("15000000-8", 2),
    ("34000000-7", 2),
    ("34144900-7", 1),
    ("09310000-5", 2),
    ("09135100-5", 1),
    ("33600000-6", 2),
    ("33100000-1", 1),
    ("55500000-5", 2),
    ("55520000-1", 1),
    ("80000000-4", 2),
    ("60100000-9", 2),
    ("39000000-2", 1),
    ("44000000-0", 1),
    ("77310000-6", 2),
    ("85000000-9", 1),
    ("98000000-3", 1),
    ("64200000-8", 1),
    ("66000000-0", 1),
    ("73000000-2", 1),
    ("03000000-1", 1),
    ("4500000", 0.05),
    ("450000007", 0.1),
    ("45000000", 1),
]
PROCEDURES = [
    ("Procédure adaptée", 55),
    ("Appel d'offres ouvert", 25),
    ("Marché passé sans publicité ni mise en concurrence", 8),
    ("Procédure négociée avec publicité préalable", 5),
    ("Appel d'offres restreint", 3),
    ("Dialogue compétitif", 1),
]
WORDS = (
    "travaux réhabilitation école maternelle lot menuiseries extérieures fourniture denrées alimentaires "
    "restauration collective maintenance équipements chauffage ventilation nettoyage locaux administratifs "
    "entretien espaces verts mission maîtrise oeuvre assistance transport scolaire accord-cadre voirie "
    "réseaux assainissement éclairage public prestations informatiques logiciels mobilier bureau"
).split()


def _weighted(pairs: list[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    values = [value for value, _ in pairs]
    cumulative = list(itertools.accumulate(weight for _, weight in pairs))
    return values, cumulative


def _siret(rng: random.Random, siren: str | None = None) -> str:
    return (siren or f"{rng.randrange(100_000_000, 999_999_999)}") + f"{rng.randrange(10, 99_999):05d}"


def universe(seed: int = SEED) -> dict[str, Any]:
    """Buyers (Zipf-like volumes, some sharing a SIREN), holders, an EPCI-like group of 25 SIRENs."""
    rng = random.Random(seed)
    buyers: list[str] = []
    while len(buyers) < N_BUYERS:
        siren = f"2{rng.randrange(10_000_000, 99_999_999)}"
        buyers += [_siret(rng, siren) for _ in range(1 if rng.random() < 0.85 else rng.randint(2, 4))]
    buyers = buyers[:N_BUYERS]
    holders = [_siret(rng) for _ in range(N_HOLDERS)]
    group = sorted({b[:9] for b in buyers[50:400]})[:GROUP_SIZE]
    return {"buyers": buyers, "holders": holders, "group": group}


def _considerations(rng: random.Random, social: bool) -> dict[str, list[str]]:
    if social:
        key, none = "considerationSociale", "Pas de considération sociale"
        pick = rng.random()
        if pick < 0.20:
            values = [rng.choice(["Clause sociale", "Clause sociale", "Critère social", "Marché réservé"])]
            if rng.random() < 0.2:
                values.append("Critère social")
            if rng.random() < 0.05:
                values.append(none)  # contradictory
            return {key: sorted(set(values))}
        return {key: [none]}
    key, none = "considerationEnvironnementale", "Pas de considération environnementale"
    if rng.random() < 0.25:
        values = [rng.choice(["Clause environnementale", "Critère environnemental"])]
        if rng.random() < 0.04:
            values.append(none)
        return {key: values}
    return {key: [none]}


def _amount(rng: random.Random) -> Any:
    if rng.random() < 0.005:
        return rng.choice([1, 999999999, 1e17, "NC"])
    return round(math.exp(rng.gauss(10.6, 1.5)), 2)


def _date(rng: random.Random) -> str:
    if rng.random() < 0.001:
        return rng.choice(["0002-03-04", "5021-01-12"])
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1000))
    return day.isoformat()


def _marche(rng: random.Random, u: dict[str, Any], n: int, file_index: int) -> dict[str, Any]:
    buyer = u["buyers"][bisect.bisect(u["buyer_cum"], rng.random() * u["buyer_cum"][-1])]
    notified = _date(rng)
    try:
        published = (date.fromisoformat(notified) + timedelta(days=rng.randint(1, 60))).isoformat()
    except ValueError:
        published = "2025-01-15"
    cpv_values, cpv_cum = u["cpv"]
    proc_values, proc_cum = u["procedures"]
    n_holders = 1 if rng.random() < 0.9 else rng.randint(2, 3)
    holders = []
    for _ in range(n_holders):
        index = min(int(rng.paretovariate(1.1)) - 1, N_HOLDERS - 1)
        holder = {"id": u["holders"][(index * 7919 + file_index) % N_HOLDERS], "typeIdentifiant": "SIRET"}
        holders.append(holder)
    if rng.random() < 0.02:
        holders = [{"id": f"FR{rng.randrange(10**10, 10**11)}", "typeIdentifiant": "TVA"}]
    titulaires: list[Any] = [{"titulaire": h} for h in holders] if n % 20 else holders  # 5 % plain lists
    if rng.random() < 0.002:
        titulaires = [{}]
    record: dict[str, Any] = {
        "id": f"{2024 + n % 3}{file_index:02d}{n:07d}",
        "acheteur": {"id": buyer},
        "nature": "Marché",
        "objet": " ".join(rng.choices(WORDS, k=rng.randint(6, 14))),
        "codeCPV": cpv_values[bisect.bisect(cpv_cum, rng.random() * cpv_cum[-1])],
        "procedure": proc_values[bisect.bisect(proc_cum, rng.random() * proc_cum[-1])],
        "techniques": {"technique": ["Accord-cadre"] if rng.random() < 0.3 else ["Sans objet"]},
        "modalitesExecution": {
            "modaliteExecution": ["Bons de commande"] if rng.random() < 0.3 else ["Sans objet"]
        },
        "lieuExecution": {
            "code": f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}",
            "typeCode": "Code postal",
        },
        "dureeMois": rng.choice([1, 3, 6, 12, 12, 24, 36, 48, "NC"]),
        "dateNotification": notified,
        "datePublicationDonnees": published,
        "montant": _amount(rng),
        "formePrix": rng.choice(["Forfaitaire", "Unitaire", "Mixte"]),
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "offresRecues": rng.randint(1, 12),
        "ccag": rng.choice(["Travaux", "Fournitures courantes et services", "Prestations intellectuelles"]),
        "attributionAvance": rng.choice([True, False, "oui", "non", 1, 0]),
        "tauxAvance": 0.05,
        "marcheInnovant": rng.choice([False, False, "false", "0"]),
        "sousTraitanceDeclaree": rng.choice([True, False]),
        "typeGroupementOperateurs": "Pas de groupement",
        "origineUE": 0,
        "origineFrance": 0,
        "titulaires": titulaires,
        "considerationsSociales": _considerations(rng, social=True),
        "considerationsEnvironnementales": _considerations(rng, social=False),
    }
    if rng.random() < 0.1:
        record["modifications"] = [
            {"modification": {"id": 1, "montant": _amount(rng), "dateNotificationModification": published}}
        ]
    return record


def _concession(rng: random.Random, u: dict[str, Any], n: int, file_index: int) -> dict[str, Any]:
    return {
        "id": f"C{file_index:02d}{n:07d}",
        "autoriteConcedante": {"id": u["buyers"][rng.randrange(0, 500)]},
        "nature": "Concession de service",
        "objet": " ".join(rng.choices(WORDS, k=8)),
        "procedure": "Procédure non négociée ouverte",
        "dureeMois": 120,
        "dateSignature": _date(rng),
        "datePublicationDonnees": "2025-06-01",
        "valeurGlobale": _amount(rng),
        "concessionnaires": [
            {"concessionnaire": {"id": u["holders"][rng.randrange(0, 1000)], "typeIdentifiant": "SIRET"}}
        ],
        "considerationsSociales": _considerations(rng, social=True),
        "considerationsEnvironnementales": _considerations(rng, social=False),
    }


def generate_file(args: tuple[str, int, int]) -> int:
    """Write one wrapped DECP JSON file of `count` records (~3 % republished later with a change)."""
    path, file_index, count = args
    rng = random.Random(SEED + file_index)
    u = universe()
    weights = [1 / (rank + 1) ** 1.05 for rank in range(N_BUYERS)]
    u["buyer_cum"] = list(itertools.accumulate(weights))
    u["cpv"] = _weighted(CPV_CODES)
    u["procedures"] = _weighted(PROCEDURES)
    recent: list[dict[str, Any]] = []
    concessions: list[dict[str, Any]] = []
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"marches": {"marche": [\n')
        n = 0
        while written < count:
            if recent and rng.random() < 0.03:
                record = dict(recent[rng.randrange(len(recent))])
                record["datePublicationDonnees"] = "2026-06-30"
                record["montant"] = _amount(rng)
            elif rng.random() < 0.003:
                concessions.append(_concession(rng, u, n, file_index))
                n += 1
                continue
            else:
                record = _marche(rng, u, n, file_index)
                n += 1
                if len(recent) < 5000:
                    recent.append(record)
                else:
                    recent[rng.randrange(5000)] = record
            out.write((",\n" if written else "") + json.dumps(record, ensure_ascii=False))
            written += 1
        out.write('\n],\n"contrat-concession": [\n')
        out.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in concessions))
        out.write("\n]}}\n")
    return written + len(concessions)


class Command(BaseCommand):
    help = "Mesure l'import DECP et les indicateurs sur un jeu synthétique de taille nationale."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--contracts", type=int, default=1_500_000)
        parser.add_argument("--dir", default=None, help="Dossier du jeu généré (réutilisé s'il existe).")
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["contracts"]
        base = Path(options["dir"] or Path(settings.INSIGHT_DB).parent / "bench-insight")
        if str(base).startswith(":memory:"):
            base = Path("var/bench-insight")
        folder = base / f"decp-{total}"
        files = self._generate(folder, total)

        db = folder / "bench.duckdb"
        for leftover in (db, Path(f"{db}.wal")):
            leftover.unlink(missing_ok=True)
        command = [sys.executable, "-m", "essaim.insight.decp_import", "--db", str(db)]
        if options["workers"]:
            command += ["--workers", str(options["workers"])]
        started = time.monotonic()
        completed = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=True)  # noqa: S603
        import_s = time.monotonic() - started
        child = json.loads(completed.stdout.strip().splitlines()[-1])

        u = universe()
        con = store.connect(db)
        ess_rng = random.Random(SEED + 1)
        store.refresh_ess_links(
            con, ((h[:9], True, ess_rng.random() < 0.3) for h in u["holders"] if ess_rng.random() < 0.05)
        )
        con.close()
        con = store.connect(db, read_only=True)
        buyers = [
            b
            for (b,) in con.execute(
                "SELECT buyer_siret FROM contracts GROUP BY 1 ORDER BY count(*) DESC LIMIT 100"
            ).fetchall()
        ]
        rng = random.Random(SEED)
        buyers += [b[:9] if i % 2 else b for i, b in enumerate(rng.sample(u["buyers"], 100))]
        timings = []
        for buyer in buyers[:200]:
            t0 = time.perf_counter()
            indicators(con, buyer=buyer, year=2025)
            timings.append((time.perf_counter() - t0) * 1000)
        group = u["group"]

        def resolver(_: str) -> list[str]:
            return group[1:]

        t0 = time.perf_counter()
        indicators(con, buyer=f"epci:{group[0]}", year=2025, buyer_sirets_resolver=resolver)
        group_breakdowns(con, buyer=f"epci:{group[0]}", year=2025, buyer_sirets_resolver=resolver)
        group_s = time.perf_counter() - t0
        con.close()
        result = {
            "contracts": total,
            "import_s": round(import_s, 2),
            "peak_rss_mb": child["peak_rss_mb"],
            "import_cpu_s": child.get("cpu_s"),
            "indicators_ms_p95": round(statistics.quantiles(timings, n=20)[-1], 2),
            "group_report_s": round(group_s, 3),
            "report": {
                k: child[k] for k in ("read", "new", "updated", "unchanged", "duplicates", "rejected")
            },
        }
        self.stdout.write(json.dumps(result))

    def _generate(self, folder: Path, total: int) -> list[Path]:
        manifest = folder / "manifest.json"
        if manifest.exists():
            return [folder / name for name in json.loads(manifest.read_text())["files"]]
        folder.mkdir(parents=True, exist_ok=True)
        counts = [RECORDS_PER_FILE] * (total // RECORDS_PER_FILE)
        if total % RECORDS_PER_FILE:
            counts.append(total % RECORDS_PER_FILE)
        files = [folder / f"decp-{index:02d}.json" for index in range(len(counts))]
        jobs = [
            (str(path), index, count) for index, (path, count) in enumerate(zip(files, counts, strict=True))
        ]
        with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
            list(pool.map(generate_file, jobs))
        manifest.write_text(json.dumps({"contracts": total, "files": [p.name for p in files]}))
        return files
