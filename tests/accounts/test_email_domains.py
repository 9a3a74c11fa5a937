"""Which email addresses belong to a website's organisation (pure module, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.accounts.email_domains import email_matches_website

FREE = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr", "hotmail.fr"]
labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12).filter(
    lambda s: not s.startswith("-") and not s.endswith("-")
)


@pytest.mark.parametrize(
    ("email", "website", "matches"),
    [
        ("contact@rejoue.fr", "https://www.rejoue.fr", True),
        ("Marie@Mail.Rejoue.FR", "rejoue.fr/boutique", True),
        ("contact@rejoue.fr", "https://rejoue.com", False),
        ("contact@rejoue.fr", "", False),
        ("contact@asso-jouets.wixsite.com", "https://autre.wixsite.com", False),  # a hosting platform
        ("pas-une-adresse", "https://rejoue.fr", False),
        ("contact@rejoue.fr", "http://[::1", False),  # a broken address
    ],
)
def test_known_cases(email: str, website: str, matches: bool) -> None:
    assert email_matches_website(email, website) is matches


@given(local=labels, domain=st.sampled_from(FREE), sub=labels)
def test_a_free_mail_address_never_matches_even_a_site_hosted_on_its_domain(local, domain, sub) -> None:
    assert not email_matches_website(f"{local}@{domain}", f"https://{sub}.{domain}/")


@given(local=labels, name=labels, sub=labels)
def test_any_address_of_a_domain_matches_any_page_of_that_domain(local, name, sub) -> None:
    assert email_matches_website(f"{local}@{sub}.{name}-essaim.fr", f"https://www.{name}-essaim.fr/a/b")
