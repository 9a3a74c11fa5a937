from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from .models import Perimeter
from .selectors import (
    UnknownPerimeterError,
    communes_of_perimeter,
    perimeter_children,
    perimeter_get,
    perimeter_parents,
    place_choice_labels,
    place_suggestions,
)

COMMUNES_PER_PAGE = 200


@login_not_required
def perimeter_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A perimeter: its communes with their population, the wider perimeters it belongs to, its subdivisions."""
    try:
        perimeter = perimeter_get(code)
    except UnknownPerimeterError as error:
        raise Http404(error.message) from error
    if perimeter.code != code:  # "com:94081", "ept:…", "DEP:2a": one address per perimeter
        return redirect("territory:perimeter_detail", code=perimeter.code, permanent=True)
    communes = communes_of_perimeter(perimeter.code).only("code", "name", "population", "departement_id")
    page = Paginator(communes, COMMUNES_PER_PAGE).get_page(request.GET.get("page"))
    arrondissements = (
        list(
            perimeter.communes.filter(is_arrondissement=True)
            .order_by("code")
            .only("code", "name", "population")
        )
        if perimeter.kind == perimeter.Kind.COMMUNE
        else []
    )
    parents = perimeter_parents(perimeter)
    return render(
        request,
        "territory/perimeter_detail.html",
        {
            "perimeter": perimeter,
            "page": page,
            "arrondissements": [a for a in arrondissements if a.code != perimeter.code],
            "containing": [p.perimeter for p in parents if p.contains],
            "straddling": [p.perimeter for p in parents if not p.contains],
            "children": perimeter_children(perimeter),
        },
    )


SUGGESTIONS_MAX = 10


@login_not_required
def place_suggestions_view(request: HttpRequest) -> JsonResponse:
    """Suggestions of the place picker (open data, like the territory API): `?q=vitr&kinds=commune`.

    `[{"code": "94081", "label": "Vitry-sur-Seine (94)", "kind": "Commune"}, …]`; each label is read back
    to its place by the resolver. Too short or unknown kinds: an empty list, never an error page."""
    q = request.GET.get("q", "")[:100]
    kinds = [kind for kind in request.GET.get("kinds", "").split(",") if kind in Perimeter.Kind.values]
    found = place_suggestions(q, kinds=kinds or None, limit=SUGGESTIONS_MAX) if len(q.strip()) >= 2 else []
    labels = place_choice_labels(found)
    return JsonResponse(
        [
            {"code": p.code, "label": label, "kind": Perimeter.Kind(p.kind).label}
            for p, label in zip(found, labels, strict=True)
        ],
        safe=False,
    )
