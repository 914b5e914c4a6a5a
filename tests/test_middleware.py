"""The WSGI shell: PEP 3333 correctness, logging, the on_reject hook, reconfiguration."""

from __future__ import annotations

import logging
import sys
import threading
import time
import wsgiref.validate
from typing import Any, Callable, Iterable, Iterator

import pytest
from webtest import TestApp

from tests.conftest import ORIGIN, RecordingApp, cors_client, cors_headers, preflight
from wsgi_cors import ConfigError, CORSMiddleware, CORSPolicy, Decision


def call(middleware: Callable[..., Iterable[bytes]], **environ: Any) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call a WSGI app directly; return status, headers and the body, closing the iterable."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, headers
        return lambda data: captured.setdefault("written", []).append(data)

    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
    result = middleware({**base, **environ}, start_response)
    try:
        body = b"".join(captured.get("written", [])) + b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return captured["status"], captured["headers"], body


class StreamingApp:
    """Yields chunks one at a time and records how far the server has consumed them and whether close() ran."""

    def __init__(self) -> None:
        self.produced = 0
        self.closed = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return self.chunks()

    def chunks(self) -> Iterator[bytes]:
        try:
            for number in range(3):
                self.produced += 1
                yield f"chunk{number}".encode()
        finally:
            self.closed = True


def test_the_apps_iterable_is_returned_as_is_so_it_streams() -> None:
    app = StreamingApp()
    middleware = CORSMiddleware(app, origins=[ORIGIN])
    started: list[Any] = []
    result = middleware({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN}, lambda *args: started.append(args))
    assert app.produced == 0  # nothing consumed yet: no buffering
    assert next(iter(result)) == b"chunk0" and app.produced == 1
    result.close()  # type: ignore[attr-defined]
    assert app.closed
    assert ("Access-Control-Allow-Origin", ORIGIN) in started[0][1]


def test_close_is_called_when_the_server_closes_the_response() -> None:
    app = StreamingApp()
    client = cors_client(app, origins=[ORIGIN])
    assert client.get("/", headers={"Origin": ORIGIN}).body == b"chunk0chunk1chunk2"
    assert app.closed


def test_the_write_callable_is_passed_through() -> None:
    def legacy_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    status, headers, body = call(CORSMiddleware(legacy_app, origins=[ORIGIN]), HTTP_ORIGIN=ORIGIN)
    assert body == b"written returned"
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers


def test_exc_info_is_passed_through_to_the_server() -> None:
    seen: list[Any] = []

    def failing_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("late failure")
        except ValueError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error page"]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        seen.append((status, headers, exc_info))
        return lambda data: None

    list(
        CORSMiddleware(failing_app, origins=[ORIGIN])(
            {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN}, start_response
        )
    )
    assert seen[1][0] == "500 Internal Server Error"
    assert seen[1][2][0] is ValueError
    assert ("Access-Control-Allow-Origin", ORIGIN) in seen[1][1]


@pytest.mark.parametrize("status", ["301 Moved Permanently", "404 Not Found", "401 Unauthorized", "500 Internal Server Error"])
def test_redirects_and_errors_keep_their_status_and_body_and_get_cors_headers(status: str) -> None:
    app = RecordingApp(status=status, headers=[("Content-Type", "text/plain"), ("Location", "/elsewhere")], body=b"body")
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN}, status="*")
    assert (response.status, response.body) == (status, b"body")
    assert cors_headers(response) == [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]


