"""The `schedule` and `bench_schedule` commands: JSON in, JSON out, French errors with exit status 2."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.events.scheduling import BENCHMARK, Meeting, parse_instance, validate_schedule

ROOT = Path(__file__).resolve().parents[2]

INSTANCE = {
    "slots": 4,
    "tables": 2,
    "breaks": [2],
    "participants": [
        {"id": "B1", "available": [1, 1, 1, 0]},
        {"id": "B2"},
        {"id": "S1"},
        {"id": "S2", "available": [0, 1, 1, 1]},
    ],
    "requests": [
        {"a": "B1", "b": "S1", "weight": 2},
        {"a": "S1", "b": "B1", "weight": 1},
        {"a": "B1", "b": "S2", "weight": 2},
        {"a": "B2", "b": "S1", "weight": 1},
        {"a": "B2", "b": "S2", "weight": 2},
    ],
    "locked": [{"a": "B2", "b": "S2", "slot": 3}],
}


def run_schedule(tmp_path: Path, data: object, *extra: str) -> dict:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    buf = StringIO()
    call_command("schedule", str(path), "--json", "--time-limit", "2", *extra, stdout=buf)
    return json.loads(buf.getvalue())


def test_schedule_prints_a_valid_optimal_schedule(tmp_path: Path) -> None:
    output = run_schedule(tmp_path, INSTANCE)
    assert set(output) == {"meetings", "satisfied_weight", "upper_bound", "idle_periods", "status"}
    assert output["status"] == "optimal"
    assert output["satisfied_weight"] == output["upper_bound"] == 8  # every request, B1–S1 merged to 3
    assert ("B2", "S2", 3) in {(m["a"], m["b"], m["slot"]) for m in output["meetings"]}  # locked
    instance = parse_instance(INSTANCE)
    meetings = [Meeting(**m) for m in output["meetings"]]
    assert validate_schedule(instance, meetings) == []
    assert output["idle_periods"] == 0


def test_schedule_with_previous_keeps_the_agenda(tmp_path: Path) -> None:
    first = run_schedule(tmp_path, INSTANCE)
    previous = [{"a": m["a"], "b": m["b"], "slot": m["slot"]} for m in first["meetings"]]
    rerun = run_schedule(tmp_path, {**INSTANCE, "previous": previous})
    assert {(m["a"], m["b"], m["slot"]) for m in rerun["meetings"]} == {
        (p["a"], p["b"], p["slot"]) for p in previous
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "n'est pas un JSON valide"),
        (
            json.dumps({**INSTANCE, "requests": [{"a": "B1", "b": "X9", "weight": 1}]}),
            "participant inconnu « X9 »",
        ),
        (
            json.dumps({**INSTANCE, "locked": [{"a": "B1", "b": "S1", "slot": 12}]}),
            "le créneau 12 n'existe pas",
        ),
        (json.dumps({**INSTANCE, "requests": [{"a": "B1", "b": "S1", "weight": -2}]}), "positif ou nul"),
        (
            json.dumps(
                {**INSTANCE, "locked": [{"a": "B1", "b": "S1", "slot": 0}, {"a": "B1", "b": "S2", "slot": 0}]}
            ),
            "déjà un rendez-vous verrouillé",
        ),
        (json.dumps([1, 2]), "objet JSON"),
    ],
)
def test_invalid_input_raises_a_french_command_error_with_status_2(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as error:
        call_command("schedule", str(path), "--json", stdout=StringIO())
    assert error.value.returncode == 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Impossible de lire") as error:
        call_command("schedule", str(tmp_path / "absent.json"), "--json", stdout=StringIO())
    assert error.value.returncode == 2


def test_command_line_exits_with_status_2_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**INSTANCE, "requests": [{"a": "B1", "b": "X9"}]}), encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(  # noqa: S603 -- our own interpreter and module
        [sys.executable, "-m", "essaim", "schedule", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "participant inconnu « X9 »" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bench_schedule_reports_solver_and_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "essaim.events.management.commands.bench_schedule.BENCHMARK", (BENCHMARK[0],), raising=True
    )
    buf = StringIO()
    call_command("bench_schedule", "--time-limit", "2", "--json", stdout=buf)
    (result,) = json.loads(buf.getvalue())
    assert result["instance"] == "matinale"
    assert result["participants"] == 80
    assert result["greedy_weight"] <= result["satisfied_weight"] <= result["upper_bound"]
    assert result["idle_periods"] <= result["greedy_idle_periods"]
