"""The ASGI door under the protocol harness: message order, streaming, disconnects, exceptions, scopes it leaves alone,
and that it sends exactly what the engine decides (the WSGI door's translation, in bytes)."""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.asgi.harness import ASGIProtocolError, call_asgi, make_scope
from tests.test_wsgi_shell import POLICY_OPTIONS
from wsgi_cors import CORSMiddleware as WSGIMiddleware
from wsgi_cors import CORSPolicy, InsecureConfigWarning
from wsgi_cors._headers import header_pairs, merge_header_pairs, merge_headers
from wsgi_cors.asgi import CORSMiddleware

ORIGIN = "https://app.example.com"
APP_HEADERS = [(b"content-type", b"text/plain"), (b"vary", b"Accept-Encoding"), (b"access-control-allow-origin", b"*")]
PREFLIGHT_VARY = (
    b"vary",
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", InsecureConfigWarning)
    POLICIES = [CORSPolicy(**options) for options in POLICY_OPTIONS]


class App:
    """An ASGI app that answers with fixed messages and remembers the scopes it saw."""

    def __init__(self, headers: Optional[list[tuple[bytes, bytes]]] = None, chunks: tuple[bytes, ...] = (b"ok",)) -> None:
        self.headers = headers if headers is not None else list(APP_HEADERS)
        self.chunks = chunks
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        for index, chunk in enumerate(self.chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(self.chunks) - 1})


def get(app: Any, path: str = "/", origin: Optional[str] = ORIGIN, method: str = "GET", **extra: str) -> list[dict[str, Any]]:
    headers = {"Origin": origin, **extra} if origin is not None else dict(extra)
    return call_asgi(app, make_scope(method, path, headers.items()))


# --- translation: exactly the engine's decision ---------------------------------------------------

paths = st.sampled_from(
    [
        "/",
        "/api/x",
        "//api/x",
        "/other",
        "/api//x",
        "/api/../x",
        "/api/./x",
        "/api/caf%C3%A9",
        "/api/%FF",
        "/ap%FFi/x",
        "/api/x%0A",
        "/api%2Fx",
        "/.well-known/x",
        "/api/x%09",
    ]
)
origins = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "null",
            ORIGIN,
            "https://b.example.com",
            "https://evil.example",
            "https://x.example.org",
            "HTTPS://APP.EXAMPLE.COM",
            "https://abc.example.net",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=30),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(
    index=st.integers(0, len(POLICY_OPTIONS) - 1), origin=origins, method=st.sampled_from(["GET", "POST", "HEAD"]), raw_path=paths
)
def test_the_headers_sent_are_the_engines_decision_on_the_wsgi_path(
    index: int, origin: Optional[str], method: str, raw_path: str
) -> None:
    """Both doors judge the same PATH_INFO: raw_path percent-decoded once, as latin-1 text."""
    policy = POLICIES[index]
    from urllib.parse import unquote_to_bytes

    path_info = unquote_to_bytes(raw_path).decode("latin-1")
    decision = policy.evaluate(method, path_info, origin=origin, raw_path=True)
    headers = {"Origin": origin} if origin is not None else {}
    sent = call_asgi(
        CORSMiddleware(App(), policy=policy), make_scope(method, "/", headers.items(), raw_path=raw_path.encode("latin-1"))
    )
    expected = APP_HEADERS if decision.rule is None else merge_header_pairs(APP_HEADERS, header_pairs(decision.headers))
    assert sent[0]["headers"] == expected
    # ... and the WSGI door sends the same headers for the same request, in its own spelling.
    wsgi_sent: list[Any] = []
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path_info, **({"HTTP_ORIGIN": origin} if origin is not None else {})}
    app_headers = [(n.decode(), v.decode()) for n, v in APP_HEADERS]
    list(
        WSGIMiddleware(lambda e, s: s("200 OK", list(app_headers)) or [], policy=policy)(
            environ, lambda s, h, e=None: wsgi_sent.append(h)
        )
    )
    assert [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in wsgi_sent[0]] == expected


