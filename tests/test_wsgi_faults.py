"""PEP 3333 fault tolerance: what the middleware does when the app, or the server, misbehaves.

Every test runs ``validator(CORSMiddleware(validator(app)))`` (wsgiref.validate on both sides)
behind a minimal server that behaves as PEP 3333 says: headers go out with the first non-empty
body chunk, ``start_response(..., exc_info)`` re-raises once they have, and the iterable is
always closed. The middleware must never swallow an app exception (unless
``intercept_exceptions=True`` asks for a 500 with CORS headers) and must always let ``close()`` run.
"""

from __future__ import annotations

import io
import logging
import sys
from typing import Any, Callable, Iterable, Iterator, Optional
from wsgiref.util import FileWrapper
from wsgiref.validate import validator

import pytest

from wsgi_cors import CORSMiddleware

ORIGIN = "https://app.example.com"
CORS_ALLOWED = [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]


class AppError(Exception):
    """The app's own failure, to tell it apart from anything the middleware or the validator raises."""


class Server:
    """The server side of PEP 3333, small enough to read: records what would go on the wire."""

    def __init__(self) -> None:
        self.status: Optional[str] = None
        self.headers: list[tuple[str, str]] = []
        self.sent: Optional[tuple[str, list[tuple[str, str]]]] = None  # status and headers once sent
        self.body = b""
        self.closed = False

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None:
            if self.sent is not None:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status is not None:
            raise AssertionError("start_response called a second time without exc_info")
        self.status, self.headers = status, list(headers)
        return self.write

    def write(self, data: bytes) -> None:
        assert self.status is not None, "body written before start_response"
        if self.sent is None:
            self.sent = (self.status, self.headers)
        self.body += data

    def run(self, app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> "Server":
        result = app(environ, self.start_response)
        try:
            for chunk in result:
                if chunk:
                    self.write(chunk)
            if self.sent is None:
                self.write(b"")
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
                self.closed = True
        return self

    def cors(self) -> list[tuple[str, str]]:
        assert self.sent is not None
        return [(name, value) for name, value in self.sent[1] if name.startswith("Access-Control-") or name == "Vary"]


def environ(method: str = "GET", path: Optional[str] = "/items", **variables: str) -> dict[str, Any]:
    """A complete environ for a request from ORIGIN; ``variables`` are set as given (``HTTP_ORIGIN=...``)."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        "HTTP_ORIGIN": ORIGIN,
    }
    if path is not None:
        env["PATH_INFO"] = path
    env.update(variables)
    return env


def wrapped(app: Callable[..., Iterable[bytes]], **options: Any) -> Callable[..., Iterable[bytes]]:
    return validator(CORSMiddleware(validator(app), origins=[ORIGIN], **options))


class Body:
    """A response iterable that can fail at a given chunk or in close(), and records that close() ran."""

    def __init__(self, chunks: list[bytes], fail_at: Optional[int] = None, fail_on_close: bool = False) -> None:
        self.chunks, self.fail_at, self.fail_on_close = chunks, fail_at, fail_on_close
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_at:
                raise AppError(f"failed producing chunk {index}")
            yield chunk
        if self.fail_at == len(self.chunks):
            raise AppError("failed after the last chunk")

    def close(self) -> None:
        self.closed = True
        if self.fail_on_close:
            raise AppError("failed in close()")


def app_returning(body: Iterable[bytes], status: str = "200 OK") -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "text/plain")])
        return body

    return app


def failing_before_start_response(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise AppError("failed before start_response")


def failing_after_start_response(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    raise AppError("failed after start_response")


def streaming_view(fail_first: bool) -> Callable[..., Iterable[bytes]]:
    """A generator app (start_response inside the generator, as streaming views do)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        if fail_first:
            raise AppError("template failed while rendering")
        yield b"streamed"

    return app


# --- Exceptions reach the server (the default) ----------------------------------------------------


def test_exception_before_start_response_propagates() -> None:
    with pytest.raises(AppError, match="before start_response"):
        Server().run(wrapped(failing_before_start_response), environ())


def test_exception_after_start_response_propagates() -> None:
    with pytest.raises(AppError, match="after start_response"):
        Server().run(wrapped(failing_after_start_response), environ())


def test_exception_during_iteration_propagates_and_close_still_runs() -> None:
    body = Body([b"a", b"b"], fail_at=1)
    server = Server()
    with pytest.raises(AppError, match="chunk 1"):
        server.run(wrapped(app_returning(body)), environ())
    assert body.closed
    assert server.body == b"a"
    assert server.cors() == CORS_ALLOWED


def test_exception_in_close_propagates_to_the_server() -> None:
    body = Body([b"done"], fail_on_close=True)
    with pytest.raises(AppError, match="close"):
        Server().run(wrapped(app_returning(body)), environ())
    assert body.closed


def test_exception_in_a_generators_first_step_propagates_by_default() -> None:
    with pytest.raises(AppError, match="template"):
        Server().run(wrapped(streaming_view(fail_first=True)), environ())


def test_base_exceptions_are_never_caught() -> None:
    def interrupted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Server().run(wrapped(interrupted, intercept_exceptions=True), environ())


# --- close() runs on every path -----------------------------------------------------------------


@pytest.mark.parametrize(
    "request_environ",
    [
        environ(),
        environ(HTTP_ORIGIN="https://attacker.example"),
        environ(path="/not-covered"),
        environ(HTTP_ORIGIN=""),
    ],
    ids=["allowed", "rejected", "not-covered", "no-origin"],
)
def test_close_is_called_whatever_the_decision(request_environ: dict[str, Any]) -> None:
    body = Body([b"x"])
    app = validator(CORSMiddleware(validator(app_returning(body)), resources={r"/items": {"origins": [ORIGIN]}}))
    Server().run(app, request_environ)
    assert body.closed


def test_close_is_called_with_intercept_exceptions_on_success() -> None:
    body = Body([b"a", b"b"])
    server = Server().run(wrapped(app_returning(body), intercept_exceptions=True), environ())
    assert server.body == b"ab"
    assert body.closed


# --- start_response, exc_info and write() --------------------------------------------------------


def test_second_start_response_with_exc_info_carries_cors_headers() -> None:
    def app_with_error_page(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise AppError("late failure")
        except AppError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error page"]

    server = Server().run(wrapped(app_with_error_page), environ())
    assert server.sent is not None and server.sent[0] == "500 Internal Server Error"
    assert server.cors() == CORS_ALLOWED
    assert server.body == b"error page"


def test_exc_info_after_headers_were_sent_reraises_the_apps_exception() -> None:
    def app_failing_after_write(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"partial")
        try:
            raise AppError("failed after sending headers")
        except AppError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return []

    with pytest.raises(AppError, match="after sending headers"):
        Server().run(wrapped(app_failing_after_write), environ())


def test_write_callable_passes_through() -> None:
    def app_using_write(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"and returned"]

    server = Server().run(wrapped(app_using_write), environ())
    assert server.body == b"written and returned"
    assert server.cors() == CORS_ALLOWED


# --- Bodies --------------------------------------------------------------------------------------


def test_huge_streamed_body_is_passed_through_untouched() -> None:
    chunk = b"x" * (1 << 20)
    server = Server().run(wrapped(app_returning(chunk for _ in range(16))), environ())
    assert len(server.body) == 16 << 20


def test_app_iterable_is_returned_as_is_without_validators() -> None:
    body = Body([b"x"])
    middleware = CORSMiddleware(app_returning(body), origins=[ORIGIN])
    assert middleware(environ(), Server().start_response) is body


@pytest.mark.parametrize("body", [[], [b""], [b"", b""]], ids=["no-chunk", "one-empty-chunk", "two-empty-chunks"])
def test_empty_bodies_still_send_headers(body: list[bytes]) -> None:
    server = Server().run(wrapped(app_returning(body)), environ())
    assert server.sent is not None and server.sent[0] == "200 OK"
    assert server.body == b""
    assert server.cors() == CORS_ALLOWED


def test_file_wrapper_reaches_the_server_unchanged() -> None:
    def app_sending_a_file(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        wrapper: Iterable[bytes] = environ["wsgi.file_wrapper"](io.BytesIO(b"file body"), 4)
        return wrapper

    middleware = CORSMiddleware(app_sending_a_file, origins=[ORIGIN], intercept_exceptions=True)
    result = middleware(environ(), Server().start_response)
    assert isinstance(result, FileWrapper)
    assert b"".join(result) == b"file body"


# --- Odd environs ---------------------------------------------------------------------------------


def test_missing_path_info_is_the_root_path() -> None:
    # No validator here: wsgiref.validate itself raises KeyError on an environ without PATH_INFO,
    # which PEP 3333 allows ("may be empty or absent").
    app = CORSMiddleware(app_returning([b"root"]), resources={"/": {"origins": [ORIGIN]}})
    server = Server().run(app, environ(path=None, SCRIPT_NAME="/mounted"))
    assert server.cors() == CORS_ALLOWED


def test_missing_request_method_and_origin_do_not_fail() -> None:
    env = environ()
    del env["REQUEST_METHOD"], env["HTTP_ORIGIN"]
    server = Server().run(CORSMiddleware(app_returning([b"x"]), origins=[ORIGIN]), env)
    assert server.body == b"x"


@pytest.mark.parametrize(
    "key", ["HTTP_ORIGIN", "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "PATH_INFO"]
)
@pytest.mark.parametrize(
    "value",
    ["\u20ac", "\udcff", "\xff\xfe", "caf\xc3\xa9"],
    ids=["non-latin-1", "surrogate", "latin-1-bytes", "utf-8-as-latin-1"],
)
def test_non_latin1_and_undecodable_values_from_a_server_are_handled(key: str, value: str) -> None:
    env = environ("OPTIONS", HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT")
    env[key] = ("/" + value) if key == "PATH_INFO" else env.get(key, "") + value
    server = Server().run(validator(CORSMiddleware(validator(app_returning([b"x"])), origins=[ORIGIN])), env)
    assert server.sent is not None
    for _name, header_value in server.sent[1]:
        header_value.encode("latin-1")
        assert value not in header_value


# --- intercept_exceptions=True: a 500 that carries the CORS headers, logged with its traceback ------------


def test_intercept_turns_an_exception_before_start_response_into_a_500_with_cors(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="wsgi_cors"):
        server = Server().run(wrapped(failing_before_start_response, intercept_exceptions=True), environ())
    assert server.sent is not None and server.sent[0] == "500 Internal Server Error"
    assert server.cors() == CORS_ALLOWED
    assert server.body == b"Internal Server Error"
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is AppError


def test_intercept_replaces_an_already_started_response() -> None:
    server = Server().run(wrapped(failing_after_start_response, intercept_exceptions=True), environ())
    assert server.sent is not None and server.sent[0] == "500 Internal Server Error"
    assert server.cors() == CORS_ALLOWED


def test_intercept_turns_a_generator_failing_before_its_first_chunk_into_a_500_with_cors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="wsgi_cors"):
        server = Server().run(wrapped(streaming_view(fail_first=True), intercept_exceptions=True), environ())
    assert server.sent is not None and server.sent[0] == "500 Internal Server Error"
    assert server.cors() == CORS_ALLOWED
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is AppError


def test_intercept_closes_a_body_that_failed_before_its_first_chunk() -> None:
    body = Body([b"never sent"], fail_at=0)
    server = Server().run(wrapped(app_returning(body), intercept_exceptions=True), environ())
    assert server.sent is not None and server.sent[0] == "500 Internal Server Error"
    assert body.closed


class Timeout(BaseException):
    """Shaped like gevent's Timeout and GreenletExit: a BaseException, so that ``except Exception`` lets it through."""


class InterruptedBody(Body):
    """A body whose first chunk is interrupted by a Timeout (a greenlet killed while the view renders)."""

    def __iter__(self) -> Iterator[bytes]:
        raise Timeout("the request took too long")
        yield b"never"  # a generator: the Timeout comes with the first next()


@pytest.mark.parametrize("fail_on_close", [False, True], ids=["close-succeeds", "close-fails"])
def test_intercept_closes_the_body_when_a_base_exception_interrupts_the_first_chunk(
    fail_on_close: bool, caplog: pytest.LogCaptureFixture
) -> None:
    body = InterruptedBody([b"never"], fail_on_close=fail_on_close)
    server = Server()
    with pytest.raises(Timeout, match="too long"):  # re-raised as it came, never turned into a 500
        server.run(wrapped(app_returning(body), intercept_exceptions=True), environ())
    assert body.closed
    assert server.sent is None
    assert [record.getMessage() for record in caplog.records] == (
        ["close() of the failed response body raised"] if fail_on_close else []
    )


def test_intercept_keeps_a_streamed_body_intact() -> None:
    server = Server().run(wrapped(streaming_view(fail_first=False), intercept_exceptions=True), environ())
    assert server.sent is not None and server.sent[0] == "200 OK"
    assert server.body == b"streamed"
    assert server.cors() == CORS_ALLOWED


def test_intercept_lets_a_failure_after_the_first_chunk_reach_the_server() -> None:
    body = Body([b"a", b"b"], fail_at=1)
    server = Server()
    with pytest.raises(AppError, match="chunk 1"):
        server.run(wrapped(app_returning(body), intercept_exceptions=True), environ())
    assert server.body == b"a"
    assert body.closed


def test_intercept_reraises_when_headers_were_already_written() -> None:
    def app_failing_after_write(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])(b"partial")
        raise AppError("failed after write()")

    with pytest.raises(AppError, match="after write"):
        Server().run(wrapped(app_failing_after_write, intercept_exceptions=True), environ())


def test_intercept_returns_a_list_body_as_is() -> None:
    body = [b"listed"]
    middleware = CORSMiddleware(app_returning(body), origins=[ORIGIN], intercept_exceptions=True)
    assert middleware(environ(), Server().start_response) is body
