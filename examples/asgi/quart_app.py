"""A Quart API: wrap the app's ASGI entry point, as ``app.wsgi_app`` is wrapped in Flask.

    app.asgi_app = CORSMiddleware(app.asgi_app, origins=[...])

Run it:  hypercorn examples.asgi.quart_app:app --bind 127.0.0.1:8000
"""

from __future__ import annotations

from typing import Any

from quart import Quart, jsonify, request

from wsgi_cors.asgi import CORSMiddleware

app = Quart(__name__)
ITEMS: list[dict[str, Any]] = [{"id": 1, "name": "first item"}]


@app.route("/")
async def home() -> Any:
    return "Quart home\n"


@app.route("/api/items", methods=["GET", "POST"])
async def items() -> Any:
    if request.method == "POST":
        item = {"id": len(ITEMS) + 1, "name": (await request.get_json())["name"]}
        return jsonify(item), 201
    return jsonify({"items": ITEMS})


app.asgi_app = CORSMiddleware(  # type: ignore[method-assign]
    app.asgi_app,
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
