"""The `match` command and the bridge from the database, on the real territory and the directory demo."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.directory.models import Structure
from essaim.sourcing.management.commands.bench_matching import evaluate, load_labels
from essaim.sourcing.match_input import candidates_from_db, need_from_dict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_directory")]

TOYS = {
    "title": "Achat de jouets de réemploi pour les crèches",
    "description": "Jouets d'éveil nettoyés et contrôlés pour les crèches municipales.",
    "sectors": ["jouets"],
    "service_types": ["fourniture"],
    "commune": "94081",
    "reserved": None,
    "amount": 50000,
}


def match(tmp_path: Path, need: Any, *args: str) -> list[dict[str, Any]]:
    path = tmp_path / "besoin.json"
    path.write_text(need if isinstance(need, str) else json.dumps(need), encoding="utf-8")
    out = io.StringIO()
    call_command("match", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_vitry_buyer_sees_rejoue_first_with_its_reasons(tmp_path: Path) -> None:
    results = match(tmp_path, TOYS, "--limit", "5")
    assert len(results) == 5
    first = results[0]
    assert first["name"] == "Rejoué"
    assert set(first) == {"id", "name", "score", "reasons"}
    assert first["id"] == Structure.objects.get(name="Rejoué").pk
    assert first["reasons"][:3] == [
        "secteur : jouets",
        "intervient à Vitry-sur-Seine",
        "propose de la fourniture",
    ]
    assert any(r.startswith("mots en commun : ") and "jouets" in r for r in first["reasons"])
    assert first["score"] > results[1]["score"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_rejoue_comes_first_from_the_words_alone(tmp_path: Path) -> None:
    need = {"title": TOYS["title"], "commune": "94081"}
    assert match(tmp_path, need, "--limit", "1")[0]["name"] == "Rejoué"


def test_quality_on_the_labelled_needs() -> None:
    labels = load_labels()
    assert len(labels) >= 30
    report = evaluate(labels)
    assert report["ndcg@10"] >= 0.9, sorted(report["per_need"], key=lambda n: n["ndcg"])[:5]


def test_every_published_structure_is_ranked_without_limit(tmp_path: Path) -> None:
    results = match(tmp_path, TOYS)
    assert len(results) == Structure.objects.published().count()


def test_reserved_need_lists_only_eligible_structures(tmp_path: Path) -> None:
    need = {
        **TOYS,
        "title": "Entretien des espaces verts",
        "sectors": ["espaces-verts"],
        "reserved": "L2113-12",
    }
    results = match(tmp_path, need)
    eligible = set(
        Structure.objects.published().filter(eligible_l2113_12=True).values_list("name", flat=True)
    )
    assert {r["name"] for r in results} == eligible
    assert results[0]["name"] in {"EA Jardins de la Sellerie", "ESAT Les Ateliers du Val"}
    assert results[0]["reasons"][0] == "éligible aux marchés réservés L2113-12 (EA, ESAT)"


def test_need_on_the_ept_perimeter(tmp_path: Path) -> None:
    need = {"title": "Collecte des biodéchets", "sectors": ["biodechets"], "perimeter": "epci:200058014"}
    results = match(tmp_path, need, "--limit", "3")
    assert results[0]["name"] == "Compost'Orly"
    assert "intervient sur le territoire Grand-Orly Seine Bièvre" in results[0]["reasons"]


def test_text_output(tmp_path: Path) -> None:
    path = tmp_path / "besoin.json"
    path.write_text(json.dumps(TOYS), encoding="utf-8")
    out = io.StringIO()
    call_command("match", str(path), "--limit", "2", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("  1. Rejoué — ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{pas du json", "JSON illisible"),
        ("[1, 2]", "objet JSON"),
        (json.dumps({**TOYS, "title": ""}), "« title » est obligatoire"),
        (json.dumps({**TOYS, "commune": "99999"}), "Commune inconnue : 99999"),
        (json.dumps({**TOYS, "commune": None, "perimeter": "epci:000000000"}), "Périmètre inconnu"),
        (json.dumps({**TOYS, "perimeter": "dep:94"}), "soit « commune », soit « perimeter »"),
        (json.dumps({**TOYS, "sectors": ["astronautique"]}), "Secteur inconnu : astronautique"),
        (json.dumps({**TOYS, "sectors": "jouets"}), "doit être une liste"),
        (json.dumps({**TOYS, "service_types": ["magie"]}), "Type de prestation inconnu : magie"),
        (json.dumps({**TOYS, "reserved": "L2113-99"}), "Réservation inconnue : L2113-99"),
        (json.dumps({**TOYS, "amount": "beaucoup"}), "« amount » doit être un montant"),
        (json.dumps({**TOYS, "amount": -5}), "« amount » doit être un montant"),
        (json.dumps({**TOYS, "commune": 94081}), "« commune » doit être un code"),
    ],
)
def test_bad_input_is_a_french_error_with_exit_code_2(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(CommandError, match=message) as error:
        match(tmp_path, content)
    assert error.value.returncode == 2


def test_missing_file_and_bad_limit(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Fichier introuvable") as error:
        call_command("match", str(tmp_path / "absent.json"), "--json")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="--limit"):
        match(tmp_path, TOYS, "--limit", "0")


def test_candidates_are_read_in_a_fixed_number_of_queries(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):
        candidates = candidates_from_db()
    rejoue = next(c for c in candidates if c.name == "Rejoué")
    assert {a.subsector for a in rejoue.activities} == {"jouets", "ressourcerie"}
    assert {"94081", "epci:200058014", "dep:94"} <= rejoue.perimeters
    assert rejoue.eligible_l2113_13 and not rejoue.eligible_l2113_12
    assert rejoue.terms["jouet"] >= 3
    assert 0 < rejoue.completeness < 1


def test_place_of_a_commune_uses_the_narrowest_epci() -> None:
    need = need_from_dict({"title": "x", "commune": "94081"}).need
    assert need.place == {"commune": "94081", "epci": "epci:200058014", "dep": "dep:94", "reg": "reg:11"}
    assert need.place_names["94081"] == "Vitry-sur-Seine"


def _in_sector_and_place(names: set[str]) -> None:
    for structure in Structure.objects.filter(name__in=names).prefetch_related("activities__sector__parent"):
        tops = {(a.sector.parent or a.sector).slug for a in structure.activities.all()}
        assert "jeux-jouets" in tops, structure.name


def test_prefilter_of_a_large_directory_keeps_the_best_in_sector_and_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from essaim.sourcing import match_input
    from essaim.sourcing.matching import rank

    request = need_from_dict(TOYS)
    full = rank(request.need, candidates_from_db(match_input.candidate_queryset(request, prefilter=False)))
    monkeypatch.setattr(match_input, "MIN_PREFILTERED", 1)
    prefiltered = match_input.candidate_queryset(request, prefilter=True)
    names = set(prefiltered.values_list("name", flat=True))
    assert "Rejoué" in names and len(names) < len(full)
    _in_sector_and_place(names)
    monkeypatch.setattr(match_input, "PRESCORE_CANDIDATES", 2)
    capped = rank(request.need, candidates_from_db(match_input.candidate_queryset(request, prefilter=True)))
    assert [m.name for m in capped] == [m.name for m in full if m.name in {c.name for c in capped}]
    assert capped[0].name == "Rejoué" == full[0].name


def test_prefilter_falls_back_to_the_sector_alone_when_few_work_in_the_place() -> None:
    from essaim.sourcing.match_input import MIN_PREFILTERED, candidate_queryset

    request = need_from_dict({**TOYS, "commune": "13055"})  # Marseille: nobody of the demo works there
    names = set(candidate_queryset(request, prefilter=True).values_list("name", flat=True))
    assert 0 < len(names) < MIN_PREFILTERED and "Rejoué" in names
    _in_sector_and_place(names)


def test_prescore_in_the_database_equals_the_python_formula() -> None:
    from essaim.directory.search import get_backend, prescore
    from essaim.sourcing import match_input

    request = need_from_dict({**TOYS, "sectors": ["jouets", "reemploi"]})
    tags = match_input._place_tags(request)
    arguments = {
        "sectors": match_input._sector_tags(request),
        "places": match_input._place_levels(tags),
        "terms": match_input._prescore_terms(request),
    }
    expr = get_backend().expression([], [["zsjeuxjouets", "zsreemploi"]])
    scored = get_backend().prescored_ids(expr, eligible_any=[], limit=1000, **arguments)
    rows = Structure.objects.filter(id__in=[pk for pk, _s in scored]).values_list(
        "id", "search_tags", "search_body"
    )
    expected = {pk: prescore(set(t.split()), set(b.split()), **arguments) for pk, t, b in rows}  # type: ignore[arg-type]
    assert len(scored) > 3
    assert [pk for pk, _s in scored] == sorted(expected, key=lambda pk: (-expected[pk], pk))
    assert all(abs(score - expected[pk]) < 1e-6 for pk, score in scored)
    first_two = get_backend().prescored_ids(expr, eligible_any=[], limit=1000, scan=2, **arguments)
    assert len(first_two) == 2
