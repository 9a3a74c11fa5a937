"""Registration, waiting list, meeting requests, the scheduler run, agendas and outcomes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from essaim.accounts.models import Organisation
from essaim.core.models import AuditLog
from essaim.events import services
from essaim.events.errors import (
    ALREADY_REGISTERED,
    ALREADY_REQUESTED,
    OUTCOME_AFTER_EVENT,
    REGISTRATION_CLOSED,
    ROLE_NOT_ALLOWED,
    VISITORS_TAKE_NO_MEETINGS,
)
from essaim.events.models import Meeting, MeetingRequest, Registration
from essaim.events.services import EventError
from essaim.sourcing.models import Collaboration
from tests.accounts.factories import MemberFactory
from tests.events.factories import EventFactory, meeting_event, register

pytestmark = pytest.mark.django_db


def test_registration_confirms_until_full_then_waitlists_and_promotes_in_order(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=2)
    people = [MemberFactory(admin=True) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        registrations = [register(event, person) for person in people]
    assert [r.status for r in registrations] == ["confirmee", "confirmee", "attente", "attente"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(actor=people[0], registration=registrations[0])
    assert [r.pk for r in promoted] == [registrations[2].pk]  # the first in the queue, not the second
    assert Registration.objects.confirmed().filter(event=event).count() == 2
    assert Registration.objects.get(pk=registrations[3].pk).status == Registration.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[people[2].email]]
    assert "Une place s'est libérée" in mail.outbox[0].body
    assert AuditLog.objects.filter(action="registration.promoted").count() == 1


def test_capacity_per_role_waitlists_a_role_while_others_still_get_seats():
    event = EventFactory(capacity=10, capacity_buyer=1)
    first_buyer, second_buyer = (
        MemberFactory(kind=Organisation.Kind.BUYER, admin=True),
        MemberFactory(kind=Organisation.Kind.BUYER, admin=True),
    )
    supplier = MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True)
    assert register(event, first_buyer).status == Registration.Status.CONFIRMED
    assert register(event, second_buyer).status == Registration.Status.WAITLISTED
    assert register(event, supplier).status == Registration.Status.CONFIRMED


def test_cancelling_a_supplier_does_not_promote_a_buyer_beyond_the_buyers_seats():
    event = EventFactory(capacity=2, capacity_buyer=1)
    buyer, supplier = (
        MemberFactory(kind=Organisation.Kind.BUYER, admin=True),
        MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True),
    )
    late_buyer, late_supplier = (
        MemberFactory(kind=Organisation.Kind.BUYER, admin=True),
        MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True),
    )
    register(event, buyer)
    supplier_reg = register(event, supplier)
    late_buyer_reg, late_supplier_reg = register(event, late_buyer), register(event, late_supplier)
    services.registration_cancel(actor=supplier, registration=supplier_reg)
    late_buyer_reg.refresh_from_db()
    late_supplier_reg.refresh_from_db()
    assert (late_buyer_reg.status, late_supplier_reg.status) == ("attente", "confirmee")


def test_one_active_registration_per_person_but_registering_again_after_cancelling_works():
    event = EventFactory()
    person = MemberFactory(admin=True)
    registration = register(event, person)
    with pytest.raises(EventError, match=re.escape(ALREADY_REGISTERED)):
        register(event, person)
    services.registration_cancel(actor=person, registration=registration)
    assert register(event, person).status == Registration.Status.CONFIRMED


def test_registration_closes_and_opens_by_itself_from_the_dates():
    now = timezone.now()
    closed = EventFactory(registration_closes_at=now - timedelta(minutes=1))
    not_yet = EventFactory(registration_opens_at=now + timedelta(days=1))
    started = EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    person = MemberFactory(admin=True)
    for event in (closed, not_yet, started):
        assert not event.registration_is_open()
        with pytest.raises(EventError, match=re.escape(REGISTRATION_CLOSED)):
            register(event, person)


def test_people_register_only_for_their_organisations_and_in_a_role_that_fits_it():
    event = EventFactory()
    supplier, buyer = (
        MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True),
        MemberFactory(kind=Organisation.Kind.BUYER, admin=True),
    )
    with pytest.raises(EventError):
        register(event, supplier, organisation=buyer.memberships.first().organisation)
    with pytest.raises(
        EventError, match=re.escape(ROLE_NOT_ALLOWED.format(kind="Structure de l'ESS", role="acheteur"))
    ):
        register(event, supplier, role="acheteur")
    assert register(event, supplier, role="visiteur").status == Registration.Status.CONFIRMED


def test_confirmation_email_has_an_ics_invitation_and_a_signed_cancel_link(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Le textile dans tous ses états")
    person = MemberFactory(admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, person)
    message = mail.outbox[-1]
    assert message.subject == "Inscription confirmée : Le textile dans tous ses états"
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Le textile dans tous ses états"
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    # The link of the email (signed when the email was rendered: a second may have passed since).
    token = message.body.split("/evenements/annulation/")[1].split("/")[0]
    assert services.registration_from_token(token, purpose="cancel") == registration
    with pytest.raises(EventError):
        services.registration_from_token(token + "x", purpose="cancel")
    with pytest.raises(EventError):  # a cancel link is not a check-in link
        services.registration_from_token(token, purpose="checkin")


def test_check_in_is_recorded_once_and_only_for_confirmed_people():
    event = EventFactory(capacity=1)
    first, second = MemberFactory(admin=True), MemberFactory(admin=True)
    confirmed, waiting = register(event, first), register(event, second)
    services.registration_check_in(actor=None, registration=confirmed)
    arrived = Registration.objects.get(pk=confirmed.pk).checked_in_at
    services.registration_check_in(actor=None, registration=confirmed)
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at == arrived
    with pytest.raises(EventError):
        services.registration_check_in(actor=None, registration=waiting)


@pytest.fixture
def meetings_world():
    event = meeting_event()
    buyers = [MemberFactory(kind=Organisation.Kind.BUYER, admin=True) for _ in range(2)]
    suppliers = [MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True) for _ in range(3)]
    regs = {f"B{i}": register(event, p) for i, p in enumerate(buyers)} | {
        f"S{i}": register(event, p) for i, p in enumerate(suppliers)
    }
    return event, regs


def _accepted(requester, recipient, priority=2):
    request = services.meeting_request_create(
        actor=None, requester=requester, recipient=recipient, priority=priority
    )
    return services.meeting_request_decide(actor=None, request=request, accept=True)


def test_meeting_requests_need_two_confirmed_people_of_different_organisations(meetings_world):
    event, regs = meetings_world
    _accepted(regs["B0"], regs["S0"])
    with pytest.raises(EventError, match=re.escape(ALREADY_REQUESTED)):
        services.meeting_request_create(actor=None, requester=regs["B0"], recipient=regs["S0"], priority=1)
    with pytest.raises(EventError):
        services.meeting_request_create(actor=None, requester=regs["B0"], recipient=regs["B0"], priority=1)
    visitor = register(event, MemberFactory(admin=True), role="visiteur")
    with pytest.raises(EventError, match=re.escape(VISITORS_TAKE_NO_MEETINGS)):
        services.meeting_request_create(actor=None, requester=regs["B0"], recipient=visitor, priority=1)


def test_schedule_input_merges_mutual_requests_with_a_higher_weight_and_skips_pending_ones(meetings_world):
    event, regs = meetings_world
    _accepted(regs["B0"], regs["S0"], priority=3)
    _accepted(regs["B0"], regs["S1"], priority=3)
    _accepted(regs["S1"], regs["B0"], priority=1)  # mutual
    services.meeting_request_create(actor=None, requester=regs["B1"], recipient=regs["S2"], priority=3)
    services.meeting_force(actor=None, requester=regs["B1"], recipient=regs["S0"])
    data = services.schedule_input(event)
    weights = {frozenset((r["a"], r["b"])): r["weight"] for r in data["requests"]}
    pid = {key: reg.participant_id for key, reg in regs.items()}
    assert weights == {
        frozenset((pid["B0"], pid["S0"])): 3,
        frozenset((pid["B0"], pid["S1"])): 3 + 1 + services.MUTUAL_BONUS,
        frozenset((pid["B1"], pid["S0"])): services.FORCED_WEIGHT,
    }
    assert data["slots"] == 6 and data["tables"] == 3 and data["breaks"] == [3]


def test_schedule_run_stores_valid_meetings_and_a_rerun_keeps_them(
    meetings_world, django_capture_on_commit_callbacks
):
    event, regs = meetings_world
    services.meeting_profile_update(
        actor=None, registration=regs["S0"], offer="Jouets recyclés", seek="", available_slots=[0, 1]
    )
    for buyer in ("B0", "B1"):
        for supplier in ("S0", "S1", "S2"):
            _accepted(regs[buyer], regs[supplier])
    report = services.schedule_run(actor=None, event=event, time_limit=5)
    assert report["meetings"] == 6 and report["satisfied_weight"] == report["upper_bound"] == 12
    meetings = list(Meeting.objects.filter(event=event))
    assert len(meetings) == 6
    for meeting in meetings:
        assert 1 <= meeting.table <= event.tables
        if regs["S0"].pk in (meeting.a_id, meeting.b_id):
            assert meeting.slot in (0, 1)  # only where the supplier is available
    busy = [(r, m.slot) for m in meetings for r in (m.a_id, m.b_id)]
    assert len(busy) == len(set(busy))  # nobody twice in a slot

    # Agendas: published once to everyone with meetings, then only those whose agenda changes are told.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.agendas_publish(actor=None, event=event) == 5
    assert all(m.attachments and m.attachments[0][0] == "agenda.ics" for m in mail.outbox)
    before = {(m.a_id, m.b_id): (m.slot, m.table) for m in meetings}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.schedule_run(actor=None, event=event, time_limit=5)
    after = {(m.a_id, m.b_id): (m.slot, m.table) for m in Meeting.objects.filter(event=event)}
    assert again["moved"] == 0 and after.keys() == before.keys()
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert mail.outbox == [] or all("a changé" in m.subject for m in mail.outbox)


def test_a_locked_meeting_stays_and_a_new_request_changes_only_what_it_must(
    meetings_world, django_capture_on_commit_callbacks
):
    event, regs = meetings_world
    _accepted(regs["B0"], regs["S0"])
    services.schedule_run(actor=None, event=event, time_limit=5)
    meeting = Meeting.objects.get(event=event)
    services.meeting_lock(actor=None, meeting=meeting, locked=True)
    services.agendas_publish(actor=None, event=event)
    _accepted(regs["B1"], regs["S1"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_run(actor=None, event=event, time_limit=5)
    kept = Meeting.objects.get(pk=meeting.pk)
    assert kept.slot == meeting.slot and kept.locked
    assert Meeting.objects.filter(event=event).count() == 2
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted([regs["B1"].user.email, regs["S1"].user.email])
    assert all(m.subject.startswith("Votre agenda :") for m in mail.outbox)


def test_meeting_outcome_after_the_event_creates_the_collaboration_record(meetings_world):
    event, regs = meetings_world
    _accepted(regs["S0"], regs["B0"])
    services.schedule_run(actor=None, event=event, time_limit=5)
    meeting = Meeting.objects.get(event=event)
    with pytest.raises(EventError, match=re.escape(OUTCOME_AFTER_EVENT)):
        services.meeting_outcome_set(actor=None, meeting=meeting, outcome="collaboration")
    event.starts_at = timezone.now() - timedelta(days=1)
    event.ends_at = event.starts_at + timedelta(hours=4)
    event.save()
    services.meeting_outcome_set(actor=regs["B0"].user, meeting=meeting, outcome="a-suivre")
    services.meeting_outcome_set(actor=regs["B0"].user, meeting=meeting, outcome="collaboration")
    collaboration = Collaboration.objects.get()
    assert collaboration.meeting == meeting
    assert collaboration.buyer == regs["B0"].organisation  # the buyer side, whoever asked
    assert collaboration.supplier == regs["S0"].organisation
    assert (collaboration.source, collaboration.status) == ("evenement", "collaboration")
    assert AuditLog.objects.filter(action="collaboration.updated").exists()


def test_cancelling_a_registration_cancels_its_meeting_requests(meetings_world):
    event, regs = meetings_world
    request = _accepted(regs["B0"], regs["S0"])
    services.registration_cancel(actor=None, registration=regs["S0"])
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.CANCELLED
    assert services.schedule_input(event)["requests"] == []
