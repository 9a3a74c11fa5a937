"""Link DECP holders to the social and solidarity economy: fill `ess_sirens` from the directory.

Reads the transactional database (directory structures), writes only the DuckDB store.

* a **published** directory structure gives (siren, is_directory=True, is_inclusion = any inclusion kind);
* a structure imported from SIRENE (`source="sirene"`, kept only when `economieSocialeSolidaireUniteLegale`
  is « O ») that is not published (draft, to review) still counts as ESS: (siren, False, is_inclusion);
* delisted structures are left out; the SIREN is the structure's, else the first 9 digits of its SIRET.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
from django.db.models import Q

from essaim.directory.models import Structure

from . import store


def ess_link_rows() -> Iterator[tuple[str, bool, bool]]:
    """(siren, is_directory, is_inclusion) of every ESS structure the directory knows."""
    rows = (
        Structure.objects.exclude(status=Structure.Status.DELISTED)
        .filter(Q(status=Structure.Status.PUBLISHED) | Q(source="sirene"))
        .exclude(siren="", siret="")
        .values_list("siren", "siret", "status", "inclusion_kinds_mask")
    )
    for siren, siret, status, kinds in rows.iterator(chunk_size=5000):
        key = (siren or "").replace(" ", "") or (siret or "").replace(" ", "")[:9]
        yield key, status == Structure.Status.PUBLISHED, bool(kinds)


def link(con: duckdb.DuckDBPyConnection | None = None, *, db_path: str | Path | None = None) -> int:
    """Replace `ess_sirens` from the directory; returns the number of SIRENs kept."""
    own = con is None
    connection = con if con is not None else store.connect(db_path)
    try:
        return store.refresh_ess_links(connection, ess_link_rows())
    finally:
        if own:
            connection.close()
