"""examples/django_site served for real on loopback: gunicorn (WSGI) and uvicorn (ASGI), the same settings and middleware."""

from __future__ import annotations

import sys

import pytest

from tests.test_framework_examples import ROOT, _gunicorn_options, fetch, running_server
from wsgi_cors.testing import check_preflight, check_response

EXAMPLES = ROOT / "examples"
ORIGIN = "https://app.example.com"
SERVERS = {
    "gunicorn": [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        "1",
        *_gunicorn_options(),
        "django_site.wsgi:application",
    ],
    "uvicorn": [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--lifespan",
        "off",
        "django_site.asgi:application",
    ],
}


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_preflight_and_an_actual_request(server: str) -> None:
    pytest.importorskip(server)
    with running_server(SERVERS[server], cwd=EXAMPLES) as base:
        status, headers = fetch(
            base + "/api/items",
            "OPTIONS",
            {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        )
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
        assert headers["Access-Control-Allow-Headers"] == "content-type"
        assert headers["Access-Control-Max-Age"] == "600"
        assert check_preflight(
            origin=ORIGIN, method="POST", request_headers=["content-type"], status=status, headers=list(headers.items())
        )

        status, headers = fetch(base + "/api/items", headers={"Origin": ORIGIN})
        assert status == 200 and headers["Vary"] == "Origin"
        assert check_response(origin=ORIGIN, status=status, headers=list(headers.items()))

        status, headers = fetch(base + "/api/items", headers={"Origin": "https://evil.example"})
        assert status == 200 and headers.get("Access-Control-Allow-Origin") is None
