"""The Flask door in a real browser: Flask apps using ``wsgi_cors.flask`` (Flask-CORS's API), judged by headless Chromium.

Each scenario is a real Flask app mounted on the loopback API server; its ``before_request`` marks the
exchange as having reached the app, so a test can see that a preflight never did. Each fetch is judged
by Chromium and by the oracle, which must agree (driver.py).
"""

from __future__ import annotations

import json
import warnings
from typing import Any, Callable

from flask import Blueprint, Flask, abort, request
from flask.views import MethodView

from wsgi_cors import CORSConfigWarning
from wsgi_cors.flask import CORS, cross_origin

from .conftest import Origins
from .driver import Session
from .servers import EXCHANGE_KEY, Recorder

JSON = {"Content-Type": "application/json"}


def flask_app(name: str, build: Callable[[Flask], None]) -> Flask:
    """A Flask app whose requests mark the recorder's exchange; loopback origins are plain http, so the
    insecure-origin warnings are expected and silenced while the policies are built."""
    app = Flask(name)

    @app.before_request
    def mark() -> None:
        exchange = request.environ.get(EXCHANGE_KEY)
        if exchange is not None:
            exchange.app_ran = True

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        build(app)
    return app


def test_flask_per_view_origins(browser: Session, api: Recorder, origins: Origins) -> None:
    def build(app: Flask) -> None:
        CORS(app, resources={})

        @app.route("/for-a")
        @cross_origin(origins=[origins.page_a])
        def for_a() -> Any:
            return {"view": "a"}

        @app.route("/for-b/<int:item>")
        @cross_origin(origins=[origins.page_b])
        def for_b(item: int) -> Any:
            return {"view": "b", "item": item}

    api.mount("flask-per-view", flask_app("per_view", build))
    tab = browser.open(origins.page_a)
    own = tab.fetch("flask-per-view", "/for-a")
    assert own.ok and own.json_body() == {"view": "a"}, own.explain()
    other = tab.fetch("flask-per-view", "/for-b/7")
    assert not other.ok and other.app_ran, other.explain()  # a simple GET reaches the view; its answer is not readable
    from_b = browser.open(origins.page_b).fetch("flask-per-view", "/for-b/7")
    assert from_b.ok and from_b.json_body() == {"view": "b", "item": 7}, from_b.explain()


def test_flask_per_method_policy(fresh_browser: Session, api: Recorder, origins: Origins) -> None:
    def build(app: Flask) -> None:
        CORS(app, resources={})

        class Item(MethodView):
            @cross_origin(origins=[origins.page_a])
            def get(self) -> Any:
                return {"read": True}

            @cross_origin(origins=[origins.page_b], methods=["PUT"], supports_credentials=True)
            def put(self) -> Any:
                return {"written": request.get_json()}

        app.add_url_rule("/item", view_func=Item.as_view("item"))

    api.mount("flask-per-method", flask_app("per_method", build))
    page_a, page_b = fresh_browser.open(origins.page_a), fresh_browser.open(origins.page_b)
    assert page_a.fetch("flask-per-method", "/item").ok
    refused = page_a.fetch("flask-per-method", "/item", method="PUT", headers=JSON, body="{}")
    assert not refused.ok and [p.status for p in refused.preflights] == [403] and not refused.actual_requests, refused.explain()
    written = page_b.fetch(
        "flask-per-method", "/item", method="PUT", headers=JSON, body=json.dumps({"x": 1}), credentials="include"
    )
    assert written.ok and written.json_body() == {"written": {"x": 1}}, written.explain()
    assert not any(p.app_ran for p in written.preflights)
    read_by_b = page_b.fetch("flask-per-method", "/item", credentials="include")
    assert not read_by_b.ok, read_by_b.explain()  # the writer's grant never extends to GET


def test_flask_decorated_view_behind_a_login_hook(fresh_browser: Session, api: Recorder, origins: Origins) -> None:
    def build(app: Flask) -> None:
        CORS(app, origins=[origins.page_b])

        @app.before_request
        def login_required() -> None:
            if request.cookies.get("session") != "ok":
                abort(401)

        @app.route("/me", methods=["GET", "PUT"])
        @cross_origin(origins=[origins.page_a], supports_credentials=True)
        def me() -> Any:
            return {"me": True}

    api.mount("flask-login-hook", flask_app("login_hook", build))
    tab = fresh_browser.open(origins.page_a)
    outcome = tab.fetch("flask-login-hook", "/me", method="PUT", headers=JSON, body="{}", credentials="include")
    # The preflight is answered before the hook (it never reached the app); the hook's 401 is readable.
    assert outcome.ok and outcome.js.status == 401, outcome.explain()
    assert [p.status for p in outcome.preflights] == [200] and not any(p.app_ran for p in outcome.preflights)
    fresh_browser.add_cookie(origins.api, "flask-login-hook", "session", "ok")
    logged_in = tab.fetch("flask-login-hook", "/me", credentials="include")
    assert logged_in.ok and logged_in.json_body() == {"me": True}, logged_in.explain()


def test_flask_blueprint_policy(browser: Session, api: Recorder, origins: Origins) -> None:
    def build(app: Flask) -> None:
        reports = Blueprint("reports", __name__, url_prefix="/reports")
        CORS(reports, origins=[origins.page_a], expose_headers=["X-Total"])

        @reports.route("/<slug>")
        def report(slug: str) -> Any:
            return {"report": slug}, 200, {"X-Total": "3"}

        @app.route("/private")
        def private() -> Any:
            return {"private": True}

        app.register_blueprint(reports)

    api.mount("flask-blueprint", flask_app("blueprint", build))
    tab = browser.open(origins.page_a)
    outcome = tab.fetch("flask-blueprint", "/reports/q1")
    assert outcome.ok and outcome.js.header("X-Total") == "3", outcome.explain()
    assert not tab.fetch("flask-blueprint", "/private").ok  # outside the blueprint: no CORS
    assert not browser.open(origins.page_b).fetch("flask-blueprint", "/reports/q1").ok
