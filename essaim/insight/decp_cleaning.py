"""Normalise one raw DECP record into a flat clean record. Pure: no Django, no I/O.

Three raw shapes are accepted:

* a JSON *marché* (schema 2.0.x, wrapped lists or plain lists, old flat ``acheteur.id`` key),
* a JSON *contrat de concession* (``autoriteConcedante``, ``concessionnaires``, ``valeurGlobale``),
* a row of the tabular consolidation (one row per contract × holder × modification; all values strings
  when read from CSV, typed when read from Parquet).

Every rule is documented in ``docs/insight.md``. Nothing here raises on bad input: a record is either
cleaned (with ``flags`` saying what was repaired or dropped) or rejected with a reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal, NamedTuple, TypedDict

from essaim.core.dates import add_months

Kind = Literal["marche", "concession"]

MIN_AMOUNT = 1.0
MAX_AMOUNT = 3_000_000_000.0
MIN_YEAR = 2000

# Values that mean "nothing here" in the sources (tabular consolidations tag missing values MQ, CDL, INX…).
MISSING_TOKENS = frozenset({"", "nc", "n/c", "nd", "n/a", "na", "null", "none", "mq", "cdl", "-", "?"})
TRUE_TOKENS = frozenset({"oui", "1", "true", "vrai", "o", "yes", "y", "t"})
FALSE_TOKENS = frozenset({"non", "0", "false", "faux", "n", "no", "f"})

# Why a record was rejected: the code kept in the data (`rejected.reason`), the words shown to people.
REJECTION_LABELS = {
    "not_an_object": "Publication illisible (ni un marché ni une concession)",
    "buyer_id_broken": "Identifiant de l'acheteur illisible",
    "buyer_id_missing": "Acheteur sans SIRET",
    "id_broken": "Numéro du marché illisible",
    "id_missing": "Marché publié sans numéro",
    "file_missing": "Fichier introuvable",
    "file_broken": "Fichier illisible",
}


def rejection_label(reason: str) -> str:
    """The French words for a rejection code, with the detail some carry ("file_broken: <error>")."""
    code, _, detail = reason.partition(":")
    label = REJECTION_LABELS.get(code.strip(), "Motif non précisé")
    return f"{label} : {detail.strip()}" if detail.strip() else label


SOCIAL_CLAUSE = "clause sociale"
SOCIAL_CRITERION = "critère social"
SOCIAL_RESERVED = ("marché réservé", "concession réservée")
SOCIAL_NONE = "pas de considération sociale"
ENV_CLAUSE = "clause environnementale"
ENV_CRITERION = "critère environnemental"
ENV_NONE = "pas de considération environnementale"


class Holder(TypedDict):
    id: str
    id_type: str | None
    siren: str | None


class CleanRecord(TypedDict):
    kind: Kind
    buyer_siret: str
    buyer_siren: str | None
    id: str
    nature: str | None
    object: str | None
    cpv: str | None
    cpv_division: str | None
    purchase_type: str | None
    procedure: str | None
    duration_months: int | None
    duration_final_months: int | None
    notified_on: date | None
    ends_on: date | None
    published_on: date | None
    amount_raw: float | None
    amount: float | None
    amount_outlier: bool
    social_clause: bool
    social_criterion: bool
    reserved: bool
    environmental_clause: bool
    environmental_criterion: bool
    contradictory: bool
    place_code: str | None
    offers_received: int | None
    innovative: bool | None
    subcontracting_declared: bool | None
    modification_id: int | None
    holders: list[Holder]
    flags: list[str]


class Cleaned(NamedTuple):
    """Either ``record`` (possibly with flags) or ``rejected`` (the reason), never both."""

    record: CleanRecord | None
    rejected: str | None


# --- scalar helpers ------------------------------------------------------------------------------


def text(value: Any) -> str | None:
    """A stripped string, or None for missing markers ("NC", "", MQ, INX…) and non-scalars."""
    if type(value) is str:
        result = value.strip()
    elif value is None or isinstance(value, (dict, list, bool)):
        return None
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        result = str(int(value)) if value.is_integer() else str(value)
    else:
        result = str(value).strip()
    if len(result) <= 4 and result.casefold() in MISSING_TOKENS:
        return None
    if result[:1] in ("I", "i") and result[:3].upper() == "INX":
        return None
    return result


def boolean(value: Any) -> bool | None:
    """`oui`/`non`, `1`/`0`, `true`/`false` (any case), real booleans; anything else is None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        token = value.strip().casefold()
        if token in TRUE_TOKENS:
            return True
        if token in FALSE_TOKENS:
            return False
    return None


