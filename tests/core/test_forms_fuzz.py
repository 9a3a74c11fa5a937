"""Forms fuzzed with hypothesis: whatever is typed, the answer is a redirect or the form with French errors,
never a 500, and a rejected submission stores nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.core.models import ContactMessage

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@FUZZ
@given(
    topic=st.one_of(st.sampled_from(["accessibilite", "donnees", "autre"]), text),
    name=text,
    email=text,
    message=text,
)
def test_contact_form_never_fails_and_stores_only_valid_messages(
    topic: str, name: str, email: str, message: str
):
    client = Client()
    before = ContactMessage.objects.count()
    response = client.post(
        reverse("core:contact"), {"topic": topic, "name": name, "email": email, "message": message}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert ContactMessage.objects.count() == before
        assert "erreur" in response.content.decode()
    else:
        assert ContactMessage.objects.count() == before + 1


@pytest.mark.django_db
@FUZZ
@given(email=text, role=text)
def test_invitation_form_never_fails(email: str, role: str, world) -> None:
    client = Client()
    client.force_login(world.users["buyer_admin"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("accounts:organisation_invite", args=[world.buyer_org.pk]), {"email": email, "role": role}
    )
    assert response.status_code in (302, 400)


@pytest.mark.django_db
@FUZZ
@given(username=text, password=text)
def test_login_form_never_fails(username: str, password: str) -> None:
    response = Client().post(reverse("accounts:login"), {"username": username, "password": password})
    if "\x00" in username + password:  # refused before any view (see core.middleware)
        assert response.status_code == 400
    else:
        assert response.status_code in (200, 302, 429)
