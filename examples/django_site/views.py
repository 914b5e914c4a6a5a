"""The API views: plain Django; one of them has its own CORS policy (``@cors``)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.csrf import csrf_exempt

from wsgi_cors.django.decorators import cors

ITEMS = [{"id": 1, "name": "first item"}]


@csrf_exempt  # a JSON API authenticated by token, not by cookie: CSRF protection does not apply
def items(request: HttpRequest) -> HttpResponse:
    """List items (GET) or add one (POST, JSON body)."""
    if request.method == "POST":
        item = {"id": len(ITEMS) + 1, "name": json.loads(request.body)["name"]}
        return JsonResponse(item, status=201)
    return JsonResponse({"items": ITEMS})


@cors(supports_credentials=True)  # the settings' origins and headers, and cookies on this view only
def session(request: HttpRequest) -> HttpResponse:
    """A cookie-authenticated endpoint: GET hands out the CSRF token, POST is CSRF-protected (Django's CsrfViewMiddleware)."""
    if request.method == "POST":
        request.session["notes"] = request.session.get("notes", 0) + 1
        return JsonResponse({"notes": request.session["notes"]})
    return JsonResponse({"csrftoken": get_token(request), "notes": request.session.get("notes", 0)})


@cors(origins="*", send_wildcard=True)
def public(request: HttpRequest) -> HttpResponse:
    """Public data any site may read: a per-view policy wider than the settings'."""
    return JsonResponse({"public": True})


def home(request: HttpRequest) -> HttpResponse:
    """A page outside /api/: the CORS policy does not cover it."""
    return HttpResponse("Django site home\n", content_type="text/plain")
