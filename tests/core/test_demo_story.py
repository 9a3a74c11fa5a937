"""The demo tells the article's story ("Des solutions pour une commande publique plus responsable") on dates
relative to today: last year's matinale with its meetings, collaborations and the contracts that followed,
this year's ahead with its requests, the textile group born of the month of the ESS's meeting with a
coherent action plan, and a SPASER report where the ESS wins contracts — through fictitious example
structures, never invented identifiers for real organisations."""

from __future__ import annotations

import html
import io
import re
import tokenize
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from essaim.accounts.models import User
from essaim.cooperation.demo import TEXTILE_GROUP
from essaim.cooperation.models import GroupAction, WorkingGroup
from essaim.directory.demo import EXAMPLE_MARK, EXAMPLE_SIRENS, SEED
from essaim.directory.models import Structure
from essaim.events.demo import MATINALE, PAST_MATINALE, TEXTILE, matinale_day
from essaim.events.models import Event, Meeting, MeetingRequest
from essaim.insight import store
from essaim.insight.demo import demo_years
from essaim.insight.models import SpendImport
from essaim.insight.report import build_report
from essaim.insight.selectors import epci_member_sirens, renewals_for, spend_shares
from essaim.onboarding.demo import CLAIMANT, JOINER
from essaim.sourcing.collaborations import event_collaborations

ROOT = Path(__file__).resolve().parents[2] / "essaim"
THE_ARTICLES_COLLABORATIONS = {
    ("Ville de Vitry-sur-Seine", "Rejoué"),
    ("Ville de Limeil-Brévannes", "SMER la Végétale"),
    ("Établissement Public Territorial Grand-Orly Seine Bièvre", "Ressourcerie du spectacle"),
    ("Établissement Public Territorial Grand-Orly Seine Bièvre", "Med Arcades"),
}


@pytest.mark.django_db
def test_the_demo_tells_the_articles_story(settings, tmp_path, client) -> None:
    """One run of `essaim demo_setup` (the costly part), then each chapter of the story."""
    settings.INSIGHT_DB = str(tmp_path / "insight.duckdb")
    call_command("demo_setup", "--skip-migrate", stdout=StringIO())
    last_years_matinale_has_its_meetings_collaborations_and_contracts(client)
    this_years_matinale_is_ahead_with_requests_and_no_outcome(client)
    the_textile_group_follows_the_meeting_it_came_from_with_a_coherent_plan()
    the_spaser_demo_report_shows_contracts_won_by_example_ess_structures(settings)
    the_opportunities_show_renewals_spend_and_a_contract_that_followed(settings, client)
    the_console_and_review_queue_have_a_claim_and_a_join_request_to_decide(client)


def last_years_matinale_has_its_meetings_collaborations_and_contracts(client) -> None:
    today = timezone.localdate()
    past = Event.objects.get(title=PAST_MATINALE)
    assert timedelta(days=300) < today - timezone.localdate(past.starts_at) < timedelta(days=400)
    assert past.stands.filter(name="Ressourcerie du spectacle", location="A1").exists()
    assert Meeting.objects.filter(event=past).count() >= len(THE_ARTICLES_COLLABORATIONS)
    records = list(event_collaborations(past.pk))
    contracts = {(c.buyer.name, c.supplier.name) for c in records if c.status == "collaboration" and c.amount}
    assert contracts == THE_ARTICLES_COLLABORATIONS
    assert all(c.date == timezone.localdate(past.starts_at) for c in records)
    assert any(c.status == "a-suivre" for c in records)
    page = client.get(reverse("events:event_detail", args=[past.pk])).content.decode()
    assert "<strong>4</strong> rendez-vous sur" in page and "ont abouti à une collaboration" in page


def this_years_matinale_is_ahead_with_requests_and_no_outcome(client) -> None:
    upcoming = Event.objects.get(title=MATINALE)
    ahead = timezone.localdate(upcoming.starts_at) - timezone.localdate()
    assert timedelta(days=14) <= ahead <= timedelta(days=42)  # a few weeks ahead
    assert upcoming.starts_at.weekday() < 5 and matinale_day(timezone.localdate(upcoming.starts_at)) == (
        timezone.localdate(upcoming.starts_at)
    )  # a working day, never New Year's Eve
    assert upcoming.registration_is_open() and upcoming.stands.count() >= 6
    assert upcoming.registrations.filter(role="acheteur").count() >= 3
    requests = MeetingRequest.objects.filter(event=upcoming)
    assert requests.filter(status="acceptee").count() >= 9 and requests.filter(status="en-attente").exists()
    assert not Meeting.objects.filter(event=upcoming).exclude(outcome="").exists()
    page = client.get(reverse("events:event_detail", args=[upcoming.pk])).content.decode()
    assert "rendez-vous sur" not in page and "rendez-vous planifiés" in page  # no outcome of its own yet
    assert "Ce qu'ont donné les rendez-vous des éditions passées" in page  # last year's, per year


def the_textile_group_follows_the_meeting_it_came_from_with_a_coherent_plan() -> None:
    today = timezone.localdate()
    meeting = Event.objects.get(title=TEXTILE)
    met_on = timezone.localdate(meeting.starts_at)
    assert met_on.month == 11 and met_on < today  # the month of the ESS, held
    group = WorkingGroup.objects.get(name=TEXTILE_GROUP)
    first = group.meetings.order_by("held_on").first()
    assert first.event == meeting and first.held_on == met_on
    assert all(m.held_on <= today for m in group.meetings.all())
    assert not re.search(r"\b(19|20)\d\d\b", group.purpose)  # no year that could contradict the dates
    actions = list(group.actions.all())
    assert len(actions) == 6 and sum(a.is_overdue for a in actions) <= 1
    for action in actions:
        assert action.due_date > met_on
        if action.status == GroupAction.Status.DONE:
            assert action.due_date <= today
    assert group.flows.values("year", "quarter").distinct().count() == 4