@pytest.mark.parametrize(
    "app_headers",
    [
        [("Content-Type", "text/plain")],
        [("Vary", "Accept-Encoding"), ("Access-Control-Allow-Origin", "*"), ("access-control-max-age", "5")],
        [("vary", "*")],
        [("Vary", "")],
        [("VARY", "origin"), ("Vary", "Cookie")],
        [("Accept-Ranges", "bytes")],
    ],
)
def test_the_bytes_merge_is_the_str_merge(app_headers: list[tuple[str, str]]) -> None:
    """One merge, two spellings: the ASGI result is the WSGI result, encoded (names lower-case, as ASGI asks)."""
    ours = (("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin"))
    as_str = merge_headers(app_headers, ours)
    as_bytes = merge_header_pairs([(n.lower().encode(), v.encode()) for n, v in app_headers], header_pairs(ours))
    assert as_bytes == [(n.lower().encode(), v.encode()) for n, v in as_str]


# --- message order and streaming ----------------------------------------------------------------


def test_an_allowed_request_forwards_the_apps_messages_in_order_with_the_headers_merged() -> None:
    sent = get(CORSMiddleware(App(chunks=(b"a", b"b", b"c")), origins=[ORIGIN]))
    assert [m["type"] for m in sent] == ["http.response.start"] + ["http.response.body"] * 3
    assert sent[0]["headers"] == [
        (b"content-type", b"text/plain"),
        (b"vary", b"Accept-Encoding, Origin"),
        (b"access-control-allow-origin", ORIGIN.encode()),
    ]
    assert [m["body"] for m in sent[1:]] == [b"a", b"b", b"c"]


def test_a_preflight_is_answered_with_an_empty_body_and_the_app_never_runs() -> None:
    app = App()
    sent = get(CORSMiddleware(app, origins=[ORIGIN]), method="OPTIONS", **{"Access-Control-Request-Method": "PUT"})
    assert sent == [
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"access-control-allow-origin", ORIGIN.encode()),
                (b"access-control-allow-methods", b"DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
                PREFLIGHT_VARY,
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", b"0"),
            ],
        },
        {"type": "http.response.body", "body": b"", "more_body": False},
    ]
    assert app.scopes == []


def test_a_204_preflight_has_no_content_length() -> None:
    sent = get(
        CORSMiddleware(App(), origins=[ORIGIN], preflight_status=204),
        method="OPTIONS",
        **{"Access-Control-Request-Method": "GET"},
    )
    assert sent[0]["status"] == 204 and not any(name.startswith(b"content-") for name, _ in sent[0]["headers"])


def test_a_refused_preflight_is_403_with_vary_only() -> None:
    sent = get(
        CORSMiddleware(App(), origins=[ORIGIN]),
        origin="https://evil.example",
        method="OPTIONS",
        **{"Access-Control-Request-Method": "PUT"},
    )
    assert sent[0]["status"] == 403 and sent[0]["headers"][0] == PREFLIGHT_VARY


def test_streamed_chunks_reach_the_server_one_by_one_never_buffered() -> None:
    """Each body message is on the server's side before the app sends the next one."""
    server_saw: list[dict[str, Any]] = []
    observed: list[int] = []

    async def streaming_app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for index in range(5):
            await send({"type": "http.response.body", "body": b"x" * 65536, "more_body": index < 4})
            observed.append(len(server_saw))

    async def send(message: dict[str, Any]) -> None:
        server_saw.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    for intercept in (False, True):
        server_saw.clear()
        observed.clear()
        scope = make_scope("GET", "/", [("Origin", ORIGIN)])
        asyncio.new_event_loop().run_until_complete(
            CORSMiddleware(streaming_app, origins=[ORIGIN], intercept_exceptions=intercept)(scope, receive, send)
        )
        assert observed == [2, 3, 4, 5, 6]


