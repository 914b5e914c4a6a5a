"""The ASGI door in a real uvicorn on 127.0.0.1: HTTP through the socket, streamed bodies, and the WebSocket origin check
against a real WebSocket client (the ``websockets`` package), with and without the server's denial-response extension."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from typing import Any, Iterator

import pytest

uvicorn = pytest.importorskip("uvicorn")
websockets_sync = pytest.importorskip("websockets.sync.client")
from websockets.exceptions import InvalidStatus  # noqa: E402

from wsgi_cors.asgi import CORSMiddleware  # noqa: E402

ORIGIN = "https://app.example.com"
STARTUP_DEADLINE_SECONDS = 20.0  # a cold uvicorn with Django imports in well under a second; CI machines are slow
STOP_DEADLINE_SECONDS = 10.0
WS_IMPLEMENTATIONS = ["websockets-sansio", "wsproto"]


@contextlib.contextmanager
def serving(app: Any, ws: str = "websockets-sansio") -> Iterator[int]:
    """Run ``app`` in uvicorn on an ephemeral loopback port (in a thread); yield the port; stop it."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, ws=ws, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(STOP_DEADLINE_SECONDS)
        assert not thread.is_alive(), "uvicorn did not stop"


def http_request(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def test_the_django_asgi_example_over_the_wire() -> None:
    pytest.importorskip("django")
    from examples.asgi.django_asgi import application

    with serving(application) as port:
        status, headers, body = http_request(
            port,
            "OPTIONS",
            "/api/items",
            {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        )
        assert (status, body) == (200, b"")
        assert ("access-control-allow-origin", ORIGIN) in headers and ("access-control-max-age", "600") in headers
        status, headers, body = http_request(port, "GET", "/api/items", {"Origin": ORIGIN})
        assert status == 200 and b"first item" in body
        assert [value for name, value in headers if name == "access-control-allow-origin"] == [ORIGIN]


async def streaming_app(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"access-control-allow-origin", b"*"), (b"vary", b"Accept-Encoding")],
        }
    )
    for index in range(3):
        await send({"type": "http.response.body", "body": b"chunk %d\n" % index, "more_body": index < 2})


def test_a_streamed_body_is_chunked_on_the_wire_with_one_acao_and_vary_merged() -> None:
    with serving(CORSMiddleware(streaming_app, origins=[ORIGIN])) as port:
        status, headers, body = http_request(port, "GET", "/stream", {"Origin": ORIGIN})
    assert status == 200 and body == b"chunk 0\nchunk 1\nchunk 2\n"
    assert ("Transfer-Encoding", "chunked") in headers  # streamed: uvicorn never saw a whole body
    assert [value for name, value in headers if name == "access-control-allow-origin"] == [ORIGIN]
    assert [value for name, value in headers if name == "vary"] == ["Accept-Encoding, Origin"]


# --- the WebSocket origin check -------------------------------------------------------------------


async def echo_app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": "echo: " + message.get("text", "")})


def without_denial_extension(app: Any) -> Any:
    """The same server, as one without ``websocket.http.response`` (older servers): the door falls back to close."""

    async def stripped(scope: Any, receive: Any, send: Any) -> None:
        await app({**scope, "extensions": {}}, receive, send)

    return stripped


def door(**options: Any) -> CORSMiddleware:
    return CORSMiddleware(echo_app, origins=[ORIGIN], websocket_origin_check=True, **options)


def echo_once(port: int, origin: str | None) -> str:
    with websockets_sync.connect(f"ws://127.0.0.1:{port}/ws", origin=origin, open_timeout=10, close_timeout=5) as socket:
        socket.send("hi")
        return str(socket.recv(timeout=10))


@pytest.mark.parametrize("ws", WS_IMPLEMENTATIONS)
@pytest.mark.parametrize("extension", [True, False], ids=["denial-response", "close-before-accept"])
def test_a_websocket_from_a_refused_origin_gets_403(ws: str, extension: bool) -> None:
    refused: list[Any] = []
    app = door(on_reject=lambda decision, scope: refused.append((decision.reason.value, scope["type"])))
    with serving(app if extension else without_denial_extension(app), ws) as port:
        with pytest.raises(InvalidStatus) as raised:
            echo_once(port, "https://evil.example")
        assert echo_once(port, ORIGIN) == "echo: hi"
    assert raised.value.response.status_code == 403
    if extension:
        assert raised.value.response.body == b"WebSocket origin not allowed"
    assert refused == [("origin-not-allowed", "websocket")]


@pytest.mark.parametrize("ws", WS_IMPLEMENTATIONS)
def test_a_websocket_without_origin_is_not_a_browser_and_goes_through(ws: str) -> None:
    with serving(door(), ws) as port:
        assert echo_once(port, None) == "echo: hi"


def test_without_the_opt_in_any_origin_opens_a_websocket() -> None:
    """The default: WebSockets pass through untouched, as browsers apply no CORS to them."""
    with serving(CORSMiddleware(echo_app, origins=[ORIGIN])) as port:
        assert echo_once(port, "https://evil.example") == "echo: hi"


def test_the_websocket_check_follows_path_rules() -> None:
    """The same engine decision as an actual request from that origin to that path: uncovered paths are the app's."""
    app = CORSMiddleware(echo_app, resources={"/api/*": {"origins": [ORIGIN]}}, websocket_origin_check=True)
    with serving(app) as port:
        with websockets_sync.connect(f"ws://127.0.0.1:{port}/other", origin="https://evil.example", open_timeout=10) as socket:
            socket.send("x")
            assert socket.recv(timeout=10) == "echo: x"
        with pytest.raises(InvalidStatus):
            with websockets_sync.connect(f"ws://127.0.0.1:{port}/api/live", origin="https://evil.example", open_timeout=10):
                pass