def the_spaser_demo_report_shows_contracts_won_by_example_ess_structures(settings) -> None:
    con = store.connect(settings.INSIGHT_DB, read_only=True)
    try:
        report = build_report(
            con, buyer="epci:200058014", year=demo_years()[1], buyer_sirets_resolver=epci_member_sirens
        )
    finally:
        con.close()
    assert report.indicators["ess_awarded"]["count"] > 0
    with_siren = Structure.objects.filter(source="demo").exclude(siren="")
    assert set(with_siren.values_list("siren", flat=True)) == set(EXAMPLE_SIRENS.values())
    assert all(s.description.startswith(EXAMPLE_MARK) for s in with_siren)
    real = Structure.objects.filter(source="demo", source_id__in=[d.key for d in SEED])
    assert real.count() == len(SEED) and not real.exclude(siren="", siret="").exists()


def the_opportunities_show_renewals_spend_and_a_contract_that_followed(settings, client) -> None:
    """Issue 15 on the demo: the EPT's renewals with local structures able to answer, one line opening a
    forecast, Vitry's spend file with its shares and small purchases, the matinale's collaboration linked
    to the contract that followed."""
    today = timezone.localdate()
    con = store.connect(settings.INSIGHT_DB, read_only=True)
    try:
        lines = renewals_for(con, buyer="epci:200058014", start=today, months=18)
    finally:
        con.close()
    assert len(lines) > 20 and all(today <= line.contract.ends for line in lines)
    able = [line for line in lines if line.local_structures > 0]
    assert len(able) > len(lines) // 2
    ept = next(line for line in able if line.contract.buyer_siren == "200058014")
    client.force_login(User.objects.get(email="acheteur@gosb.essaim.demo"))
    url = (
        f"{reverse('insight:renewal_forecast')}?acheteur={ept.contract.buyer_siret}&marche={ept.contract.id}"
    )
    assert client.get(url).status_code == 200
    shares = spend_shares(SpendImport.objects.get(buyer__siren="219400819", year=today.year - 1))
    assert shares.ess.share > 0 and shares.inclusive.share > 0 and shares.local_ess.suppliers > 0
    assert shares.under_threshold_ess.suppliers > 0 and len(shares.rejected) == 2
    past = Event.objects.get(title=PAST_MATINALE)
    linked = [c for c in event_collaborations(past.pk) if c.contract_id]
    assert [(c.buyer.name, c.supplier.name, c.amount) for c in linked] == [
        ("Ville de Limeil-Brévannes", "SMER la Végétale", Decimal("62000.00"))
    ]
    page = client.get(reverse("events:event_detail", args=[past.pk])).content.decode()
    assert "a conduit à un marché public notifié, pour 62" in page


def the_console_and_review_queue_have_a_claim_and_a_join_request_to_decide(client) -> None:
    """Someone asks to manage Q-Tanné's profile, someone else to join a partner without administrator: the
    facilitator sees both counted on the console and listed in the review queue."""
    client.force_login(User.objects.get(email="animatrice@essaim.demo"))
    console = html.unescape(client.get(reverse("onboarding:console")).content.decode())
    assert "Demandes de rattachement</a> : 1" in console and "Demandes d'adhésion</a> : 1" in console
    claims = html.unescape(client.get(reverse("core:review_list", args=["rattachements"])).content.decode())
    joins = html.unescape(client.get(reverse("core:review_list", args=["adhesions"])).content.decode())
    assert CLAIMANT[2] in claims and CLAIMANT[1] in claims
    assert JOINER[2] in joins and JOINER[1] in joins


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_a_matinale_falls_on_a_working_day_outside_the_end_of_year_holidays(day: date) -> None:
    held = matinale_day(day)
    assert day <= held <= day + timedelta(days=17) and held.weekday() < 5
    assert not (held.month == 12 and held.day >= 20) and not (held.month == 1 and held.day <= 3)
    assert matinale_day(held) == held


YEAR = re.compile(r"\b(19|20)\d\d\b")
DATE_CALL = re.compile(r"\b(date|datetime)\(\s*(19|20)\d\d\b")


def test_every_demo_date_is_relative_to_today() -> None:
    """No demo module writes a year: in a date (`date(2024, 3, 31)`) nor in a text ("mois de l'ESS 2023").
    People's birth dates (`DemoPerson(...)` of the clauses demo) are facts about them, not dates of the
    story."""
    demo_modules = [*ROOT.glob("*/demo.py"), *ROOT.glob("*/demo_data.py")]
    assert len(demo_modules) >= 8
    found = []
    for path in demo_modules:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for number, line in enumerate(lines, 1):
            if DATE_CALL.search(line) and "DemoPerson(" not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if (
                token.type == tokenize.STRING
                and YEAR.search(token.string)
                and "DEMO_PASSWORD" not in lines[token.start[0] - 1]
            ):
                found.append(f"{path.relative_to(ROOT)}:{token.start[0]}: {token.string[:80]}")
    assert found == []