def test_the_request_body_and_http_disconnect_reach_the_app_unchanged() -> None:
    received: list[dict[str, Any]] = []

    async def reading_app(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            received.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        if received[-1]["type"] != "http.disconnect":
            received.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    call_asgi(CORSMiddleware(reading_app, origins=[ORIGIN]), make_scope("POST", "/", [("Origin", ORIGIN)]), [b"one", b"two"])
    assert received == [
        {"type": "http.request", "body": b"one", "more_body": True},
        {"type": "http.request", "body": b"two", "more_body": False},
        {"type": "http.disconnect"},
    ]
    received.clear()
    call_asgi(CORSMiddleware(reading_app, origins=[ORIGIN]), make_scope("POST", "/", [("Origin", ORIGIN)]), disconnect_first=True)
    assert received[0] == {"type": "http.disconnect"}


def test_the_harness_catches_a_broken_app() -> None:
    """The conformance checks are real: a second http.response.start fails them."""

    async def twice(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.start", "status": 200, "headers": []})

    with pytest.raises(ASGIProtocolError):
        get(CORSMiddleware(twice))


def test_the_apps_message_dicts_are_not_mutated() -> None:
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(start)
        await send({"type": "http.response.body", "body": b""})

    get(CORSMiddleware(app, origins=[ORIGIN]))
    assert start["headers"] == [(b"content-type", b"text/plain")]


# --- exceptions before and after http.response.start --------------------------------------------


async def fails_before_start(scope: Any, receive: Any, send: Any) -> None:
    raise RuntimeError("boom")


async def fails_between_start_and_body(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise RuntimeError("boom")


async def fails_after_first_body(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"part", "more_body": True})
    raise RuntimeError("boom")


@pytest.mark.parametrize("app", [fails_before_start, fails_between_start_and_body, fails_after_first_body])
def test_exceptions_propagate_by_default(app: Any) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        call_asgi(CORSMiddleware(app, origins=[ORIGIN]), make_scope("GET", "/", [("Origin", ORIGIN)]), validate=False)


@pytest.mark.parametrize("app", [fails_before_start, fails_between_start_and_body])
def test_intercept_turns_an_exception_before_the_body_into_a_500_with_cors(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    """As the WSGI door holds the status until the first chunk, the ASGI door holds http.response.start until the first body."""
    with caplog.at_level(logging.ERROR, logger="wsgi_cors"):
        sent = get(CORSMiddleware(app, origins=[ORIGIN], intercept_exceptions=True))
    assert sent[0]["status"] == 500
    assert sent[0]["headers"] == [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"21"),
        (b"access-control-allow-origin", ORIGIN.encode()),
        (b"vary", b"Origin"),
    ]
    assert sent[1]["body"] == b"Internal Server Error"
    assert "application ('GET' '/'); answering 500 with CORS headers" in caplog.text and "RuntimeError: boom" in caplog.text


def test_intercept_lets_a_failure_after_the_first_body_reach_the_server() -> None:
    server_saw: list[dict[str, Any]] = []
    with pytest.raises(RuntimeError, match="boom"):
        server_saw.extend(
            call_asgi(
                CORSMiddleware(fails_after_first_body, origins=[ORIGIN], intercept_exceptions=True),
                make_scope("GET", "/", [("Origin", ORIGIN)]),
                validate=False,
            )
        )


def test_intercept_sends_a_start_without_a_body_message_when_the_app_ends() -> None:
    async def start_only(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})

    sent = call_asgi(
        CORSMiddleware(start_only, origins=[ORIGIN], intercept_exceptions=True),
        make_scope("GET", "/", [("Origin", ORIGIN)]),
        validate=False,
    )
    assert [m["type"] for m in sent] == ["http.response.start"] and sent[0]["status"] == 204


def test_base_exceptions_are_never_caught() -> None:
    async def cancelled(scope: Any, receive: Any, send: Any) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        get(CORSMiddleware(cancelled, origins=[ORIGIN], intercept_exceptions=True))


# --- scopes the door leaves alone ---------------------------------------------------------------


@pytest.mark.parametrize("scope_type", ["lifespan", "websocket", "webtransport"])
def test_other_scopes_pass_through_untouched(scope_type: str) -> None:
    seen: list[tuple[Any, Any, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope, receive, send))

    scope = {"type": scope_type, "asgi": {"version": "3.0"}, "headers": [(b"origin", b"https://evil.example")], "path": "/"}

    async def receive() -> dict[str, Any]:
        return {}

    async def send(message: Any) -> None:
        return None

    asyncio.new_event_loop().run_until_complete(CORSMiddleware(app, origins=[ORIGIN])(scope, receive, send))
    assert seen == [(scope, receive, send)] and seen[0][0] is scope


def test_a_path_no_rule_covers_passes_through_untouched() -> None:
    app = App(headers=[(b"access-control-allow-origin", b"*")])
    sent = get(CORSMiddleware(app, resources=[r"/api/*"]), "/other", origin="https://evil.example")
    assert sent[0]["headers"] == [(b"access-control-allow-origin", b"*")]


# --- reading the request ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_path", "rule"),
    [(b"/api/x", "/api/*"), (b"/api%2Fx", None), (b"/public/..%2Fapi/x", None), (b"/api/caf%C3%A9", "/api/*")],
)
def test_the_path_is_raw_path_percent_decoded_once_as_under_wsgi(raw_path: bytes, rule: Optional[str]) -> None:
    policy = CORSPolicy(resources={"/api/*": {"origins": [ORIGIN]}, "/public/*": {"origins": "*"}})
    from urllib.parse import unquote_to_bytes

    sent = call_asgi(
        CORSMiddleware(App(headers=[]), policy=policy),
        make_scope("GET", "/", [("Origin", "https://evil.example")], raw_path=raw_path),
    )
    wsgi_decision = policy.evaluate_request(unquote_to_bytes(raw_path).decode("latin-1"), "https://evil.example", True)
    assert sent[0]["headers"] == list(header_pairs(wsgi_decision.headers))


