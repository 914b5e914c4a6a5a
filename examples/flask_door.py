"""A Flask app written for Flask-CORS, run by wsgi_cors with only the import changed.

    from wsgi_cors.flask import CORS, cross_origin      # was: from flask_cors import CORS, cross_origin

It has what Flask-CORS apps have: an app-wide policy from ``app.config``, a blueprint with its own
policy, a MethodView whose GET and PUT carry different policies, a converter route with its own
``@cross_origin``, and a login hook. The door answers preflights before that hook runs.

Run it:  python examples/flask_door.py [--port 8000]   (Werkzeug's server on 127.0.0.1)
Try it:  curl -i -X OPTIONS http://127.0.0.1:8000/api/items/1 \\
              -H 'Origin: https://admin.example.com' -H 'Access-Control-Request-Method: PUT'
         (200: PUT is the admin's; the same preflight from https://app.example.com gets 403)
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from flask import Blueprint, Flask, abort, request
from flask.views import MethodView

from wsgi_cors.flask import CORS, cross_origin

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"

app = Flask(__name__)
app.config["CORS_ORIGINS"] = [APP]  # the app-wide policy, read by CORS(app) as Flask-CORS does
app.config["CORS_EXPOSE_HEADERS"] = ["X-Total-Count"]
ITEMS: dict[int, dict[str, Any]] = {1: {"id": 1, "name": "first item"}}


@app.before_request
def require_token_for_writes() -> Any:
    """An auth check: preflights never reach it, the door answers them."""
    if request.method in ("PUT", "POST", "DELETE") and request.headers.get("Authorization") != "Bearer demo-token":
        abort(401)
    return None


class ItemView(MethodView):
    """Anyone on the app may read an item; only the admin console may change one, with its cookies."""

    @cross_origin(origins=[APP, ADMIN])
    def get(self, item_id: int) -> Any:
        return ITEMS.get(item_id) or abort(404)

    @cross_origin(
        origins=[ADMIN], methods=["PUT"], supports_credentials=True, allow_headers=["Content-Type", "Authorization"], max_age=600
    )
    def put(self, item_id: int) -> Any:
        ITEMS[item_id] = {"id": item_id, **(request.get_json(silent=True) or {})}
        return ITEMS[item_id]


api = Blueprint("api", __name__, url_prefix="/api")
api.add_url_rule("/items/<int:item_id>", view_func=ItemView.as_view("item"))


@api.get("/items")
def list_items() -> Any:
    return list(ITEMS.values()), 200, {"X-Total-Count": str(len(ITEMS))}


public = Blueprint("public", __name__, url_prefix="/public")
CORS(public, origins="*", send_wildcard=True)  # a blueprint's own policy


@public.get("/status")
def status() -> Any:
    return {"status": "ok"}


@app.get("/widgets/<slug>.json")
@cross_origin(origins=["https://partner.example"], max_age=3600)  # a converter route with its own policy
def widget(slug: str) -> Any:
    return {"widget": slug}


@app.get("/")
def home() -> Any:
    return {"try": ["/api/items", "/api/items/1", "/public/status", "/widgets/clock.json"]}


app.register_blueprint(api)
app.register_blueprint(public)
CORS(app)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the wsgi_cors Flask-door example on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    print(f"Serving the Flask-door example on http://127.0.0.1:{arguments.port}/ (Ctrl-C to stop)")
    app.run(host="127.0.0.1", port=arguments.port)


if __name__ == "__main__":
    main()
