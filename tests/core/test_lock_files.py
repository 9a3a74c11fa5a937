"""The lock files (`make lock`) follow pyproject.toml: `make install` installs from them with `--no-deps` for
the project itself, so a dependency added to pyproject.toml but not locked would be missing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, version in PIN.findall(path.read_text(encoding="utf-8")):
        found.setdefault(canonical(name), set()).add(version)
    return found


def declared(*groups: str) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for group in groups:
        lines += project["optional-dependencies"][group]
    return {canonical(name): version for name, version in (PIN.match(line).groups() for line in lines)}  # type: ignore[union-attr]


def test_every_pinned_dependency_is_locked_at_its_version() -> None:
    for lock, groups in (("runtime.txt", ()), ("dev.txt", ("dev",))):
        locked = pins(ROOT / "requirements" / lock)
        for name, version in declared(*groups).items():
            assert locked.get(name) == {version}, (
                f"{name}=={version} in pyproject.toml, not in {lock}: make lock"
            )


def test_every_locked_requirement_has_hashes() -> None:
    for lock in ("pip.txt", "runtime.txt", "dev.txt", "tools.txt"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements" / lock).read_text(encoding="utf-8"))
        requirements = [entry for entry in entries if PIN.match(entry)]
        assert requirements and all("--hash=sha256:" in entry for entry in requirements), lock
