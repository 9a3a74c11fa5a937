"""The social clauses demo tells issue 14's story: the EPT's green-space contract held by SMER la Végétale,
a year declared through the monthly link, a participant gone to a CDI; a 5 % works contract whose hours
come from a spreadsheet and miss the target; small counts hidden; idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.accounts.demo import load_demo as load_people
from essaim.clauses import demo
from essaim.clauses.figures import year_figures
from essaim.clauses.models import Contract, Declaration, IdentityRead, Mission, MonthlyStatement, Participant
from essaim.clauses.selectors import contract_page
from essaim.clauses.spaser import section
from essaim.directory.demo import load_demo as load_structures
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.VAR_DIR = tmp_path
    make_small_territory()
    load_structures()
    load_people()
    return demo.load_demo()


def counts() -> tuple[int, ...]:
    models = (Contract, Participant, Mission, MonthlyStatement, Declaration, IdentityRead)
    return tuple(model.objects.count() for model in models)


def test_the_story_of_the_issue(loaded) -> None:  # noqa: ANN001
    assert [login.email for login in loaded] == [demo.HOLDER_EMAIL]
    green = Contract.objects.get(reference=demo.GREEN_REFERENCE)
    assert green.holder.name == "SMER la Végétale" and green.buyer.siren == demo.EPT_SIREN
    assert set(green.parties.values_list("organisation__name", flat=True)) == {
        "Études et Chantiers",
        "Confluences",
    }
    statements = green.statements.filter(submitted_at__isnull=False)
    assert statements.count() == 12 and set(statements.values_list("channel", flat=True)) == {"lien"}
    assert statements.filter(validated_at__isnull=True).count() == 1
    assert Mission.objects.get(contract=green, exit_situation="cdi").ended_on < timezone.localdate()
    assert IdentityRead.objects.filter(reader__isnull=True, fields="prénom").exists()
    page = contract_page(green)
    assert not page.progress.will_miss
    works = Contract.objects.get(reference=demo.WORKS_REFERENCE)
    assert works.hours_owed == 2000
    assert set(works.statements.values_list("channel", flat=True)) == {"import"}
    assert works.parties.get().role == "sous-traitant"
    assert contract_page(works).progress.will_miss


def test_small_counts_are_hidden_in_the_figures_and_the_spaser_section(loaded) -> None:  # noqa: ANN001
    year = (timezone.localdate().replace(day=1) - timedelta(days=1)).year
    figures = year_figures(Contract.objects.all(), year)
    assert figures.participants >= 5
    assert "< 5" in figures.by_eligibility.as_dict().values()
    built = section([demo.EPT_SIREN, "219400819"], year)
    assert len(built.figures.contracts) == 2
    assert any("< 5" in [row[1] for row in table.rows] for table in built.tables())


def test_running_the_demo_twice_changes_nothing(loaded) -> None:  # noqa: ANN001
    before = counts()
    demo.load_demo()
    assert counts() == before