def test_head_requests_get_cors_headers() -> None:
    response = cors_client(origins=[ORIGIN]).head("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_an_app_exception_propagates_by_default() -> None:
    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        call(CORSMiddleware(broken, origins=[ORIGIN]), HTTP_ORIGIN=ORIGIN)


def test_intercept_exceptions_answers_500_with_cors_headers_and_logs_the_traceback(caplog: pytest.LogCaptureFixture) -> None:
    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("boom")

    response = TestApp(wsgiref.validate.validator(CORSMiddleware(broken, origins=[ORIGIN], intercept_exceptions=True))).get(
        "/", headers={"Origin": ORIGIN}, status=500
    )
    assert response.body == b"Internal Server Error"
    assert cors_headers(response) == [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]
    assert "RuntimeError: boom" in caplog.text


def test_missing_path_info_is_the_root_path() -> None:
    status, headers, _ = call(
        CORSMiddleware(RecordingApp(), resources={"/": {"origins": [ORIGIN]}}), PATH_INFO="", HTTP_ORIGIN=ORIGIN
    )
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers


def test_leading_slashes_are_collapsed_as_werkzeug_routes_them() -> None:
    """Flask routes '//api/x' to '/api/x'; the '/api' policy must apply, not a more permissive catch-all."""
    middleware = CORSMiddleware(
        RecordingApp(), resources={r"/api/.*": {"origins": [ORIGIN]}, r"/.*": {"origins": "*", "send_wildcard": True}}
    )
    _, headers, _ = call(middleware, PATH_INFO="//api/x", HTTP_ORIGIN="https://evil.example")
    assert headers == [("Content-Type", "text/plain"), ("Vary", "Origin")]


def test_a_utf8_path_is_matched_as_the_router_decodes_it() -> None:
    path_info = "/café".encode().decode("latin-1")  # what a PEP 3333 server puts in PATH_INFO
    status, headers, _ = call(
        CORSMiddleware(RecordingApp(), resources={"/café": {"origins": [ORIGIN]}}), PATH_INFO=path_info, HTTP_ORIGIN=ORIGIN
    )
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers


def test_non_latin1_text_in_request_headers_does_not_crash() -> None:
    status, headers, _ = call(CORSMiddleware(RecordingApp()), HTTP_ORIGIN="https://☃.example", PATH_INFO="/☃")
    assert status == "200 OK" and headers == [("Content-Type", "text/plain"), ("Vary", "Origin")]


def test_the_header_list_the_app_passed_is_not_mutated() -> None:
    app_headers = [("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*"), ("Vary", "Cookie")]
    app = RecordingApp(headers=app_headers)
    app.headers = app_headers
    snapshot = list(app_headers)
    client = cors_client(app, origins=[ORIGIN])
    client.get("/", headers={"Origin": ORIGIN})
    assert app_headers == snapshot


def test_a_server_mutating_the_header_list_cannot_leak_into_the_next_response() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ORIGIN], supports_credentials=True)

    def greedy_server(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        headers.append(("Access-Control-Allow-Origin", "https://evil.example"))
        return lambda data: None

    list(middleware({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN}, greedy_server))
    _, headers, _ = call(middleware, HTTP_ORIGIN=ORIGIN)
    assert [value for name, value in headers if name == "Access-Control-Allow-Origin"] == [ORIGIN]


def test_a_preflight_answer_passes_wsgiref_validate_for_200_and_204() -> None:
    for status in (200, 204):
        response = preflight(cors_client(preflight_status=status))
        assert response.status_int == status


def test_a_rejected_preflight_has_an_empty_text_body() -> None:
    response = preflight(cors_client(origins=[ORIGIN]), origin="https://evil.example", status=403)
    assert (response.body, response.headers["Content-Type"], response.headers["Content-Length"]) == (
        b"",
        "text/plain; charset=utf-8",
        "0",
    )


# Logging -------------------------------------------------------------------------------------


def test_a_rejection_is_logged_at_info_with_reason_origin_method_and_path(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    preflight(cors_client(origins=[ORIGIN]), "/api/items", origin="https://evil.example", status=403)
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        (
            "INFO",
            "CORS preflight request rejected [origin-not-allowed]: origin 'https://evil.example' is not allowed by rule '/*' "
            "(origin='https://evil.example' method='OPTIONS' path='/api/items')",
        )
    ]


def test_nothing_is_logged_for_allowed_requests(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="wsgi_cors")
    client = cors_client(origins=[ORIGIN])
    client.get("/", headers={"Origin": ORIGIN})
    preflight(client)
    client.get("/")
    assert caplog.records == []


def test_log_lines_escape_request_values(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    call(
        CORSMiddleware(RecordingApp(), origins=[ORIGIN]),
        HTTP_ORIGIN="https://e.example\n2026-01-01 CRITICAL forged",
        PATH_INFO="/a\r\nb",
    )
    message = caplog.records[0].getMessage()
    assert "\n" not in message and "\r" not in message
    assert "forged" in message and "\\n" in message


# on_reject -----------------------------------------------------------------------------------


def test_on_reject_receives_the_decision_and_environ() -> None:
    seen: list[tuple[Decision, str]] = []
    middleware = CORSMiddleware(
        RecordingApp(), origins=[ORIGIN], on_reject=lambda decision, environ: seen.append((decision, environ["PATH_INFO"]))
    )
    call(middleware, HTTP_ORIGIN="https://evil.example", PATH_INFO="/x")
    call(middleware, HTTP_ORIGIN=ORIGIN)
    assert [(decision.reason, path) for decision, path in seen] == [("origin-not-allowed", "/x")]


def test_a_failing_on_reject_hook_does_not_break_the_request(caplog: pytest.LogCaptureFixture) -> None:
    def hook(decision: Decision, environ: Any) -> None:
        raise RuntimeError("metrics down")

    status, _, _ = call(CORSMiddleware(RecordingApp(), origins=[ORIGIN], on_reject=hook), HTTP_ORIGIN="https://evil.example")
    assert status == "200 OK" and "metrics down" in caplog.text


# reconfigure ---------------------------------------------------------------------------------


def test_reconfigure_swaps_the_policy() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ORIGIN])
    middleware.reconfigure(origins=["https://new.example"])
    _, headers, _ = call(middleware, HTTP_ORIGIN="https://new.example")
    assert ("Access-Control-Allow-Origin", "https://new.example") in headers
    assert middleware.policy.evaluate("GET", "/", origin=ORIGIN).allowed is False


