"""A Pyramid JSON API wrapped by wsgi_cors.

``Configurator.make_wsgi_app()`` returns a plain WSGI application, so the middleware wraps it
like any other; Pyramid needs no tween for CORS. Run: ``gunicorn pyramid_app:app`` from ``examples``.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from pyramid.router import Router

from wsgi_cors import CORSMiddleware

ITEMS = [{"id": 1, "name": "first item"}]


def list_items(request: Request) -> dict[str, object]:
    return {"items": ITEMS}


def add_item(request: Request) -> dict[str, object]:
    item = {"id": len(ITEMS) + 1, "name": request.json_body["name"]}
    ITEMS.append(item)
    request.response.status_code = 201
    return item


def home(request: Request) -> Response:
    """A page outside the CORS rule."""
    return Response("Pyramid home\n", content_type="text/plain")


def make_app() -> Router:
    """Build the Pyramid application (a WSGI callable)."""
    with Configurator() as config:
        config.add_route("items", "/api/items")
        config.add_view(list_items, route_name="items", request_method="GET", renderer="json")
        config.add_view(add_item, route_name="items", request_method="POST", renderer="json")
        config.add_route("home", "/")
        config.add_view(home, route_name="home")
        return config.make_wsgi_app()


app = CORSMiddleware(
    make_app(),
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
