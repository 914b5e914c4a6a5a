"""A Falcon JSON API wrapped by wsgi_cors.

Falcon has its own ``cors_enable`` switch, which allows every origin; leave it off and let the
middleware apply the policy, so the same configuration, validation and ``wsgi-cors check``
work for Falcon as for every other framework. Run: ``gunicorn falcon_app:app`` from ``examples``.
"""

from __future__ import annotations

import falcon

from wsgi_cors import CORSMiddleware


class ItemsResource:
    """``/api/items``: list items, or add one."""

    def __init__(self) -> None:
        self.items = [{"id": 1, "name": "first item"}]

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"items": self.items}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        item = {"id": len(self.items) + 1, "name": req.get_media()["name"]}
        self.items.append(item)
        resp.media = item
        resp.status = falcon.HTTP_201


class HomeResource:
    """``/``: a page outside the CORS rule."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Falcon home\n"


falcon_app = falcon.App()
falcon_app.add_route("/api/items", ItemsResource())
falcon_app.add_route("/", HomeResource())

app = CORSMiddleware(
    falcon_app,
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
