"""Every email and every PDF the project produces, made under production-like settings: each link points at
`ESSAIM_SITE_URL`, none at 127.0.0.1, localhost or the test server (issue 11 §4, issue 12 item 8).

A new email template (`*/emails/*.subject.txt`) must get its flow in `EMAIL_FLOWS`: the first test fails
until it has one."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from essaim.accounts import services as account_services
from essaim.clauses import services as clause_services
from essaim.cooperation import services as cooperation_services
from essaim.cooperation.models import Booking
from essaim.directory import services as directory_services
from essaim.directory.models import Sector
from essaim.events import services as event_services
from essaim.events.models import Registration
from essaim.onboarding import services as onboarding_services
from essaim.privacy.services import inactivity_notice_send
from essaim.sourcing import notifications
from essaim.sourcing import services as sourcing_services
from essaim.sourcing.models import NeedAnswer, SupplierPreference
from essaim.territory.models import Commune
from tests.clauses.factories import make_contract
from tests.cooperation.factories import make_group, make_resource, period
from tests.directory.factories import make_structure
from tests.events.factories import meeting_event, register
from tests.insight.conftest import make_report_store
from tests.sourcing.factories import ensure_sectors, make_forecast, make_need, make_toy_structure
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db

SITE = "https://achats.exemple.fr"
PRODUCTION_LIKE = {"ESSAIM_SITE_URL": SITE, "ALLOWED_HOSTS": ["achats.exemple.fr"], "DEBUG": False}
LOCAL = re.compile(r"127\.0\.0\.1|localhost|testserver", re.IGNORECASE)
LINK = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture(autouse=True)
def production_like():
    with override_settings(**PRODUCTION_LIKE):
        yield


@pytest.fixture
def site_client() -> Client:
    return Client(HTTP_HOST="achats.exemple.fr")


def _login(client: Client, user) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _assert_points_at_the_site(text: str, where: str) -> None:
    assert not LOCAL.search(text), f"{where}: {LOCAL.search(text)!r} in {text[:2000]}"
    outside = [link for link in LINK.findall(text) if not link.startswith(SITE + "/") and link != SITE]
    assert not outside, f"{where}: links outside {SITE}: {outside}"


# --- emails ---------------------------------------------------------------------------------------------


def _contact(world, client) -> None:
    client.post(
        reverse("core:contact"),
        {"topic": "autre", "name": "Awa", "email": "awa@exemple.fr", "message": "Bonjour"},
    )


def _invitation(world, client) -> None:
    account_services.invitation_create(
        actor=world.users["buyer_admin"],
        organisation=world.buyer_org,
        email="nouveau@exemple.fr",
        role="member",
    )


def _password_reset(world, client) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "acheteur@exemple.fr"})


def _registration(world, client) -> None:
    event = meeting_event(capacity=1)
    first = register(event, world.users["buyer_admin"])
    register(event, world.users["other_buyer"])  # waiting list
    event_services.registration_cancel(actor=world.users["buyer_admin"], registration=first)  # promotes


def _meeting_request(world, client) -> Registration:
    """A buyer asks a supplier for a meeting, accepted; returns the buyer's registration."""
    event = meeting_event()
    buyer, supplier = register(event, world.users["buyer_admin"]), register(event, world.users["supplier"])
    request = event_services.meeting_request_create(
        actor=None, requester=buyer, recipient=supplier, priority=2
    )
    event_services.meeting_request_decide(actor=None, request=request, accept=True)
    return buyer


def _agenda(world, client) -> Registration:
    buyer = _meeting_request(world, client)
    mail.outbox.clear()
    event_services.schedule_run(actor=None, event=buyer.event, time_limit=5)
    event_services.agendas_publish(actor=None, event=buyer.event)
    return buyer


def _group_join(world, client) -> None:
    group = make_group(coordinator=world.supplier_org)
    member = cooperation_services.group_join(
        actor=world.users["buyer"], group=group, organisation=world.buyer_org, member_type="collectivite"
    )
    cooperation_services.group_member_decide(actor=world.users["supplier"], member=member, approve=True)


def _resource_request(world, client) -> None:
    make_small_territory()
    make_resource(world.supplier_org, commune=Commune.objects.get(code="94081"))
    cooperation_services.resource_request_publish(
        actor=None,
        organisation=world.buyer_org,
        kind="vehicule",
        description="Livrer des jouets",
        commune=Commune.objects.get(code="94081"),
        starts_on=dt.date(2030, 5, 1),
        ends_on=dt.date(2030, 5, 2),
    )


