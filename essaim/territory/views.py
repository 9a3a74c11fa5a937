from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Perimeter


@login_not_required
def perimeter_detail(request: HttpRequest, code: str) -> HttpResponse:
    perimeter = get_object_or_404(Perimeter, code=code)
    communes = perimeter.communes.order_by("name").only("code", "name", "population")
    return render(request, "territory/perimeter_detail.html", {"perimeter": perimeter, "communes": communes})
