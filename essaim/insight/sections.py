"""Sections other apps add to the SPASER report, without insight importing them.

An app registers a section from its `AppConfig.ready()`:

    sections.register(key="clauses", title="Clauses sociales d'insertion", order=10,
                      build="essaim.clauses.spaser.section",
                      template="clauses/includes/spaser_section.html")

`build(sirens, year)` receives the buyer's SIRENs/SIRETs (the EPT and its communes for `epci:SIREN`, as for
the collaborations) and returns the section's data (any object with a `tables()` method returning
`ReportTable`s for the CSV and XLSX files), or None to leave the section out. The template is included in
the page and the PDF with `section` (the registration) and `data` in its context, inside a `<section>`
whose heading has the id `section.key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    build: str
    template: str


@dataclass(frozen=True)
class BuiltSection:
    section: Section
    data: Any

    def tables(self) -> list[Any]:
        tables = getattr(self.data, "tables", None)
        return list(tables()) if callable(tables) else []


_sections: dict[str, Section] = {}


def register(*, key: str, title: str, order: int, build: str, template: str) -> None:
    _sections[key] = Section(key, title, order, build, template)


def registered() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def build_all(sirens: list[str], year: int) -> list[BuiltSection]:
    built = []
    for section in registered():
        data = import_string(section.build)(sirens, year)
        if data is not None:
            built.append(BuiltSection(section, data))
    return built