def _booking(world, client) -> Booking:
    resource = make_resource(world.supplier_org)
    start, end = period(2)
    booking = cooperation_services.booking_request(
        actor=world.users["buyer"],
        resource=resource,
        organisation=world.buyer_org,
        starts_at=start,
        ends_at=end,
    )
    return cooperation_services.booking_accept(actor=world.users["supplier"], booking=booking)


def _need_emails(world, client) -> None:
    make_small_territory()
    structure = make_toy_structure(
        "Ludothèque solidaire", email="ludo@exemple.fr", organisation=world.supplier_org
    )
    need = make_need(world.buyer_org, publish=True)
    sourcing_services.need_remind(actor=None, need=need)
    sourcing_services.answer_record(
        actor=None, need=need, organisation=world.supplier_org, kind="interesse", answers=["a", "b"]
    )
    notifications.follow_up(need.pk)
    preference = SupplierPreference.objects.create(structure=structure)
    preference.digest_sectors.set([Sector.objects.get(slug="jeux-jouets")])
    notifications.send_digest(preference.pk)


def _market_emails(world, client) -> None:
    """A supplier's interest in a forecast (the buyer is told), a question answered to every structure."""
    make_small_territory()
    ensure_sectors()
    forecast = make_forecast(world.buyer_org)
    sourcing_services.forecast_interest_mark(actor=None, forecast=forecast, organisation=world.supplier_org)
    make_toy_structure("Ludothèque solidaire", email="ludo@exemple.fr", organisation=world.supplier_org)
    need = make_need(world.buyer_org, publish=True)
    question = sourcing_services.answer_record(
        actor=None,
        need=need,
        organisation=world.supplier_org,
        kind=NeedAnswer.Kind.QUESTION,
        message="Les jouets en bois sont-ils acceptés ?",
    )
    sourcing_services.question_reply(actor=world.users["buyer"], question=question, reply="Oui.")


def _inactivity(world, client) -> None:
    now = timezone.now()
    inactivity_notice_send(person=world.users["buyer"], now=now, deletion_on=now + dt.timedelta(days=30))


def _clause_statements(world, client) -> None:
    make_contract(world.buyer_org, world.supplier_org, start=dt.date(2025, 3, 1), end=dt.date(2025, 12, 31))
    clause_services.monthly_links_send(today=dt.date(2025, 4, 1))
    clause_services.reminders_send(today=dt.date(2025, 4, 11))


def _claim_decisions(world, client) -> None:
    structure = make_structure("Rejoué", website="https://www.rejoue.fr")
    facilitator = world.users["facilitator"]
    for user, decide in (
        (world.users["buyer"], directory_services.claim_approve),
        (world.users["partner"], None),
    ):
        claim = directory_services.claim_request(user=user, structure=structure)
        if decide is not None:
            decide(actor=facilitator, claim=claim)
        else:
            directory_services.claim_reject(actor=facilitator, claim=claim, reason="Inconnu")


def _signup(world, client) -> None:
    signup = {"full_name": "Awa", "password1": "des-jouets-2026", "password2": "des-jouets-2026"}
    client.post(reverse("onboarding:signup"), {**signup, "email": "awa@exemple.fr"})
    client.post(reverse("onboarding:signup"), {**signup, "email": "acheteur@exemple.fr"})  # has an account


def _join_requests(world, client) -> None:
    for user, decide in ((world.users["partner"], "approve"), (world.users["supplier"], "reject")):
        request = onboarding_services.join_request_create(user=user, organisation=world.buyer_org)
        if decide == "approve":
            onboarding_services.join_request_approve(actor=world.users["buyer_admin"], request=request)
        else:
            onboarding_services.join_request_reject(actor=world.users["buyer_admin"], request=request)


EMAIL_FLOWS: dict[str, Callable[..., None]] = {
    "core/emails/contact": _contact,
    "accounts/emails/invitation": _invitation,
    "accounts/emails/password_reset": _password_reset,
    "events/emails/registration": _registration,
    "events/emails/meeting_request": _meeting_request,
    "events/emails/agenda": _agenda,
    "cooperation/emails/join_requested": _group_join,
    "cooperation/emails/join_decided": _group_join,
    "cooperation/emails/request_matched": _resource_request,
    "cooperation/emails/resource_wanted": _resource_request,
    "cooperation/emails/booking_requested": _booking,
    "cooperation/emails/booking_decided": _booking,
    "sourcing/emails/need_published": _need_emails,
    "sourcing/emails/need_reminder": _need_emails,
    "sourcing/emails/answer_received": _need_emails,
    "sourcing/emails/follow_up": _need_emails,
    "sourcing/emails/digest": _need_emails,
    "sourcing/emails/forecast_interest": _market_emails,
    "sourcing/emails/question_answered": _market_emails,
    "privacy/emails/inactivity_warning": _inactivity,
    "clauses/emails/statement_link": _clause_statements,
    "clauses/emails/statement_reminder": _clause_statements,
    "directory/emails/claim_approved": _claim_decisions,
    "directory/emails/claim_rejected": _claim_decisions,
    "onboarding/emails/signup_confirm": _signup,
    "onboarding/emails/signup_existing": _signup,
    "onboarding/emails/join_requested": _join_requests,
    "onboarding/emails/join_approved": _join_requests,
    "onboarding/emails/join_rejected": _join_requests,
}


