"""Rebuild the committed extract of @etalab/decoupage-administratif (run by a maintainer, not at deploy)."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess  # noqa: S404 - npm is called with an argument list, never through a shell
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.territory.extract import (
    DATA_LICENCE,
    PACKAGE,
    ExtractError,
    build_extract,
    dump_extract,
    extract_filename,
    sha256,
    summary_counts,
)
from essaim.territory.services import DATA_DIR, EXTRACT_VERSION


class Command(BaseCommand):
    help = (
        "Construit l'extrait compact du découpage administratif (essaim/territory/data/) à partir du paquet "
        f"npm {PACKAGE}, téléchargé avec `npm pack` ou lu dans un répertoire déjà dépaqueté."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version names the npm package version; it replaces Django's --version (print Django's).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--package-dir",
            type=Path,
            help="répertoire du paquet dépaqueté (celui qui contient package.json et data/) ; sinon npm pack",
        )
        parser.add_argument(
            "--version", dest="package_version", default=EXTRACT_VERSION, help="version du paquet"
        )
        parser.add_argument("--output-dir", type=Path, default=DATA_DIR, help="répertoire de l'extrait")

    def handle(self, *args: Any, **options: Any) -> None:
        version: str = options["package_version"]
        output_dir: Path = options["output_dir"]
        tarball: dict[str, str] = {}
        with tempfile.TemporaryDirectory(prefix="essaim-decoupage-") as tmp:
            package_dir: Path | None = options["package_dir"]
            if package_dir is None:
                package_dir, tarball = self._npm_pack(version, Path(tmp))
            package_json = package_dir / "package.json"
            if not package_json.is_file():
                raise CommandError(
                    f"{package_json} introuvable : --package-dir doit désigner le paquet dépaqueté."
                )
            found = json.loads(package_json.read_text(encoding="utf-8"))
            if found.get("name") != PACKAGE or found.get("version") != version:
                raise CommandError(
                    f"Le paquet de {package_dir} est {found.get('name')}@{found.get('version')}, "
                    f"pas {PACKAGE}@{version} (précisez --version)."
                )
            try:
                extract = build_extract(package_dir / "data", version=version)
            except ExtractError as error:
                raise CommandError(str(error)) from error
        content = dump_extract(extract)
        output_dir.mkdir(parents=True, exist_ok=True)
        target = output_dir / extract_filename(version)
        target.write_bytes(content)
        counts = summary_counts(extract)
        (output_dir / "PROVENANCE.md").write_text(
            _provenance(
                version, target.name, content, counts, tarball, from_dir=options["package_dir"] is not None
            ),
            encoding="utf-8",
        )
        self.stdout.write(
            json.dumps({"path": str(target), "bytes": len(content), "sha256": sha256(content), **counts})
        )

    def _npm_pack(self, version: str, tmp: Path) -> tuple[Path, dict[str, str]]:
        npm = shutil.which("npm")
        if npm is None:
            raise CommandError("npm est introuvable : installez Node.js ou passez --package-dir.")
        spec = f"{PACKAGE}@{version}"
        self.stderr.write(f"npm pack {spec}…")
        try:
            completed = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [npm, "pack", spec, "--json", "--pack-destination", str(tmp)],
                cwd=tmp,
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            stderr = getattr(error, "stderr", "") or ""
            raise CommandError(f"npm pack {spec} a échoué : {stderr.strip()}") from error
        info = json.loads(completed.stdout)[0]
        archive = tmp / info["filename"]
        with tarfile.open(archive) as tar:
            tar.extractall(tmp / "unpacked", filter="data")
        return tmp / "unpacked" / "package", {
            "integrity": info.get("integrity", ""),
            "shasum": info.get("shasum", ""),
        }


def _provenance(
    version: str,
    filename: str,
    content: bytes,
    counts: dict[str, int],
    tarball: dict[str, str],
    *,
    from_dir: bool,
) -> str:
    today = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    command = (
        f"essaim territory_build_extract --version {version} --package-dir <paquet dépaqueté>"
        if from_dir
        else f"essaim territory_build_extract --version {version}"
    )
    lines = [
        "# Provenance de l'extrait du découpage administratif",
        "",
        f"- Fichier : `{filename}` ({len(content):_} octets, sha256 `{sha256(content)}`)".replace("_", " "),
        f"- Source : paquet npm [`{PACKAGE}`](https://www.npmjs.com/package/{PACKAGE}) version {version}",
        "  (dépôt https://github.com/etalab/decoupage-administratif, fichiers `data/*.json`)",
        f"- Licence : {DATA_LICENCE}",
        "  (https://www.etalab.gouv.fr/licence-ouverte-open-licence). Réutilisation libre, en citant la source :",
        "  « Etalab, découpage administratif, d'après le Code officiel géographique de l'Insee ».",
        f"- Construit le : {today}",
        f"- Commande : `{command}`",
    ]
    if tarball:
        lines.append(f"- Archive npm : intégrité `{tarball['integrity']}`, shasum `{tarball['shasum']}`")
    lines += [
        "",
        "## Contenu",
        "",
        f"- {counts['regions']} régions et {counts['departements']} départements (collectivités d'outre-mer comprises)",
        f"- {counts['communes']} communes actuelles et {counts['arrondissements']} arrondissements municipaux",
        "  (les communes déléguées et associées ne sont pas reprises)",
        f"- {counts['epci']} EPCI à fiscalité propre et {counts['ept']} EPT de la Métropole du Grand Paris, avec leurs communes",
        "",
        "Le fichier est du JSON trié, compressé par gzip avec une date nulle : reconstruire à partir du même paquet",
        "donne les mêmes octets. Chargement : `essaim territory_load` (voir docs/territory.md).",
        "",
    ]
    return "\n".join(lines)