def test_invalid_utf8_in_the_path_is_judged_on_the_raw_bytes() -> None:
    """scope["path"] has U+FFFD where the bytes were; raw_path keeps them, so the ambiguity check sees them."""
    refused: list[Any] = []
    door = CORSMiddleware(
        App(), resources={"/api/*": {"origins": [ORIGIN]}}, on_reject=lambda decision, scope: refused.append(decision)
    )
    # Some routers drop the byte and route /ap\xffi/x to /api/x: the request may reach a covered view.
    call_asgi(door, make_scope("GET", "/", [("Origin", ORIGIN)], raw_path=b"/ap%FFi/x"))
    assert [d.reason.value for d in refused] == ["path-ambiguous"]


def test_without_raw_path_the_decoded_path_is_used() -> None:
    scope = make_scope("GET", "/api/x", [("Origin", ORIGIN)])
    del scope["raw_path"]
    sent = call_asgi(CORSMiddleware(App(headers=[]), resources={"/api/*": {"origins": [ORIGIN]}}), scope)
    assert (b"access-control-allow-origin", ORIGIN.encode()) in sent[0]["headers"]


def test_rules_match_the_full_path_root_path_included() -> None:
    """ASGI's path (and raw_path) is the full request path; root_path only tells the app where it is mounted."""
    scope = make_scope("GET", "/mount/api/x", [("Origin", ORIGIN)])
    scope["root_path"] = "/mount"
    sent = call_asgi(CORSMiddleware(App(headers=[]), resources={"/mount/api/*": {"origins": [ORIGIN]}}), scope)
    assert (b"access-control-allow-origin", ORIGIN.encode()) in sent[0]["headers"]


def test_two_origin_headers_are_one_malformed_origin_never_a_choice() -> None:
    scope = make_scope("GET", "/", [("Origin", ORIGIN), ("Origin", "https://evil.example")])
    sent = call_asgi(CORSMiddleware(App(headers=[]), origins=[ORIGIN, "https://evil.example"]), scope)
    assert sent[0]["headers"] == [(b"vary", b"Origin")]


@pytest.mark.parametrize("origin", ["https://a\r\nSet-Cookie: x=1", "https://app.example.com\n", "https://\xe9.example"])
def test_malformed_origins_are_never_reflected(origin: str) -> None:
    sent = get(CORSMiddleware(App(headers=[])), origin=origin)
    assert sent[0]["headers"] == [(b"vary", b"Origin")]


