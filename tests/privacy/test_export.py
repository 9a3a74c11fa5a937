"""A person downloads everything the platform holds about them, as JSON, and nothing about others."""

from __future__ import annotations

import json

from axes.models import AccessLog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essaim.core.models import ContactMessage
from essaim.privacy.selectors import personal_data_export
from essaim.sourcing.models import NeedAnswer
from tests.events.factories import EventFactory, register
from tests.sourcing.factories import make_need


def test_download_holds_the_account_and_what_the_person_did_across_apps(client_as, world) -> None:  # noqa: ANN001
    buyer, supplier = world.users["buyer"], world.users["supplier"]
    need = make_need(world.buyer_org, actor=buyer, publish=True)
    NeedAnswer.objects.create(
        need=need, organisation=world.supplier_org, author=supplier, kind="question", message="Quel volume ?"
    )
    event = EventFactory(title="Matinale du réemploi")
    register(event, buyer, organisation=world.buyer_org)
    register(event, supplier, organisation=world.supplier_org)
    ContactMessage.objects.create(
        topic=ContactMessage.Topic.PERSONAL_DATA,
        name="Acheteur",
        email="ACHETEUR@exemple.fr",
        message="Que savez-vous de moi ?",
    )
    AccessLog.objects.create(
        username="acheteur@exemple.fr",
        ip_address="203.0.113.5",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/compte/connexion/",
    )

    response = client_as("buyer").get(reverse("privacy:my_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    sections = {key: section["elements"] for key, section in data["sections"].items()}
    assert sections["accounts.account"][0]["adresse_electronique"] == "acheteur@exemple.fr"
    assert [m["organisation"] for m in sections["accounts.memberships"]] == ["Ville de Vitry-sur-Seine"]
    assert [n["titre"] for n in sections["sourcing.needs"]] == [need.title]
    assert [r["evenement"] for r in sections["events.registrations"]] == ["Matinale du réemploi"]
    assert [m["message"] for m in sections["core.contact_messages"]] == ["Que savez-vous de moi ?"]
    assert "203.0.113.5" in [a["adresse_ip"] for a in sections["privacy.login_attempts"]]
    assert {"need.created", "need.published"} <= {entry["action"] for entry in sections["core.audit"]}
    assert sections["sourcing.answers"] == []
    # Nothing about the supplier, who answered the need and registered to the same event.
    assert "contact@rejoue.fr" not in response.content.decode()
    assert "Quel volume" not in response.content.decode()


def test_the_supplier_finds_their_answer_in_their_download(client_as, world) -> None:  # noqa: ANN001
    need = make_need(world.buyer_org, actor=world.users["buyer"], publish=True)
    NeedAnswer.objects.create(
        need=need,
        organisation=world.supplier_org,
        author=world.users["supplier"],
        kind="question",
        message="Quel volume ?",
    )
    data = client_as("supplier").get(reverse("privacy:my_data_download")).json()
    assert [(a["besoin"], a["message"]) for a in data["sections"]["sourcing.answers"]["elements"]] == [
        (need.title, "Quel volume ?")
    ]


def test_my_data_page_says_what_is_kept_and_links_to_download_and_deletion(client_as, world) -> None:  # noqa: ANN001
    make_need(world.buyer_org, actor=world.users["buyer"])
    content = client_as("buyer").get(reverse("privacy:my_data")).content.decode()
    assert "Besoins rédigés : 1" in content
    assert reverse("privacy:my_data_download") in content
    assert reverse("privacy:account_delete") in content


def test_the_download_costs_the_same_number_of_queries_whatever_the_amount_of_data(world) -> None:  # noqa: ANN001
    buyer = world.users["buyer"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            personal_data_export(buyer)
        return len(captured.captured_queries)

    make_need(world.buyer_org, actor=buyer)
    register(EventFactory(), buyer, organisation=world.buyer_org)
    few = queries()
    for _ in range(3):
        make_need(world.buyer_org, actor=buyer)
        register(EventFactory(), buyer, organisation=world.buyer_org)
    assert queries() == few
