"""The API views: plain Django, unaware of CORS."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

ITEMS = [{"id": 1, "name": "first item"}]


@csrf_exempt  # a JSON API authenticated by token, not by cookie: CSRF protection does not apply
def items(request: HttpRequest) -> HttpResponse:
    """List items (GET) or add one (POST, JSON body)."""
    if request.method == "POST":
        item = {"id": len(ITEMS) + 1, "name": json.loads(request.body)["name"]}
        return JsonResponse(item, status=201)
    return JsonResponse({"items": ITEMS})


def home(request: HttpRequest) -> HttpResponse:
    """A page outside /api/: the CORS policy does not cover it."""
    return HttpResponse("Django site home\n", content_type="text/plain")