def test_the_rejection_log_line_is_the_wsgi_doors_with_values_escaped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="wsgi_cors"):
        get(
            CORSMiddleware(App(), origins=[ORIGIN]),
            "/api/items",
            origin="https://a\r\nFAKE LOG LINE",
            method="OPTIONS",
            **{"Access-Control-Request-Method": "PUT"},
        )
    assert caplog.messages == [
        "CORS preflight request rejected [origin-malformed]: the Origin header 'https://a\\r\\nFAKE LOG LINE' "
        "is not a serialized origin a browser would send (origin='https://a\\r\\nFAKE LOG LINE' method='OPTIONS' "
        "path='/api/items')"
    ]


# --- on_reject, configuration -------------------------------------------------------------------


def test_on_reject_gets_the_decision_and_the_scope_and_may_be_a_coroutine() -> None:
    seen: list[Any] = []

    async def hook(decision: Any, scope: Any) -> None:
        seen.append((decision.reason.value, scope["path"]))

    get(CORSMiddleware(App(), origins=[ORIGIN], on_reject=hook), "/x", origin="https://evil.example")
    assert seen == [("origin-not-allowed", "/x")]


def test_a_failing_hook_is_logged_and_the_request_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    def hook(decision: Any, scope: Any) -> None:
        raise ValueError("metrics down")

    sent = get(CORSMiddleware(App(), origins=[ORIGIN], on_reject=hook), origin="https://evil.example")
    assert sent[0]["status"] == 200 and "the on_reject hook raised" in caplog.text


def test_nothing_is_reported_for_allowed_requests() -> None:
    seen: list[Any] = []
    get(CORSMiddleware(App(), origins=[ORIGIN], on_reject=lambda d, s: seen.append(d)))
    assert seen == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"policy": CORSPolicy(), "origins": "*"}, "either policy"),
        ({"policy": {"origins": "*"}}, "must be a CORSPolicy"),
        ({"on_reject": "log"}, "on_reject must be a callable"),
        ({"intercept_exceptions": "yes"}, "True or False"),
        ({"websocket_origin_check": 1}, "True or False"),
    ],
)
def test_bad_door_arguments_fail_at_construction(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        CORSMiddleware(App(), **kwargs)


def test_bad_options_fail_at_construction_with_the_fix() -> None:
    from wsgi_cors import ConfigError

    with pytest.raises(ConfigError, match="list the trusted origins"):
        CORSMiddleware(App(), origins="*", supports_credentials=True)


def test_from_config_reads_the_same_toml_and_environment_as_the_wsgi_door(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "cors.toml"
    config.write_text('origins = ["https://app.example.com"]\nmax_age = 60\n')
    monkeypatch.setenv("WSGI_CORS_MAX_AGE", "120")
    door = CORSMiddleware.from_config(App(), config, expose_headers=["X-Total"], websocket_origin_check=True)
    sent = get(door, method="OPTIONS", **{"Access-Control-Request-Method": "PUT"})
    assert (b"access-control-max-age", b"120") in sent[0]["headers"]
    assert (b"access-control-expose-headers", b"X-Total") in sent[0]["headers"]
    assert door.websocket_origin_check is True
    assert door.policy.describe() == WSGIMiddleware.from_config(None, config, expose_headers=["X-Total"]).policy.describe()  # type: ignore[arg-type]


def test_from_config_reads_wsgi_cors_config(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "cors.toml"
    config.write_text('origins = ["https://other.example"]\n')
    monkeypatch.setenv("WSGI_CORS_CONFIG", str(config))
    sent = get(CORSMiddleware.from_config(App(headers=[])), origin="https://other.example")
    assert sent[0]["headers"] == [(b"access-control-allow-origin", b"https://other.example"), (b"vary", b"Origin")]


def test_reconfigure_swaps_the_policy_and_a_bad_one_leaves_the_old_in_force() -> None:
    from wsgi_cors import ConfigError

    door = CORSMiddleware(App(headers=[]), origins=[ORIGIN])
    door.reconfigure(origins=["https://b.example"])
    assert get(door, origin="https://b.example")[0]["headers"][0] == (b"access-control-allow-origin", b"https://b.example")
    with pytest.raises(ConfigError):
        door.reconfigure(origins="*", supports_credentials=True)
    assert get(door, origin="https://b.example")[0]["headers"][0] == (b"access-control-allow-origin", b"https://b.example")
