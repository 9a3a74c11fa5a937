"""The facilitators' console: invitations one by one or from a table (report per row, rejected rows kept
with their reasons and formula-safe, re-importing resends nothing), resend and revoke, who has not joined."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from essaim.accounts.models import Invitation, Membership, Organisation
from essaim.directory.models import Structure
from essaim.onboarding import services
from tests.directory.factories import make_structure

pytestmark = pytest.mark.django_db

TABLE = (
    "nom;SIRET;type;email\n"
    "Rejoué;732 829 320 00074;structure;contact@rejoue.fr\n"
    "Ville de Choisy-le-Roi;;acheteur;achats@choisy.example\n"
    '=HYPERLINK("http://x");;partenaire;pas-une-adresse\n'
    "CRESS;;ovni;contact@cress.example\n"
    "Sans SIRET valable;123;structure;x@exemple.fr\n"
)


def upload(client, text: str, name: str = "invitations.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("onboarding:invite_file"), {"file": file})


@pytest.fixture
def rejoue_listed(world) -> Structure:
    return make_structure("Rejoué", siret="73282932000074", website="https://www.rejoue.fr")


def test_a_table_is_reported_row_by_row_and_importing_it_again_resends_nothing(
    client_as, rejoue_listed, django_capture_on_commit_callbacks
) -> None:
    client = client_as("facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, TABLE)
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.status for row in report.rows] == ["sent", "sent", "rejected", "rejected", "rejected"]
    reasons = [row.message for row in report.rejected]
    assert reasons == [
        "Adresse électronique invalide.",
        "Type « ovni » inconnu : écrivez acheteur, structure ou partenaire.",
        "SIRET 123 : Un SIRET compte 14 chiffres.",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["achats@choisy.example", "contact@rejoue.fr"]
    # The supplier's directory structure is attached to the organisation the invited person will join.
    rejoue_listed.refresh_from_db()
    assert rejoue_listed.organisation is not None and rejoue_listed.organisation.siret == "73282932000074"
    assert Organisation.objects.get(name="Ville de Choisy-le-Roi").buyer_category == "autre"

    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(client, TABLE)
    assert [row.status for row in again.context["report"].rows][:2] == ["already_invited", "already_invited"]
    assert len(mail.outbox) == sent
    assert Invitation.objects.count() == 2

    rejected = client.get(reverse("onboarding:invite_rejected_csv"))
    rows = list(csv.reader(io.StringIO(rejected.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["ligne", "motif du refus", "nom", "SIRET", "type", "email"]
    assert rows[1][2] == '\'=HYPERLINK("http://x")'  # kept, but inert in a spreadsheet
    assert [r[0] for r in rows[1:]] == ["4", "5", "6"]


def test_a_table_without_the_needed_columns_is_refused_in_french(client_as, world) -> None:
    response = upload(client_as("facilitator"), "organisation;courriel\nA;a@b.fr\n")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Colonnes manquantes : type. La première ligne doit nommer les colonnes nom, SIRET, type, email."
    ]


def test_one_invitation_from_the_form_then_not_twice(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    client = client_as("facilitator")
    data = {"name": "Ville de Choisy-le-Roi", "siret": "", "kind": "buyer", "email": "achats@choisy.example"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:invite"), data)
        response = client.post(reverse("onboarding:invite"), data, follow=True)
    assert len(mail.outbox) == 1
    assert "Déjà invitée" in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.role == Membership.Role.ADMIN  # the organisation had no administrator


def test_resend_keeps_the_first_date_and_revoke_cancels(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    client = client_as("facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("onboarding:invite"),
            {"name": "CRESS", "kind": "partner", "email": "contact@cress.example"},
        )
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=40), expires_at=timezone.now()
    )
    listing = client.get(reverse("onboarding:invitations"), {"etat": "expired"}).content.decode()
    assert "contact@cress.example" in listing and "1\xa0mois" in listing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:invitation_resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.last_sent_at is not None
    assert (timezone.now() - invitation.created_at).days >= 40
    assert len(mail.outbox) == 2
    client.post(reverse("onboarding:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert list(client.get(reverse("onboarding:invitations")).context["page"].object_list) == []


cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='\x00;\r\n"'), max_size=40
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(cell, cell, st.one_of(st.sampled_from(["acheteur", "structure"]), cell), cell), max_size=6
    )
)
def test_any_table_gets_one_report_line_per_row_and_invites_only_valid_rows(world, rows) -> None:
    text = "nom;SIRET;type;email\n" + "".join(";".join(row) + "\n" for row in rows)
    before = Invitation.objects.count()
    report = services.invitations_import(
        actor=world.users["facilitator"], filename="t.csv", raw=text.encode("utf-8")
    )
    filled = [row for row in rows if any(c.strip() for c in row)]
    assert len(report.rows) == len(filled)
    sent = [row for row in report.rows if row.status == services.SENT]
    assert Invitation.objects.count() - before == len(sent)
    assert all(row.message for row in report.rows)
