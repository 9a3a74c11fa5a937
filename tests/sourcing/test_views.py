"""Pages: who sees which answers (a buyer never another buyer's, a supplier never another supplier's),
French errors next to fields, sector suggestions, exports, forecasts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from essaim.accounts.models import Membership, Organisation
from essaim.accounts.services import membership_add
from essaim.core.audit import history_for
from essaim.directory.models import Sector
from essaim.sourcing import services
from essaim.sourcing.models import Need, NeedAnswer
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.territory_support import make_small_territory

from .factories import make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):
    """A published need of Vitry answered by Rejoué (interested, with a file) and by a second supplier."""
    make_small_territory()
    need = make_need(world.buyer_org, publish=True)
    mine = services.answer_record(
        actor=None,
        need=need,
        organisation=world.supplier_org,
        kind="interesse",
        answers=["15 jours", "EN 71"],
    )
    other_org = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Ludo Concurrente")
    other_user = UserFactory(email="ludo@concurrente.fr")
    membership_add(actor=None, organisation=other_org, user=other_user, role=Membership.Role.ADMIN)
    theirs = services.answer_record(
        actor=None, need=need, organisation=other_org, kind="pas-interesse", reason="Tarif confidentiel 123"
    )
    ivry_need = make_need(world.other_buyer_org, publish=True, title="Jouets pour Ivry")
    ivry_answer = services.answer_record(
        actor=None, need=ivry_need, organisation=world.supplier_org, kind="question", message="Secret d'Ivry"
    )
    return need, mine, theirs, other_user, ivry_need, ivry_answer


def test_a_supplier_never_sees_another_suppliers_answer(client, client_as, answered) -> None:
    need, mine, theirs, other_user, _ivry_need, _ivry_answer = answered
    supplier = client_as("supplier")
    assert supplier.get(reverse("sourcing:answer_detail", args=[mine.pk])).status_code == 200
    assert supplier.get(reverse("sourcing:answer_detail", args=[theirs.pk])).status_code == 403
    assert supplier.get(reverse("sourcing:need_answers", args=[need.pk])).status_code == 403
    assert supplier.get(reverse("sourcing:need_answers", args=[need.pk]) + "?format=csv").status_code == 403
    page = supplier.get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    assert "Tarif confidentiel" not in page and "Ludo Concurrente" not in page
    client.force_login(other_user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("sourcing:answer_detail", args=[mine.pk])).status_code == 403
    assert client.get(reverse("sourcing:answer_detail", args=[mine.pk]) + "?format=piece").status_code == 403
    assert client.get(reverse("sourcing:answer_detail", args=[theirs.pk])).status_code == 200


def test_a_buyer_never_sees_another_buyers_answers(client_as, answered) -> None:
    need, mine, theirs, _other_user, ivry_need, ivry_answer = answered
    ivry = client_as("other_buyer")
    for url in (
        reverse("sourcing:need_answers", args=[need.pk]),
        reverse("sourcing:need_answers", args=[need.pk]) + "?format=xlsx",
        reverse("sourcing:answer_detail", args=[mine.pk]),
        reverse("sourcing:answer_detail", args=[theirs.pk]),
        reverse("sourcing:need_close", args=[need.pk]),
        reverse("sourcing:need_follow_up", args=[need.pk]),
    ):
        assert ivry.get(url).status_code == 403, url
    page = ivry.get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    assert "Tarif confidentiel" not in page and "Structures qui peuvent répondre" not in page
    assert ivry.get(reverse("sourcing:answer_detail", args=[ivry_answer.pk])).status_code == 200
    vitry = client_as("buyer")
    assert vitry.get(reverse("sourcing:answer_detail", args=[ivry_answer.pk])).status_code == 403
    assert vitry.get(reverse("sourcing:need_answers", args=[ivry_need.pk])).status_code == 403
    dashboard = vitry.get(reverse("sourcing:need_answers", args=[need.pk])).content.decode()
    assert "Tarif confidentiel" in dashboard and "Secret d&#x27;Ivry" not in dashboard


def test_drafts_are_seen_by_their_buyer_only(client_as, world) -> None:
    make_small_territory()
    draft = make_need(world.buyer_org)
    assert client_as("buyer").get(reverse("sourcing:need_detail", args=[draft.pk])).status_code == 200
    for role in ("other_buyer", "supplier", "partner"):
        assert client_as(role).get(reverse("sourcing:need_detail", args=[draft.pk])).status_code == 403
    assert draft.title not in client_as("supplier").get(reverse("sourcing:need_list")).content.decode()


def test_exports_list_the_funnel_and_the_answers(client_as, answered) -> None:
    need = answered[0]
    client = client_as("buyer_admin")
    csv_text = client.get(reverse("sourcing:need_answers", args=[need.pk]) + "?format=csv").content.decode()
    assert csv_text.startswith("\ufeffStructure;Rang") and "Tarif confidentiel 123" in csv_text
    xlsx = client.get(reverse("sourcing:need_answers", args=[need.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Structure" and {r[0] for r in rows[1:]} == {"Rejoué", "Ludo Concurrente"}


def test_need_form_shows_french_errors_next_to_fields(client_as, world) -> None:
    make_small_territory()
    response = client_as("buyer").post(
        reverse("sourcing:need_create"),
        {
            "kind": "devis",
            "title": "Nettoyage",
            "description": "Nettoyage des vitres",
            "deadline": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "duration_months": "12",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Need.objects.exists()
    assert "Erreur — " in page and "Indiquez un montant estimé ou une tranche de montant." in page
    response = client_as("buyer").post(
        reverse("sourcing:need_create"),
        {
            "kind": "devis",
            "title": "Nettoyage",
            "description": "Nettoyage des vitres",
            "amount_band": "lt-40k",
            "deadline": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "duration_months": "12",
        },
    )
    assert "La date limite de réponse ne peut pas être passée." in response.content.decode()
    assert 'id="id_deadline-errors"' in response.content.decode()


def test_sectors_are_suggested_from_the_text_and_stay_editable(client_as, world) -> None:
    make_small_territory()
    data = {
        "kind": "sourcing",
        "title": "Achat de jouets pour les crèches",
        "description": "Jouets d'occasion",
        "amount": "1000",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "duration_months": "12",
    }
    page = client_as("buyer").post(reverse("sourcing:need_create"), {**data, "suggest": "1"}).content.decode()
    jouets = Sector.objects.get(slug="jouets")
    offered = f'name="suggested_sectors" value="{jouets.pk}"'
    assert offered in page and f"{offered} checked" not in page and not Need.objects.exists()  # unticked
    # Saved without choosing a sector: the suggestions are offered to confirm first, nothing is saved.
    page = client_as("buyer").post(reverse("sourcing:need_create"), data).content.decode()
    assert offered in page and not Need.objects.exists()
    assert 'name="sectors_reviewed" value="on"' in page
    # The buyer confirms toys only: the need has that sector and never an unticked guess.
    confirmed = {**data, "sectors_reviewed": "on", "suggested_sectors": [jouets.pk]}
    client_as("buyer").post(reverse("sourcing:need_create"), confirmed)
    assert list(Need.objects.get().sectors.all()) == [jouets]


def test_suggested_sectors_left_unticked_are_never_the_needs(client_as, world) -> None:
    make_small_territory()
    data = {
        "kind": "sourcing",
        "title": "Achat de jouets pour les crèches",
        "description": "Jouets d'occasion collectés, livrés par lots",
        "amount": "1000",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "duration_months": "12",
        "sectors_reviewed": "on",
    }
    client_as("buyer").post(reverse("sourcing:need_create"), data)
    need = Need.objects.get()
    assert not need.sectors.exists()  # reviewed, none ticked: no sector, no guess
    page = client_as("buyer").get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    assert "Ce besoin n'a pas de secteur" in page and "Confirmer les secteurs du besoin" in page


def test_every_error_of_the_need_form_is_shown_at_once(client_as, world) -> None:
    make_small_territory()
    response = client_as("buyer").post(
        reverse("sourcing:need_create"),
        {
            "kind": "sourcing",
            "title": "",
            "description": "Jouets",
            "deadline": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "duration_months": "12",
        },
    )
    page = response.content.decode()
    assert "Le formulaire contient 3 erreurs" in page
    assert "Indiquez un montant estimé ou une tranche de montant." in page
    assert "La date limite de réponse ne peut pas être passée." in page
    assert 'id="id_title-errors"' in page


def test_attachment_of_the_wrong_type_is_refused_on_the_form(client_as, world) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_small_territory()
    response = client_as("buyer").post(
        reverse("sourcing:need_create"),
        {
            "kind": "sourcing",
            "title": "Achat",
            "description": "Jouets",
            "amount": "1000",
            "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "duration_months": "12",
            "attachment": SimpleUploadedFile("cahier.pdf", b"<html>pas un pdf</html>"),
        },
    )
    assert "n&#x27;est pas accepté" in response.content.decode()
    assert not Need.objects.exists()


def test_buyer_publishes_from_the_page_and_the_audit_names_them(client_as, world) -> None:
    make_small_territory()
    need = make_need(world.buyer_org)
    client_as("buyer").post(reverse("sourcing:need_action", args=[need.pk]), {"action": "submit"})
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED
    assert history_for(need).filter(action="need.published", actor=world.users["buyer"]).exists()
    assert (
        client_as("other_buyer")
        .post(reverse("sourcing:need_action", args=[need.pk]), {"action": "remind"})
        .status_code
        == 403
    )
    assert (
        client_as("buyer")
        .post(reverse("sourcing:need_action", args=[need.pk]), {"action": "validate"})
        .status_code
        == 403
    )


def test_supplier_answer_form_requires_the_questions(client_as, world) -> None:
    make_small_territory()
    need = make_need(world.buyer_org, publish=True)
    response = client_as("supplier").post(
        reverse("sourcing:need_answer", args=[need.pk]), {"kind": "interesse"}
    )
    assert "Répondez à la question" in response.content.decode()
    assert not NeedAnswer.objects.exists()


def test_follow_up_yes_records_the_collaboration(client_as, answered, world) -> None:
    need = answered[0]
    response = client_as("supplier").post(
        reverse("sourcing:need_follow_up", args=[need.pk]),
        {"signed": "oui", "supplier": world.supplier_org.pk, "amount": "12000"},
    )
    assert response.status_code == 302
    assert need.collaborations.get().supplier == world.supplier_org
    response = client_as("buyer").post(reverse("sourcing:need_follow_up", args=[need.pk]), {"signed": "oui"})
    assert "Indiquez la structure" in response.content.decode()


def test_answer_pages_of_a_supplier_never_show_another_suppliers_answer(
    client, client_as, answered, world
) -> None:
    from essaim.sourcing.models import NeedNotification

    need, mine, theirs, other_user, _ivry_need, _ivry_answer = answered
    services.contract_record(actor=None, need=need, supplier=theirs.organisation, amount=None)
    services.contract_record(actor=None, need=need, supplier=world.supplier_org, amount=None)
    supplier = client_as("supplier")
    for url in (
        reverse("sourcing:need_answer", args=[need.pk]),
        reverse("sourcing:need_follow_up", args=[need.pk]),
        reverse("sourcing:need_detail", args=[need.pk]),
    ):
        page = supplier.get(url).content.decode()
        assert "Ludo Concurrente" not in page and "Tarif confidentiel" not in page, url
    assert "Rejoué" in supplier.get(reverse("sourcing:need_follow_up", args=[need.pk])).content.decode()
    from .factories import make_toy_structure

    structure = make_toy_structure("Ludo Concurrente (fiche)", organisation=theirs.organisation)
    notification = NeedNotification.objects.create(need=need, structure=structure, rank=2, score=50)
    from essaim.sourcing.notifications import need_link_token

    link = reverse("sourcing:need_open", args=[need_link_token(notification)])
    page = client.get(link).content.decode()
    assert "Tarif confidentiel" not in page and "15 jours" not in page  # neither its nor Rejoué's details
    response = client.post(link, {"kind": "question", "message": "Peut-on livrer en deux fois ?"})
    assert response.status_code == 302
    assert NeedAnswer.objects.filter(
        need=need, organisation=theirs.organisation, kind="question", author__isnull=True
    ).exists()


def test_validation_step_through_the_pages(client_as, world, settings) -> None:
    settings.SOURCING_REQUIRE_VALIDATION = True
    make_small_territory()
    need = make_need(world.buyer_org)
    client_as("buyer").post(reverse("sourcing:need_action", args=[need.pk]), {"action": "submit"})
    need.refresh_from_db()
    assert need.status == Need.Status.TO_VALIDATE
    assert need.title not in client_as("supplier").get(reverse("sourcing:need_list")).content.decode()
    assert need.title in client_as("facilitator").get(reverse("sourcing:need_to_validate")).content.decode()
    response = client_as("buyer").post(
        reverse("sourcing:need_action", args=[need.pk]), {"action": "validate"}
    )
    assert response.status_code == 403
    client_as("facilitator").post(reverse("sourcing:need_action", args=[need.pk]), {"action": "validate"})
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED
    assert history_for(need).filter(action="need.validated", actor=world.users["facilitator"]).exists()


def test_supplier_preferences_mute_sectors_and_subscribe_to_the_digest(client_as, world) -> None:
    from essaim.sourcing.models import SupplierPreference

    from .factories import ensure_sectors, make_toy_structure

    make_small_territory()
    ensure_sectors()
    structure = make_toy_structure(organisation=world.supplier_org)
    velo, jouets = Sector.objects.get(slug="velo"), Sector.objects.get(slug="jeux-jouets")
    response = client_as("supplier").post(
        reverse("sourcing:preferences"),
        {"muted_sectors": [velo.pk], "digest_sectors": [jouets.pk], "digest_places": ["94081"]},
    )
    assert response.status_code == 302
    preference = SupplierPreference.objects.get(structure=structure)
    assert list(preference.muted_sectors.all()) == [velo] and preference.digest_places == ["94081"]
    assert not preference.stop_emails
    assert client_as("buyer").post(reverse("sourcing:preferences"), {"stop_emails": "on"}).status_code == 403


@pytest.mark.django_db
def test_the_need_form_shows_the_partners_support_offers(client_as, world) -> None:
    from essaim.cooperation.models import SupportOffer

    SupportOffer.objects.create(
        organisation=world.partner_org,
        title="Accompagnement à la rédaction de clauses sociales",
        audience="acheteurs",
        topics=",clauses-sociales,",
        how_to_access="Écrire au facilitateur du PLIE.",
        is_published=True,
    )
    response = client_as("buyer").get(reverse("sourcing:need_create"))
    assert response.status_code == 200
    assert "Accompagnement à la rédaction de clauses sociales" in response.content.decode()
