"""Every ASGI example in examples/asgi/ behind the ASGI door, through the framework's own test client.

Starlette, FastAPI and Django's asgi.py go through Starlette's TestClient (httpx driving the ASGI app), Quart
through Quart's test client (which calls ``app.asgi_app``, the wrapped entry point). The same browser
conversation as tests/test_framework_examples.py is replayed against each, checked by wsgi_cors.testing.
tests/asgi/test_uvicorn.py serves the Django one from a real server.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import warnings
from dataclasses import dataclass
from typing import Any, Optional

import pytest

from wsgi_cors.testing import check_preflight, check_response

ORIGIN = "https://app.example.com"
OTHER_ORIGIN = "https://evil.example"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def cors_names(self) -> list[str]:
        return [key.lower() for key, _ in self.headers if key.lower().startswith("access-control-")]


@dataclass(frozen=True)
class Example:
    module: str
    attribute: str
    client: str  # "testclient" (Starlette's, httpx) or "quart"
    requires: str  # the framework's package
    page_covered: bool = False  # whether the policy covers "/" too (Starlette's constructor has no path rules)

    def request(self, method: str, path: str, headers: dict[str, str], body: Any = None) -> Reply:
        pytest.importorskip(self.requires)
        app = getattr(importlib.import_module(self.module), self.attribute)
        if self.client == "quart":
            return asyncio.new_event_loop().run_until_complete(_quart_request(app, method, path, headers, body))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Starlette 1.x prefers httpx2 for its TestClient; httpx still works
            from starlette.testclient import TestClient
        response = TestClient(app).request(method, path, headers=headers, json=body)
        return Reply(response.status_code, list(response.headers.items()), response.content)


async def _quart_request(app: Any, method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
    response = await app.test_client().open(path, method=method, headers=headers, json=body)
    return Reply(response.status_code, list(response.headers.items()), await response.get_data())


EXAMPLES = [
    pytest.param(Example("examples.asgi.starlette_app", "app", "testclient", "starlette", page_covered=True), id="starlette"),
    pytest.param(Example("examples.asgi.fastapi_app", "app", "testclient", "fastapi"), id="fastapi"),
    pytest.param(Example("examples.asgi.quart_app", "app", "quart", "quart"), id="quart"),
    pytest.param(Example("examples.asgi.django_asgi", "application", "testclient", "django"), id="django-asgi"),
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_preflight_from_an_allowed_origin_is_answered_before_the_framework(example: Example) -> None:
    reply = example.request(
        "OPTIONS",
        "/api/items",
        {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-api-key"},
    )
    assert (reply.status, reply.body) == (200, b"")
    assert reply.header("Access-Control-Allow-Origin") == ORIGIN
    assert reply.header("Access-Control-Allow-Headers") == "content-type, x-api-key"
    assert reply.header("Access-Control-Max-Age") == "600"
    assert check_preflight(
        origin=ORIGIN, method="POST", request_headers=["content-type", "x-api-key"], status=reply.status, headers=reply.headers
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_actual_request_gets_the_frameworks_answer_and_the_cors_headers(example: Example) -> None:
    reply = example.request("GET", "/api/items", {"Origin": ORIGIN})
    assert reply.status == 200 and json.loads(reply.body) == {"items": [{"id": 1, "name": "first item"}]}
    assert reply.header("Access-Control-Allow-Origin") == ORIGIN and "Origin" in (reply.header("Vary") or "")
    assert check_response(origin=ORIGIN, status=reply.status, headers=reply.headers)


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_json_post_reaches_the_view_and_its_answer_carries_the_cors_headers(example: Example) -> None:
    reply = example.request("POST", "/api/items", {"Origin": ORIGIN}, {"name": "new item"})
    assert reply.status == 201 and json.loads(reply.body)["name"] == "new item"
    assert reply.header("Access-Control-Allow-Origin") == ORIGIN


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_request_from_another_origin_gets_the_answer_without_access(example: Example) -> None:
    reply = example.request("GET", "/api/items", {"Origin": OTHER_ORIGIN})
    assert reply.status == 200 and reply.cors_names() == [] and reply.header("Vary") == "Origin"
    assert not check_response(origin=OTHER_ORIGIN, status=reply.status, headers=reply.headers)


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_preflight_from_another_origin_is_refused_with_403(example: Example) -> None:
    reply = example.request("OPTIONS", "/api/items", {"Origin": OTHER_ORIGIN, "Access-Control-Request-Method": "POST"})
    assert (reply.status, reply.cors_names()) == (403, [])


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_page_outside_the_policy_is_left_alone(example: Example) -> None:
    reply = example.request("GET", "/", {"Origin": ORIGIN})
    assert reply.status == 200
    if example.page_covered:  # Starlette's constructor covers every path, as Starlette's own middleware does
        assert reply.header("Access-Control-Allow-Origin") == ORIGIN
    else:
        assert reply.cors_names() == []


def test_a_django_error_page_carries_the_cors_headers() -> None:
    """Django answers 404 on its own; the door outside it still adds the headers, so the page sees the real status."""
    reply = Example("examples.asgi.django_asgi", "application", "testclient", "django").request(
        "GET", "/api/missing", {"Origin": ORIGIN}
    )
    assert reply.status == 404 and reply.header("Access-Control-Allow-Origin") == ORIGIN
