"""The same small site built on each real router (Werkzeug/Flask, Django, Falcon, Bottle, Pyramid), for the router differential.

Every app has the same views, and every view answers with an ``X-View`` header naming itself, so a
test can see which view a router picked for a spelling. Routes are laid out so that, for every
clean path, the view that answers lies under the path rule of :data:`RESOURCES` that covers the
path (each rule prefix has its own root and catch-all views): any disagreement a test finds comes
from the spelling, not from the site's layout.
"""

from __future__ import annotations

import os
import types
from typing import Any, Callable, Iterable

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

PARTNER = "https://partner.example"
API_PARTNER = "https://api-partner.example"
SITE = "https://www.example.com"
ATTACKER = "https://attacker.example"
ORIGINS = (PARTNER, API_PARTNER, SITE, ATTACKER)

RESOURCES: dict[str, dict[str, Any]] = {
    r"/public/.*": {"origins": "*"},
    r"/admin/.*": {"origins": [SITE], "supports_credentials": True},  # only the site itself administers
    "/api/items": {"origins": [API_PARTNER, SITE]},
    r"/api/.*": {"origins": [API_PARTNER], "supports_credentials": True},
    r"/.*": {"origins": [SITE, PARTNER], "supports_credentials": True},  # the partner shares the rest of the site
}

#: view name -> a clean path that view answers (the path whose rule says what the view may grant).
CANONICAL = {
    "public_root": "/public/",
    "public": "/public/x",
    "admin_root": "/admin/",
    "admin_users": "/admin/users",
    "admin_x": "/admin/x",
    "admin_any": "/admin/x/y",
    "api_root": "/api/",
    "api_items": "/api/items",
    "api_any": "/api/x/y",
    "home": "/",
    "fallback": "/other",
}


def _text(view: str) -> tuple[str, list[tuple[str, str]], bytes]:
    return "200 OK", [("Content-Type", "text/plain"), ("X-View", view)], view.encode()


# --- Werkzeug / Flask ----------------------------------------------------------------------------


def flask_app() -> WSGIApp:
    from flask import Flask, Response

    app = Flask("router_differential")

    def add(rule: str, view: str) -> None:
        app.add_url_rule(rule, view + rule, lambda **_: Response(view, headers={"X-View": view}))

    add("/public/", "public_root")
    add("/public/<path:rest>", "public")
    add("/admin/", "admin_root")
    add("/admin/users", "admin_users")
    add("/admin/<x>", "admin_x")
    add("/admin/<path:rest>", "admin_any")
    add("/api/", "api_root")
    add("/api/items", "api_items")
    add("/api/<path:rest>", "api_any")
    add("/", "home")
    add("/<path:rest>", "fallback")
    return app.wsgi_app


# --- Django --------------------------------------------------------------------------------------


def django_app() -> WSGIApp:
    import django
    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
    from django.http import HttpResponse
    from django.urls import path, re_path

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")
    django.setup(set_prefix=False)

    def view(name: str) -> Callable[..., HttpResponse]:
        def answer(request: Any, **_: Any) -> HttpResponse:
            response = HttpResponse(name, content_type="text/plain")
            response["X-View"] = name
            return response

        return answer

    urls = types.ModuleType("router_differential_urls")  # hashable, as Django's resolver cache needs
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("public/", view("public_root")),
        path("public/<path:rest>", view("public")),
        path("admin/", view("admin_root")),
        path("admin/users", view("admin_users")),
        path("admin/<str:x>", view("admin_x")),
        path("admin/<path:rest>", view("admin_any")),
        path("api/", view("api_root")),
        path("api/items", view("api_items")),
        path("api/<path:rest>", view("api_any")),
        path("", view("home")),
        re_path(r"^(?P<rest>.+)$", view("fallback")),
    ]

    class Request(WSGIRequest):
        urlconf = urls  # Django resolves with request.urlconf when it is set: the example project's settings stay as they are

    class Handler(WSGIHandler):
        request_class = Request

    return Handler()


# --- Falcon --------------------------------------------------------------------------------------


def falcon_app() -> WSGIApp:
    import falcon

    class View:
        def __init__(self, name: str) -> None:
            self.name = name

        def on_get(self, req: Any, resp: Any, **_: Any) -> None:
            resp.content_type = falcon.MEDIA_TEXT
            resp.text = self.name
            resp.set_header("X-View", self.name)

        on_post = on_put = on_delete = on_get

    app = falcon.App()  # "/admin/" reaches "/admin/{rest:path}" with an empty rest: no root views needed
    app.add_route("/public/{rest:path}", View("public"))
    app.add_route("/admin/users", View("admin_users"))
    app.add_route("/admin/{rest:path}", View("admin_any"))
    app.add_route("/api/items", View("api_items"))
    app.add_route("/api/{rest:path}", View("api_any"))
    app.add_route("/", View("home"))

    def fallback(req: Any, resp: Any, **_: Any) -> None:
        View("fallback").on_get(req, resp)

    app.add_sink(fallback, "/")
    return app


# --- Bottle --------------------------------------------------------------------------------------


def bottle_app() -> WSGIApp:
    import bottle

    app = bottle.Bottle()

    def add(rule: str, view: str) -> None:
        def answer(**_: Any) -> str:
            bottle.response.set_header("X-View", view)
            bottle.response.content_type = "text/plain"
            return view

        app.route(rule, ["GET", "POST", "PUT", "DELETE"], answer)

    add("/public/", "public_root")
    add("/public/<rest:path>", "public")
    add("/admin/", "admin_root")
    add("/admin/users", "admin_users")
    add("/admin/<x>", "admin_x")
    add("/admin/<rest:path>", "admin_any")
    add("/api/", "api_root")
    add("/api/items", "api_items")
    add("/api/<rest:path>", "api_any")
    add("/", "home")
    add("/<rest:path>", "fallback")
    return app


# --- Pyramid -------------------------------------------------------------------------------------


def pyramid_app() -> WSGIApp:
    from pyramid.config import Configurator
    from pyramid.response import Response

    def view(name: str) -> Callable[[Any], Response]:
        return lambda request: Response(name, content_type="text/plain", headers={"X-View": name})

    with Configurator() as config:
        for name, pattern, view_name in [
            ("public_root", "/public/", "public_root"),
            ("public", "/public/*rest", "public"),
            ("admin_root", "/admin/", "admin_root"),
            ("admin_users", "/admin/users", "admin_users"),
            ("admin_x", "/admin/{x}", "admin_x"),
            ("admin_any", "/admin/*rest", "admin_any"),
            ("api_root", "/api/", "api_root"),
            ("api_items", "/api/items", "api_items"),
            ("api_any", "/api/*rest", "api_any"),
            ("home", "/", "home"),
            ("fallback", "/*rest", "fallback"),
        ]:
            config.add_route(name, pattern)
            config.add_view(view(view_name), route_name=name)
        app: WSGIApp = config.make_wsgi_app()
    return app


FRAMEWORKS: dict[str, Callable[[], WSGIApp]] = {
    "flask": flask_app,
    "django": django_app,
    "falcon": falcon_app,
    "bottle": bottle_app,
    "pyramid": pyramid_app,
}
