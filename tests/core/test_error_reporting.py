"""The 500 page says the team is told: every error is mailed to ADMINS (and written to stderr for the
supervisor), from a request as from a background task."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.checks import Warning
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path
from django_tasks import task

from essaim.core.checks import someone_is_told_about_errors

TEAM = [("Équipe Essaim", "essaim@grandorlyseinebievre.fr")]


@login_not_required
def broken_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("la base de données ne répond plus")


urlpatterns = [path("en-panne/", broken_page)]


@task()
def broken_task() -> None:
    raise RuntimeError("le serveur de courrier refuse la connexion")


@override_settings(ROOT_URLCONF=__name__, ADMINS=TEAM)
def test_a_server_error_is_mailed_to_the_team(client, mailoutbox) -> None:
    client.raise_request_exception = False
    response = client.get("/en-panne/")
    assert response.status_code == 500
    assert "L'équipe en est informée" in response.content.decode()
    assert [message.to for message in mailoutbox] == [["essaim@grandorlyseinebievre.fr"]]
    assert "/en-panne/" in mailoutbox[0].subject
    assert "la base de données ne répond plus" in mailoutbox[0].body


@override_settings(ADMINS=TEAM)
def test_a_failed_background_task_is_mailed_to_the_team(mailoutbox) -> None:
    result = broken_task.enqueue()
    assert result.status == "FAILED"
    assert [message.to for message in mailoutbox] == [["essaim@grandorlyseinebievre.fr"]]
    assert "le serveur de courrier refuse la connexion" in mailoutbox[0].body


@override_settings(ADMINS=TEAM, ALLOWED_HOSTS=["achats.grandorlyseinebievre.fr"])
def test_other_sites_host_names_are_not_mailed(client, mailoutbox, db) -> None:
    assert client.get("/", headers={"host": "attaquant.example"}).status_code == 400
    assert mailoutbox == []


def test_a_production_server_without_admins_is_warned() -> None:
    with override_settings(ADMINS=[]):
        warnings = someone_is_told_about_errors(None)
    assert [(type(w), w.id) for w in warnings] == [(Warning, "essaim.W001")]
    with override_settings(ADMINS=TEAM):
        assert someone_is_told_about_errors(None) == []
