from typing import Any

from django.http import HttpRequest


def organisations(request: HttpRequest) -> dict[str, Any]:
    holder = getattr(request, "organisations", None)
    if holder is None or not request.user.is_authenticated:
        return {}
    return {"organisations": holder}