def number(value: Any) -> float | None:
    """A finite float from a number or a French/English numeric string ("1 234,5"); else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        raw = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
        if not raw:
            return None
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".") if raw.count(",") == 1 else raw.replace(",", "")
        try:
            result = float(raw)
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def integer(value: Any) -> int | None:
    """A non-negative int (12, "12", 12.0); None for "NC", fractions, negatives and absurd values."""
    result = number(value)
    if result is None or result < 0 or result > 10_000 or not result.is_integer():
        return None
    return int(result)


def parse_date(value: Any, today: date) -> tuple[date | None, bool]:
    """(date, was_invalid). Accepts "2024-05-15", "2024-05-15+01:00", "2024-05-15T10:00:00Z".

    Years before 2000 and dates after `today` are impossible for DECP 2.0 and become None.
    """
    if value is None or value == "":
        return None, False
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed: date | None = value
    elif isinstance(value, str):
        raw = value.strip()
        if raw.casefold() in MISSING_TOKENS:
            return None, False
        try:
            parsed = date.fromisoformat(raw[:10]) if raw[4:5] == "-" and raw[7:8] == "-" else None
        except ValueError:
            parsed = None
        if parsed is None and len(raw) >= 10 and raw[2:3] == "/":  # 15/05/2024
            try:
                parsed = date(int(raw[6:10]), int(raw[3:5]), int(raw[0:2]))
            except ValueError:
                parsed = None
    else:
        parsed = None
    if parsed is None or parsed.year < MIN_YEAR or parsed > today:
        return None, True
    return parsed, False


def end_date(notified_on: date | None, duration_months: int | None) -> date | None:
    """Notification date + duration in months; None without a valid date or a positive duration (never
    guessed)."""
    if notified_on is None or not duration_months:
        return None
    return add_months(notified_on, duration_months)


def is_outlier(amount: float) -> bool:
    """< 1 €, > 3 billion €, or an integer made of one repeated digit (1, 99999, 999999999)."""
    if amount < MIN_AMOUNT or amount > MAX_AMOUNT:
        return True
    if amount.is_integer():
        digits = str(int(amount))
        return digits.count(digits[0]) == len(digits)
    return False


def cpv_root(value: Any) -> tuple[str | None, bool]:
    """(8-digit root, invalid). "45000000-7" and "450000007" give "45000000"; 7 digits is invalid."""
    raw = text(value)
    if raw is None:
        return None, False
    head = raw.split("-", 1)[0].replace(" ", "")
    if not head.isdigit() or len(head) < 8:
        return None, True
    return head[:8], False


def purchase_type(division: str) -> str | None:
    """45 = travaux; 01–44 and 48 = fournitures; 50–98 = services; other divisions do not exist."""
    number_ = int(division)
    if number_ == 45:
        return "travaux"
    if 1 <= number_ <= 44 or number_ == 48:
        return "fournitures"
    if 50 <= number_ <= 98:
        return "services"
    return None


# --- list helpers --------------------------------------------------------------------------------


def unwrap_list(value: Any, inner_key: str) -> list[Any]:
    """`{"considerationSociale": [...]}`, `[...]`, `[{"titulaire": {...}}]`, nested lists → flat list."""
    if value is None:
        return []
    if type(value) is dict:
        if inner_key in value:
            return unwrap_list(value[inner_key], inner_key)
        return [value]
    if type(value) is list:
        result: list[Any] = []
        for item in value:
            kind = type(item)
            if kind is list:
                result.extend(unwrap_list(item, inner_key))
            elif kind is dict and inner_key in item:
                inner = item[inner_key]
                if type(inner) is dict:
                    result.append(inner)
                else:
                    result.extend(unwrap_list(inner, inner_key))
            else:
                result.append(item)
        return result
    return [value]


def considerations(value: Any, inner_key: str) -> set[str]:
    """The casefolded consideration values; comma-joined strings (tabular) are split."""
    found: set[str] = set()
    for item in unwrap_list(value, inner_key):
        if isinstance(item, str):
            for part in item.split(","):
                token = part.strip().casefold()
                if token and token not in MISSING_TOKENS:
                    found.add(token)
    return found


def holders(value: Any, inner_key: str, flags: list[str]) -> list[Holder]:
    """Holders with their SIREN (first 9 digits of a SIRET); empty or malformed blocks are skipped."""
    result: list[Holder] = []
    seen: set[str] = set()
    for item in unwrap_list(value, inner_key):
        if not isinstance(item, dict):
            if item not in (None, "", {}):
                flags.append("holder_invalid")
            continue
        holder = _holder(item.get("id"), item.get("typeIdentifiant"), flags)
        if holder is not None and holder["id"] not in seen:
            seen.add(holder["id"])
            result.append(holder)
    return result


def _holder(raw_id: Any, raw_type: Any, flags: list[str]) -> Holder | None:
    id_type = text(raw_type)
    id_type = id_type.upper() if id_type else None
    if isinstance(raw_id, int) and not isinstance(raw_id, bool) and id_type in (None, "SIRET"):
        holder_id: str | None = str(raw_id).zfill(14)  # Parquet/CSV integers lost the leading zeros
    else:
        holder_id = text(raw_id)
    if holder_id is None:
        return None
    holder_id = holder_id.replace(" ", "")
    siren = None
    if holder_id.isdigit() and (id_type == "SIRET" or len(holder_id) == 14):
        if len(holder_id) == 14:
            siren = holder_id[:9]
        else:
            flags.append("holder_siret_invalid")
    return {"id": holder_id, "id_type": id_type, "siren": siren}


# --- the record ----------------------------------------------------------------------------------


def _buyer(raw: Mapping[str, Any], block: str) -> Any:
    buyer = raw.get(block)
    if isinstance(buyer, dict):
        return buyer.get("id")
    if buyer is not None:
        return buyer  # a bare SIRET instead of {"id": ...}
    return raw.get(f"{block}.id", raw.get(f"{block}_id"))


def _buyer_siret(value: Any, flags: list[str]) -> tuple[str | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value).zfill(14)
    if isinstance(value, float) and value.is_integer():
        value = str(int(value)).zfill(14)
    siret = text(value)
    if siret is None:
        return None, None
    siret = siret.replace(" ", "")
    if siret.isdigit() and len(siret) == 14:
        return siret, siret[:9]
    flags.append("buyer_siret_invalid")
    return siret, siret[:9] if siret[:9].isdigit() and len(siret) >= 9 else None


def _latest_modification(raw: Mapping[str, Any], field: str) -> tuple[Any, int | None]:
    """(value of `field` in the modification with the highest id carrying it, that id)."""
    best_id = -1
    best: Any = None
    for item in unwrap_list(raw.get("modifications"), "modification"):
        if not isinstance(item, dict) or item.get(field) is None:
            continue
        mod_id = integer(item.get("id"))
        mod_id = 0 if mod_id is None else mod_id
        if mod_id >= best_id:
            best_id, best = mod_id, item.get(field)
    return best, (best_id if best_id >= 0 else None)


def _latest_duration(raw: Mapping[str, Any]) -> int | None:
    """`dureeMois` of the modification with the highest id that sets a valid (positive, whole) one."""
    best_id = -1
    best: int | None = None
    for item in unwrap_list(raw.get("modifications"), "modification"):
        if not isinstance(item, dict):
            continue
        months = integer(item.get("dureeMois"))
        if not months:
            continue
        mod_id = integer(item.get("id"))
        mod_id = 0 if mod_id is None else mod_id
        if mod_id >= best_id:
            best_id, best = mod_id, months
    return best


def _present(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, float) and math.isnan(value))


def detect_kind(raw: Mapping[str, Any]) -> Kind:
    """Concession when the record says so (`_type`, nature) or carries a concession authority and no buyer.

    Consolidated files put empty concession fields ("autoriteConcedante": "") on marchés: only filled
    values count.
    """
    declared = raw.get("_type")
    if isinstance(declared, str) and declared.strip():
        return "concession" if "concession" in declared.casefold() else "marche"
    nature = raw.get("nature")
    if isinstance(nature, str) and nature.strip().casefold().startswith("concession"):
        return "concession"
    if _present(raw.get("acheteur")) or _present(raw.get("acheteur.id")) or _present(raw.get("acheteur_id")):
        return "marche"
    if _present(raw.get("autoriteConcedante")) or _present(raw.get("concessionnaires")):
        return "concession"
    return "marche"


def clean(raw: Any, *, today: date | None = None, tabular: bool = False) -> Cleaned:
    """Clean one record (JSON marché/concession, or a tabular row when `tabular`)."""
    if not isinstance(raw, dict):
        return Cleaned(None, "not_an_object")
    today = today or datetime.now(tz=UTC).date()
    kind: Kind = detect_kind(raw)
    flags: list[str] = []
    concession = kind == "concession"

    raw_buyer = _buyer(raw, "autoriteConcedante" if concession else "acheteur")
    if isinstance(raw_buyer, dict | list):
        return Cleaned(None, "buyer_id_broken")
    buyer_siret, buyer_siren = _buyer_siret(raw_buyer, flags)
    if buyer_siret is None:
        return Cleaned(None, "buyer_id_missing")

    raw_id = raw.get("id")
    if isinstance(raw_id, dict | list | bool):
        return Cleaned(None, "id_broken")
    contract_id = text(raw_id)
    if contract_id is None and tabular:
        uid = text(raw.get("uid"))
        if uid and uid.startswith(buyer_siret) and len(uid) > len(buyer_siret):
            contract_id = uid[len(buyer_siret) :]
    if contract_id is None:
        return Cleaned(None, "id_missing")

    # Amount: the modification with the highest id wins over the initial amount.
    amount_field = "valeurGlobale" if concession else "montant"
    modification_id: int | None = None
    if tabular:
        raw_amount = raw.get(amount_field)
        modification_id = integer(raw.get("modification_id"))
    else:
        raw_amount, modification_id = _latest_modification(raw, amount_field)
        if raw_amount is None:
            raw_amount = raw.get(amount_field)
            modification_id = None
    amount_raw = number(raw_amount)
    if amount_raw is None:
        flags.append("amount_missing")
        amount_outlier = True
    else:
        amount_outlier = is_outlier(amount_raw)
        if amount_outlier:
            flags.append("amount_outlier")
    amount = None if amount_outlier else amount_raw

    cpv, cpv_invalid = (None, False) if concession else cpv_root(raw.get("codeCPV"))
    division = kind_ = None
    if cpv is not None:
        division = cpv[:2]
        kind_ = purchase_type(division)
        if kind_ is None:
            cpv_invalid = True
            cpv = division = None
    if cpv_invalid:
        flags.append("cpv_invalid")

    date_field = "dateSignature" if concession else "dateNotification"
    notified_on, bad = parse_date(raw.get(date_field), today)
    if bad:
        flags.append("notified_on_invalid")
    published_on, bad = parse_date(raw.get("datePublicationDonnees"), today)
    if bad:
        flags.append("published_on_invalid")

    duration = raw.get("dureeMois")
    duration_months = integer(duration)
    if duration_months is None and text(duration) is not None:
        flags.append("duration_invalid")
    # The duration that ends the contract: the latest modification setting a valid one, else its own.
    if tabular:
        modified_duration = integer(raw.get("modification_dureeMois"))
    else:
        modified_duration = _latest_duration(raw)
    duration_final = modified_duration if modified_duration else duration_months

    social = considerations(raw.get("considerationsSociales"), "considerationSociale")
    env = considerations(raw.get("considerationsEnvironnementales"), "considerationEnvironnementale")
    social_clause = SOCIAL_CLAUSE in social
    social_criterion = SOCIAL_CRITERION in social
    reserved = any(value in social for value in SOCIAL_RESERVED)
    environmental_clause = ENV_CLAUSE in env
    environmental_criterion = ENV_CRITERION in env
    contradictory = False
    if SOCIAL_NONE in social and (social_clause or social_criterion or reserved):
        contradictory = True
        flags.append("social_contradictory")
    if ENV_NONE in env and (environmental_clause or environmental_criterion):
        contradictory = True
        flags.append("environmental_contradictory")

    holder_block, holder_key = (
        ("concessionnaires", "concessionnaire") if concession else ("titulaires", "titulaire")
    )
    if tabular:
        one = _holder(raw.get("titulaire_id"), raw.get("titulaire_typeIdentifiant"), flags)
        holder_list: list[Holder] = [one] if one else []
    else:
        holder_list = holders(raw.get(holder_block), holder_key, flags)

    place = raw.get("lieuExecution")
    place_code = text(place.get("code")) if isinstance(place, dict) else text(raw.get("lieuExecution_code"))

    return Cleaned(
        {
            "kind": kind,
            "buyer_siret": buyer_siret,
            "buyer_siren": buyer_siren,
            "id": contract_id,
            "nature": text(raw.get("nature")),
            "object": text(raw.get("objet")),
            "cpv": cpv,
            "cpv_division": division,
            "purchase_type": kind_,
            "procedure": text(raw.get("procedure")),
            "duration_months": duration_months,
            "duration_final_months": duration_final,
            "notified_on": notified_on,
            "ends_on": end_date(notified_on, duration_final),
            "published_on": published_on,
            "amount_raw": amount_raw,
            "amount": amount,
            "amount_outlier": amount_outlier,
            "social_clause": social_clause,
            "social_criterion": social_criterion,
            "reserved": reserved,
            "environmental_clause": environmental_clause,
            "environmental_criterion": environmental_criterion,
            "contradictory": contradictory,
            "place_code": place_code,
            "offers_received": integer(raw.get("offresRecues")),
            "innovative": boolean(raw.get("marcheInnovant")),
            "subcontracting_declared": boolean(raw.get("sousTraitanceDeclaree")),
            "modification_id": modification_id,
            "holders": holder_list,
            "flags": list(dict.fromkeys(flags)),
        },
        None,
    )
