"""A Bottle JSON API wrapped by wsgi_cors.

Bottle answers ``OPTIONS`` with 405 unless a route declares it; the middleware answers
preflights itself, so no route needs to. Run: ``gunicorn bottle_app:app`` from ``examples``.
"""

from __future__ import annotations

import bottle

from wsgi_cors import CORSMiddleware

ITEMS = [{"id": 1, "name": "first item"}]

bottle_app = bottle.Bottle()


@bottle_app.get("/api/items")
def list_items() -> dict[str, object]:
    return {"items": ITEMS}


@bottle_app.post("/api/items")
def add_item() -> dict[str, object]:
    item = {"id": len(ITEMS) + 1, "name": bottle.request.json["name"]}
    ITEMS.append(item)
    bottle.response.status = 201
    return item


@bottle_app.get("/")
def home() -> str:
    """A page outside the CORS rule."""
    bottle.response.content_type = "text/plain"
    return "Bottle home\n"


app = CORSMiddleware(
    bottle_app,
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
