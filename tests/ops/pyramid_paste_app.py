"""A real Pyramid application for the PasteDeploy tests: ``use = call:tests.ops.pyramid_paste_app:main``."""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.response import Response


def items(request: Any) -> Response:
    return Response(json_body={"items": [1, 2]}, headers={"X-View": "items"})


def main(global_config: Any, **settings: Any) -> Any:
    with Configurator(settings=settings) as config:
        config.add_route("items", "/api/items")
        config.add_view(items, route_name="items")
        return config.make_wsgi_app()