def test_every_email_template_has_a_flow_here():
    root = Path(settings.BASE_DIR) / "essaim"
    found = {
        str(path.relative_to(path.parents[2])).removesuffix(".subject.txt")
        for path in root.glob("*/templates/*/emails/*.subject.txt")
    }
    assert found == set(EMAIL_FLOWS)


@pytest.mark.parametrize(
    "flow", sorted(set(EMAIL_FLOWS.values()), key=lambda f: f.__name__), ids=lambda f: f.__name__
)
def test_emails_link_to_the_site_address_only(flow, world, site_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flow(world, site_client)
    assert mail.outbox, f"{flow.__name__} sent no email"
    for message in mail.outbox:
        parts = [message.subject, message.body, *(str(v) for v in message.extra_headers.values())]
        parts += [str(content) for content, _ in message.alternatives]
        parts += [c.decode() if isinstance(c, bytes) else str(c) for _, c, _ in message.attachments]
        for part in parts:
            _assert_points_at_the_site(part, message.subject)
    assert all(SITE + "/" in str(message.alternatives[0][0]) for message in mail.outbox)


# --- PDFs and files -------------------------------------------------------------------------------------


def _pdf_text_and_links(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    chunks = []
    for page in reader.pages:
        chunks.append(page.extract_text() or "")
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                chunks.append(str(action["/URI"]))
    return "\n".join(chunks)


def _assert_pdf(response, where: str) -> None:
    assert response.status_code == 200 and response.content.startswith(b"%PDF"), where
    _assert_points_at_the_site(_pdf_text_and_links(response.content), where)


def test_badges_carry_a_check_in_code_for_the_site_address(world, site_client):
    event = meeting_event()
    registration = register(event, world.users["buyer_admin"])
    client = _login(site_client, world.users["buyer_admin"])
    badge = reverse("events:registration_badge", args=[registration.pk])
    _assert_pdf(client.get(badge, {"format": "pdf"}), "badge")
    check_in = SITE + reverse(
        "events:checkin_scan", args=[event_services.registration_check_in_token(registration)]
    )
    expected_qr = segno.make(check_in, error="m").svg_data_uri(scale=4)
    assert expected_qr in client.get(badge).content.decode()
    _assert_pdf(
        _login(site_client, world.users["facilitator"]).get(
            reverse("events:badges", args=[event.pk]), {"format": "pdf"}
        ),
        "badges",
    )


def test_agenda_pdf(world, site_client):
    buyer = _agenda(world, site_client)
    client = _login(site_client, world.users["buyer_admin"])
    _assert_pdf(client.get(reverse("events:agenda", args=[buyer.pk]), {"format": "pdf"}), "agenda")


def test_booking_agreement_pdf(world, site_client):
    booking = _booking(world, site_client)
    client = _login(site_client, world.users["buyer"])
    _assert_pdf(
        client.get(reverse("cooperation:booking_detail", args=[booking.pk]), {"format": "pdf"}), "agreement"
    )


def test_spaser_report_pdf(world, site_client, tmp_path, settings):
    make_small_territory()
    settings.INSIGHT_DB = str(make_report_store(tmp_path / "report.duckdb"))
    client = _login(site_client, world.users["buyer"])
    url = reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025})
    _assert_pdf(client.get(url, {"format": "pdf"}), "SPASER report")


def test_directory_export_links_to_the_site(world, site_client):
    make_small_territory()
    make_toy_structure("Ludothèque solidaire", website="")
    client = _login(site_client, world.users["buyer"])
    content = client.get(reverse("directory:export", args=["csv"])).content.decode("utf-8-sig")
    assert SITE + "/" in content
    _assert_points_at_the_site(content.replace("https://www.exemple.fr", ""), "directory export")
