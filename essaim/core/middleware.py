from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Login required by default for pages. The API under /api/ authenticates by its own means (tokens)."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


NULL_CHARACTER_MESSAGE = "La requête contient un caractère nul, qui n'est accepté dans aucun champ."


class RejectNullCharactersMiddleware:
    """Refuse with 400 any request whose path, query string or form fields hold a NUL character.

    PostgreSQL cannot store or compare a string holding NUL: such a value reaching a query is a server
    error. Django's form fields already refuse it field by field; this catches every other road in
    (query parameters read by views and by the API, paths, JSON bodies) before any view runs.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._has_null(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": NULL_CHARACTER_MESSAGE}, status=400)
            return render(request, "400.html", {"message": NULL_CHARACTER_MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_null(request: HttpRequest) -> bool:
        if "\x00" in request.path_info:
            return True
        if any("\x00" in text for key, values in request.GET.lists() for text in (key, *values)):
            return True
        if request.method == "POST" and request.content_type == "application/json":
            return b"\x00" in request.body or b"\\u0000" in request.body
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return any("\x00" in text for key, values in request.POST.lists() for text in (key, *values))
        return False
