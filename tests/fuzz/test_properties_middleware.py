"""Properties of CORSMiddleware under fuzzed environs: never raises, every response passes wsgiref.validate,
headers are printable latin-1 with at most one ACAO (the request origin or '*'), never credentials with '*',
and the app's iterable is always closed."""

from __future__ import annotations

import io
import warnings
from typing import Any, Callable, Iterable, Iterator, Optional
from wsgiref.validate import validator

from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import CORSMiddleware

from .invariants import check_headers
from .strategies import fuzz_settings, requests
from .test_properties_engine import FIXED_POLICIES

APP_HEADERS = st.lists(
    st.sampled_from(
        [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Accept-Encoding"),
            ("vary", "origin"),
            ("Vary", "*"),
            ("Set-Cookie", "a=b"),
            ("access-control-expose-headers", "X-Secret"),
        ]
    ),
    max_size=4,
)


class ClosingBody:
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"body"

    def close(self) -> None:
        self.closed = True


def environ_for(request: dict[str, Any]) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request["method"] or "GET",
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
        "PATH_INFO": request["path"] if request["path"].startswith("/") else "/" + request["path"],
    }
    for key, name in (
        ("origin", "HTTP_ORIGIN"),
        ("request_method", "HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        ("request_headers", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        ("request_private_network", "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
    ):
        if request[key] is not None:
            environ[name] = request[key]
    return environ


@fuzz_settings(250)
@given(request=requests(), app_headers=APP_HEADERS, policy_index=st.integers(0, len(FIXED_POLICIES) - 1))
def test_middleware_answers_every_request_with_valid_cors_headers(
    request: dict[str, Any], app_headers: list[tuple[str, str]], policy_index: int
) -> None:
    body = ClosingBody()
    called: list[bool] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        called.append(True)
        start_response("200 OK", [("Content-Type", "text/plain"), *app_headers])
        return body

    sent: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Optional[Any] = None) -> Callable[[bytes], None]:
        sent.append((status, headers))
        return lambda data: None

    policy = FIXED_POLICIES[policy_index]
    environ = environ_for(request)
    middleware = validator(CORSMiddleware(validator(app), policy=policy))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # wsgiref.validate warns about unusual methods; its assertions still apply
        result = middleware(environ, start_response)
        try:
            b"".join(result)
        finally:
            result.close()  # type: ignore[attr-defined]
    assert body.closed == bool(called)  # the app's iterable is closed whenever the app ran
    status, headers = sent[-1]
    if policy.evaluate(environ["REQUEST_METHOD"], environ["PATH_INFO"], raw_path=True).rule is None:
        return  # a path no rule covers is the app's own business, its headers included
    check_headers(headers, request["origin"])
