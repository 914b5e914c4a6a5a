"""The ASGI door in a real browser: headless Chromium fetching from an API served by uvicorn on loopback.

The same method as test_scenarios.py (each fetch judged by Chromium and by wsgi_cors.testing on the exact
response the server sent, and the two must agree), with the API side in ASGI: :class:`ASGIRecorder` is the
ASGI twin of servers.Recorder (one app per scenario at ``/s/<scenario>/``, every exchange recorded as it went
out on the wire), each scenario app is ``wsgi_cors.asgi.CORSMiddleware`` around :func:`echo_app`, and uvicorn
serves them. The last scenario opens WebSockets from two pages against the opt-in origin check.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from typing import Any, Iterator

import pytest

from wsgi_cors import CORSConfigWarning
from wsgi_cors.asgi import CORSMiddleware

from .conftest import Origins
from .driver import Session
from .servers import Exchange

uvicorn = pytest.importorskip("uvicorn")

STARTUP_DEADLINE_SECONDS = 20.0
STOP_DEADLINE_SECONDS = 10.0
EXCHANGE_KEY = "wsgi_cors.test.exchange"


class ASGIRecorder:
    """Outermost ASGI layer of the API server: dispatches ``/s/<scenario>/...`` and records each exchange."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mounts: dict[str, Any] = {}
        self._log: dict[str, list[Exchange]] = {}

    def mount(self, scenario: str, app: Any) -> None:
        with self._lock:
            if scenario in self._mounts:
                raise ValueError(f"scenario {scenario!r} is mounted twice")
            self._mounts[scenario] = app
            self._log[scenario] = []

    def exchanges(self, scenario: str) -> list[Exchange]:
        with self._lock:
            return list(self._log.get(scenario, ()))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            return
        parts = scope["path"].split("/", 3)
        app = self._mounts.get(parts[2]) if len(parts) >= 3 and parts[1] == "s" else None
        if app is None:
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b"no such scenario"})
            return
        exchange = Exchange(
            method=scope.get("method", "GET"),
            path=scope["path"],
            headers={name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]},
        )
        with self._lock:
            self._log[parts[2]].append(exchange)

        async def recording_send(message: dict[str, Any]) -> None:
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                exchange.status = message["status"]
                exchange.response_headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in message.get("headers", ())]
            elif message["type"] == "websocket.accept":
                exchange.status = 101
            elif message["type"] == "websocket.close" and exchange.status is None:
                exchange.status = 403  # a close before accept: the server answers 403
            await send(message)

        await app({**scope, EXCHANGE_KEY: exchange}, receive, recording_send)


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The scenarios' application, in ASGI: JSON describing the request; ``/stream`` streams; ``/set-cookie``."""
    scope[EXCHANGE_KEY].app_ran = True
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while (message := await receive())["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": "echo: " + (message.get("text") or "")})
        return
    path = scope["path"].split("/", 3)[3] if scope["path"].count("/") >= 3 else ""
    headers = {name.decode(): value.decode() for name, value in scope["headers"]}
    if path == "stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for index, chunk in enumerate([b"chunk-1;", b"chunk-2;", b"chunk-3"]):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < 2})
        return
    response_headers = [(b"content-type", b"application/json")]
    if path == "set-cookie":
        response_headers.append((b"set-cookie", f"session=s3cr3t; Path=/s/{scope['path'].split('/')[2]}/; SameSite=Lax".encode()))
    body = json.dumps({"method": scope["method"], "path": "/" + path, "cookie": headers.get("cookie")}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": response_headers})
    await send({"type": "http.response.body", "body": body})


def door(**options: Any) -> CORSMiddleware:
    with warnings.catch_warnings():  # loopback origins are plain http: the insecure-origin warnings are expected
        warnings.simplefilter("ignore", CORSConfigWarning)
        return CORSMiddleware(echo_app, **options)


@pytest.fixture(scope="module")
def asgi_api() -> Iterator[tuple[ASGIRecorder, str]]:
    recorder = ASGIRecorder()
    server = uvicorn.Server(
        uvicorn.Config(recorder, host="127.0.0.1", port=0, lifespan="off", log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    yield recorder, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(STOP_DEADLINE_SECONDS)


@pytest.fixture
def asgi_browser(chromium: Any, asgi_api: tuple[ASGIRecorder, str]) -> Iterator[Session]:
    """A fresh incognito context whose fetches go to the uvicorn API (empty cookie jar and caches)."""
    session = Session(chromium, asgi_api[0], asgi_api[1])  # type: ignore[arg-type]  # the ASGI twin of Recorder
    yield session
    session.close()


def test_asgi_allowed_origin_reads_the_response(asgi_browser: Session, asgi_api: Any, origins: Origins) -> None:
    asgi_api[0].mount("asgi-allowed", door(origins=[origins.page_a]))
    outcome = asgi_browser.open(origins.page_a).fetch("asgi-allowed", "/x")
    assert outcome.ok, outcome.explain()
    assert outcome.json_body()["path"] == "/x"
    assert outcome.exchanges[0].response_header("access-control-allow-origin") == [origins.page_a]


def test_asgi_refused_origin_is_blocked_after_the_app_ran(asgi_browser: Session, asgi_api: Any, origins: Origins) -> None:
    asgi_api[0].mount("asgi-refused", door(origins=[origins.page_a]))
    outcome = asgi_browser.open(origins.page_b).fetch("asgi-refused", "/x")
    assert not outcome.ok, outcome.explain()
    assert "No 'Access-Control-Allow-Origin' header is present" in outcome.cors_error, outcome.explain()
    assert outcome.app_ran


def test_asgi_cookies_travel_both_ways_with_credentials(asgi_browser: Session, asgi_api: Any, origins: Origins) -> None:
    asgi_api[0].mount("asgi-cookies", door(origins=[origins.page_a], supports_credentials=True))
    tab = asgi_browser.open(origins.page_a)
    assert tab.fetch("asgi-cookies", "/set-cookie", credentials="include").ok
    me = tab.fetch("asgi-cookies", "/me", credentials="include")
    assert me.ok, me.explain()
    assert me.json_body()["cookie"] == "session=s3cr3t"
    assert me.exchanges[0].response_header("access-control-allow-credentials") == ["true"]


def test_asgi_preflight_is_answered_by_the_door_and_cached_by_the_browser(
    asgi_browser: Session, asgi_api: Any, origins: Origins
) -> None:
    asgi_api[0].mount("asgi-preflight", door(origins=[origins.page_a], max_age=600))
    tab = asgi_browser.open(origins.page_a)
    for _ in range(2):
        outcome = tab.fetch("asgi-preflight", "/item", method="PUT", headers={"X-Api-Key": "k"}, body="{}")
        assert outcome.ok, outcome.explain()
    exchanges = asgi_api[0].exchanges("asgi-preflight")
    assert [e.is_preflight for e in exchanges] == [True, False, False]  # one preflight, then the cache
    assert not exchanges[0].app_ran and exchanges[1].app_ran


def test_asgi_streamed_body_reaches_javascript_whole(asgi_browser: Session, asgi_api: Any, origins: Origins) -> None:
    asgi_api[0].mount("asgi-stream", door(origins=[origins.page_a]))
    outcome = asgi_browser.open(origins.page_a).fetch("asgi-stream", "/stream")
    assert outcome.ok, outcome.explain()
    assert outcome.js.body == "chunk-1;chunk-2;chunk-3"


OPEN_WEBSOCKET = """(url) => new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.onopen = () => socket.send("hi");
    socket.onmessage = (event) => { resolve({opened: true, message: event.data}); socket.close(); };
    socket.onerror = () => resolve({opened: false, message: null});
})"""


def test_asgi_websocket_from_a_refused_origin_is_refused_by_the_origin_check(
    asgi_browser: Session, asgi_api: Any, origins: Origins
) -> None:
    """Browsers apply no CORS to WebSockets; with websocket_origin_check the door refuses the handshake (403)."""
    recorder, api = asgi_api
    recorder.mount("asgi-ws", door(origins=[origins.page_a], websocket_origin_check=True))
    url = api.replace("http://", "ws://") + "/s/asgi-ws/live"
    refused = asgi_browser.open(origins.page_b).page.evaluate(OPEN_WEBSOCKET, url)
    allowed = asgi_browser.open(origins.page_a).page.evaluate(OPEN_WEBSOCKET, url)
    assert refused == {"opened": False, "message": None}
    assert allowed == {"opened": True, "message": "echo: hi"}
    statuses = [(e.origin, e.status, e.app_ran) for e in recorder.exchanges("asgi-ws")]
    assert statuses == [(origins.page_b, 403, False), (origins.page_a, 101, True)]
