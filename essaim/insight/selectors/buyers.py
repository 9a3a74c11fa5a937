"""Buyers: EPCI members, names by SIREN, readable labels, the territory's buyers (Django lookups)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from essaim.accounts.models import Organisation
from essaim.territory.models import Commune, Epci, PerimeterCommune

from ..errors import InsightError

# --- buyers --------------------------------------------------------------------------------------------


def epci_member_sirens(epci_siren: str) -> list[str]:
    """SIRENs of the member communes of an EPCI/EPT, from the territory data."""
    epci = Epci.objects.filter(siren=epci_siren).first()
    if epci is None:
        raise InsightError(f"EPCI inconnu : {epci_siren}. Importez d'abord le découpage administratif.")
    return list(epci.communes.exclude(siren="").values_list("siren", flat=True))


def town(name: str) -> str:
    """« Ville de Vitry-sur-Seine », « Ville d'Ivry-sur-Seine », « Ville du Kremlin-Bicêtre »."""
    if name.startswith("Le "):
        return f"Ville du {name[3:]}"
    if name.startswith("Les "):
        return f"Ville des {name[4:]}"
    if name[:1] in "AEIOUYÉÈÊÂÎÔ":
        return f"Ville d'{name}"
    return f"Ville de {name}"


def names_by_siren(sirens: set[str] | list[str]) -> dict[str, str]:
    """Names of buyers by SIREN: EPCI/EPT, communes, then organisations of the platform."""
    wanted = {s for s in sirens if s}
    names: dict[str, str] = {}
    for siren, name in Organisation.objects.filter(siren__in=wanted).values_list("siren", "name"):
        names[siren] = name
    for siren, name in Commune.objects.filter(siren__in=wanted).values_list("siren", "name"):
        names.setdefault(siren, town(name))
    for siren, name, kind in Epci.objects.filter(siren__in=wanted).values_list("siren", "name", "kind"):
        names[siren] = f"{name} ({kind})" if kind else name
    return names


def buyer_label(buyer: str) -> str:
    """A readable name for a buyer identifier (SIRET, SIREN or epci:SIREN)."""
    value = buyer.strip().replace(" ", "")
    if value.startswith("epci:"):
        siren = value.removeprefix("epci:")
        epci = names_by_siren([siren]).get(siren, f"EPCI {siren}")
        return f"{epci} et ses communes membres"
    name = names_by_siren([value[:9]]).get(value[:9])
    if len(value) == 14:
        return f"{name} — établissement {value}" if name else f"Établissement {value}"
    return name or f"SIREN {value}"


@dataclass(frozen=True)
class BuyerChoice:
    value: str
    label: str


def territory_buyers() -> list[BuyerChoice]:
    """The territory's buyers: its EPCI/EPT as a group and alone, then its member communes by name."""
    code = settings.ESSAIM_BRAND.get("territory_perimeter", "")
    choices: list[BuyerChoice] = []
    if code.startswith("epci:"):
        epci = Epci.objects.filter(siren=code.removeprefix("epci:")).first()
        if epci is not None:
            choices.append(BuyerChoice(f"epci:{epci.siren}", f"{epci.name} et ses communes membres"))
            choices.append(BuyerChoice(epci.siren, f"{epci.name} ({epci.kind}) seul"))
    communes = (
        Commune.objects.filter(
            code__in=PerimeterCommune.objects.filter(perimeter__code=code).values("commune_id")
        )
        .exclude(siren="")
        .order_by("name")
    )
    choices += [BuyerChoice(c.siren, town(c.name)) for c in communes]
    return choices