def test_a_bad_reconfiguration_raises_and_keeps_the_old_policy() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ORIGIN])
    old = middleware.policy
    with pytest.raises(ConfigError):
        middleware.reconfigure(origins=["no-scheme.example"])
    assert middleware.policy is old


def test_reconfigure_under_concurrent_requests_never_mixes_two_policies() -> None:
    """Each response carries the headers of exactly one of the two policies, never a mixture or an error."""
    policy_a = CORSPolicy(origins=[ORIGIN], expose_headers=["X-A"])
    policy_b = CORSPolicy(origins=[ORIGIN], expose_headers=["X-B"], supports_credentials=True)
    middleware = CORSMiddleware(RecordingApp(), policy=policy_a)
    allowed_sets = {
        tuple(policy_a.evaluate("GET", "/", origin=ORIGIN).headers),
        tuple(policy_b.evaluate("GET", "/", origin=ORIGIN).headers),
    }
    failures: list[Any] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    swaps = 0
    clients_done = threading.Event()

    def swapper() -> None:
        nonlocal swaps
        while not clients_done.is_set():
            middleware.reconfigure(policy=policy_b if swaps % 2 == 0 else policy_a)
            swaps += 1

    deadline = time.monotonic() + 10  # a bound, not a wait: the loop normally ends in well under a second

    def client() -> None:
        requests = 0
        # Keep requesting until many swaps happened during requests and both policies were seen.
        while (requests < 1000 or swaps < 500 or len(seen) < 2) and time.monotonic() < deadline:
            _, headers, _ = call(middleware, HTTP_ORIGIN=ORIGIN)
            seen.add(tuple(headers[1:]))
            if tuple(headers[1:]) not in allowed_sets:
                failures.append(headers)
            requests += 1

    swapping = threading.Thread(target=swapper)
    swapping.start()
    clients = [threading.Thread(target=client) for _ in range(4)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    clients_done.set()
    swapping.join()
    assert failures == []
    assert seen == allowed_sets  # both policies were really in force during the run
