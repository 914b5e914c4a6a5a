"""Views for the Django door's tests: each a plain Django view, some with their own policy (``@cors``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from wsgi_cors.django.decorators import cors

PARTNER = "https://partner.example"


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain", content_type="text/plain")


def own_cors_headers(request: HttpRequest) -> HttpResponse:
    """A view that sets CORS headers itself (a stale hand-written grant): the middleware replaces them."""
    response = HttpResponse("own")
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Credentials"] = "true"
    response["Vary"] = "Accept-Encoding"
    return response


def protected(request: HttpRequest) -> HttpResponse:
    """CSRF-protected (no csrf_exempt): a cross-site POST without a token gets Django's 403."""
    return HttpResponse("posted")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view failed")


def moved(request: HttpRequest) -> HttpResponse:
    return redirect("/api/plain")


@cors(origins=[PARTNER], supports_credentials=True)
def partner(request: HttpRequest) -> HttpResponse:
    return HttpResponse("partner")


@csrf_exempt
@cors(origins=[PARTNER])
def partner_under_csrf_exempt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("partner, csrf exempt")


@cors(origins=[PARTNER])
class PartnerView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class get")

    @cors(origins=["https://writer.example"], methods=["POST"])
    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class post")


class MethodOnlyView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("method-only get")

    @cors(origins=[PARTNER], methods=["PUT"])
    def put(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("method-only put")


def json_view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/plain", plain),
    path("api/slash/", plain),
    path("api/own", own_cors_headers),
    path("api/protected", protected),
    path("api/broken", broken),
    path("api/moved", moved),
    path("api/json", json_view),
    path("partner", partner),
    path("partner/exempt", partner_under_csrf_exempt),
    path("partner/class", PartnerView.as_view()),
    path("partner/method", MethodOnlyView.as_view()),
    path("page", plain),
]
