"""Public pages of the platform (home, legal pages, accessibility) and the personal dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views import defaults

from essaim.core.errors import RateLimited

from .accessibility import current_audit
from .clients import client_ip
from .forms import ContactForm
from .rate_limits import rate_limit_hit
from .selectors import home_key_figures, personal_home
from .services import contact_message_create
from .views_utils import report_domain_error

CONTACT_RATE_LIMITED = (
    "Trop de messages envoyés depuis votre connexion en une heure : réessayez plus tard, ou écrivez-nous "
    "directement par courriel."
)


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"figures": home_key_figures()})


def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's home page: what waits for them, with its action, and their next event."""
    return render(request, "core/dashboard.html", {"home": personal_home(request.user)})


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (legal model), its status and rate computed from the audit grid."""
    audit = current_audit()
    sample = []
    for page in audit.pages:
        try:
            href = reverse(page["url"])
        except NoReverseMatch:
            href = ""  # a page of one object (a group, an event): named, not linked
        sample.append({"title": page["title"], "href": href})
    return render(request, "core/accessibility.html", {"audit": audit, "sample": sample})


@login_not_required
def accessibility_plan(request: HttpRequest) -> HttpResponse:
    """The multi-year accessibility plan (schéma pluriannuel), from the audit grid."""
    return render(request, "core/accessibility_plan.html", {"audit": current_audit()})


@login_not_required
def legal_notices(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal_notices.html")


@login_not_required
def sitemap(request: HttpRequest) -> HttpResponse:
    return render(request, "core/sitemap.html")


@login_not_required
def contact(request: HttpRequest) -> HttpResponse:
    initial = {"page_url": request.GET.get("page", "")[:500]}
    if request.user.is_authenticated:
        initial.update({"name": request.user.get_full_name(), "email": request.user.email})
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                rate_limit_hit(scope="contact", key=client_ip(request), message=CONTACT_RATE_LIMITED)
            except RateLimited as error:
                report_domain_error(request, error, form)
                return render(request, "core/contact.html", {"form": form}, status=429)
            contact_message_create(**form.cleaned_data)
            messages.success(
                request, "Merci, votre message a bien été envoyé. Nous vous répondrons sous 5 jours ouvrés."
            )
            return redirect("core:contact")
        return render(request, "core/contact.html", {"form": form}, status=400)
    return render(request, "core/contact.html", {"form": form})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page (`400.html`), also for a request refused before the authentication middleware ran (a
    bad Host header, a body over the size limit): the layout then shows it to an anonymous visitor."""
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return defaults.bad_request(request, exception)
