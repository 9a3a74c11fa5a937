"""Pages of the review queue: the kinds and their counts, a kind's items with bulk decisions, one item side
by side. Each kind's rule (`core.review` by default: the facilitators) is checked on every page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from essaim.core.french import counted, plural
from essaim.core.views_utils import check_perm

from .forms import DecisionForm
from .registry import APPROVE, ReviewKind, kind_for, pending_counts, review_decide

PAGE_SIZE = 50


def _kind_or_404(request: HttpRequest, slug: str) -> ReviewKind:
    kind = kind_for(slug)
    if kind is None:
        raise Http404("Type d'élément inconnu")
    check_perm(request, kind.rule)
    return kind


def queue(request: HttpRequest) -> HttpResponse:
    check_perm(request, "core.review")
    counts = pending_counts(request.user)
    return render(
        request,
        "core/review/queue.html",
        {"counts": counts, "total": sum(count for _kind, count in counts)},
    )


def kind_list(request: HttpRequest, slug: str) -> HttpResponse:
    kind = _kind_or_404(request, slug)
    paginator = Paginator(range(kind.count()), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    items = kind.items(offset=page.start_index() - 1 if page.object_list else 0, limit=PAGE_SIZE)
    return render(
        request, "core/review/list.html", {"kind": kind, "items": items, "page": page, "form": DecisionForm()}
    )


def item_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    kind = _kind_or_404(request, slug)
    detail = kind.detail(pk)
    if detail is None:
        messages.info(request, "Cet élément a déjà été traité.")
        return redirect("core:review_list", slug=slug)
    return render(
        request, "core/review/detail.html", {"kind": kind, "detail": detail, "form": DecisionForm()}
    )


@require_POST
def decide(request: HttpRequest, slug: str) -> HttpResponse:
    kind = _kind_or_404(request, slug)
    form = DecisionForm(request.POST)
    back = reverse("core:review_list", kwargs={"slug": slug})
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
        return redirect(back)
    report = review_decide(
        kind=kind,
        actor=request.user,
        pks=form.cleaned_data["items"],
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
    )
    if report.done:
        done = len(report.done)
        verb = "accepté" if form.cleaned_data["decision"] == APPROVE else "refusé"
        summary = f"{counted(done, 'élément')} {verb}{plural(done)}"
        messages.success(request, f"{summary} : " + " ; ".join(report.done))
    for pk, reason in report.refused:
        messages.error(request, f"Élément n° {pk} non traité : {reason}")
    return redirect(back)
