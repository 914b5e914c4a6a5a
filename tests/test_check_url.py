"""``wsgi-cors check --url``: live loopback servers, each misconfigured in one way production meets, judged for real.

Every server is Werkzeug's threaded server on 127.0.0.1 with an ephemeral port. The "layers" in front of
wsgi_cors (a gateway adding its own Access-Control-Allow-Origin, a CDN dropping Vary) are real reverse proxies:
separate servers that forward each request to the wsgi_cors server over HTTP, as nginx or a CDN would.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import threading
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from wsgi_cors import CORSMiddleware
from wsgi_cors._cli import main
from wsgi_cors._live import address_space, check_url, local_network_access

ORIGIN = "https://app.example.com"
WSGIApp = Callable[..., Iterable[bytes]]
STOP_DEADLINE_SECONDS = 5


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any) -> None:  # the test output is the CLI's, not the access log
        pass


@contextlib.contextmanager
def serving(app: WSGIApp) -> Iterator[str]:
    """Serve ``app`` on an ephemeral loopback port for the duration; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(STOP_DEADLINE_SECONDS)


def api(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The application: a JSON list, for any method."""
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b"[]"]


def reverse_proxy(backend: str, rewrite: Callable[[list[tuple[str, str]]], list[tuple[str, str]]]) -> WSGIApp:
    """A proxy layer: forwards the request to ``backend`` over HTTP, then edits the response's headers."""
    target = urlsplit(backend)
    hop_by_hop = {"connection", "keep-alive", "transfer-encoding", "date", "server"}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=STOP_DEADLINE_SECONDS)
        try:
            connection.request(environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), headers=headers)
            response = connection.getresponse()
            body = response.read()
            status = f"{response.status} {response.reason}"
            pairs = [(name, value) for name, value in response.getheaders() if name.lower() not in hop_by_hop]
        finally:
            connection.close()
        start_response(status, rewrite(pairs))
        return [body]

    return app


def adds_its_own_allow_origin(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A gateway configured with CORS too (nginx `add_header Access-Control-Allow-Origin *`)."""
    return [*headers, ("Access-Control-Allow-Origin", "*")]


def drops_vary(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A CDN that strips Vary (or normalises it away) before caching."""
    return [(name, value) for name, value in headers if name.lower() != "vary"]


def redirects(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """An API that redirects every request to the path with a trailing slash (OPTIONS too)."""
    start_response("308 Permanent Redirect", [("Location", environ["PATH_INFO"] + "/"), ("Content-Length", "0")])
    return []


def requires_login(app: WSGIApp) -> WSGIApp:
    """An authentication layer wrapped around the CORS middleware: it refuses OPTIONS, which never carries credentials."""

    def layer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if "HTTP_AUTHORIZATION" not in environ:
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Bearer realm="api"'), ("Content-Length", "0")])
            return []
        return app(environ, start_response)

    return layer


def fixed_cors(headers: list[tuple[str, str]]) -> WSGIApp:
    """A hand-written CORS answer, the same whoever asks."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), *headers])
        return [b"[]"]

    return app


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """One live server per configuration; the proxies forward to the correctly configured wsgi_cors server."""
    correct = CORSMiddleware(
        api, origins=[ORIGIN], methods=["GET", "PUT"], allow_headers=["X-Api-Key"], supports_credentials=True
    )
    apps: dict[str, WSGIApp] = {
        "correct": correct,
        "no-credentials": CORSMiddleware(api, origins=[ORIGIN], methods=["GET", "PUT"]),
        "wildcard": CORSMiddleware(api, origins="*", send_wildcard=True),
        "redirecting": redirects,
        "login-wall": requires_login(correct),
        "other-origin": fixed_cors([("Access-Control-Allow-Origin", "https://admin.example.com")]),
        "hand-written": fixed_cors(
            [
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Vary", "Origin"),
                ("Access-Control-Allow-Methods", "GET, POST"),
                ("Access-Control-Allow-Headers", "Content-Type"),
            ]
        ),
    }
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(serving(app)) for name, app in apps.items()}
        backend = urls["correct"]
        urls["gateway"] = stack.enter_context(serving(reverse_proxy(backend, adds_its_own_allow_origin)))
        urls["cdn"] = stack.enter_context(serving(reverse_proxy(backend, drops_vary)))
        yield urls


@pytest.fixture(autouse=True)
def no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith("WSGI_CORS_")]:
        monkeypatch.delenv(name)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- a correct deployment ------------------------------------------------------------------------


def test_a_correct_server_is_allowed_with_its_real_headers(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url = servers["correct"] + "/api/items"
    status, out, _ = check(
        capsys, "--url", url, "--origin", ORIGIN, "--method", "PUT", "--header", "X-Api-Key: k", "--credentials"
    )
    assert status == 0
    assert (
        "Preflight: ALLOWED\n  sent because  PUT is not a CORS-safelisted method; x-api-key is not a CORS-safelisted header"
        in out
    )
    assert (
        f"  request       OPTIONS {url}\n                Origin: {ORIGIN}\n                Access-Control-Request-Method: PUT\n"
        "                Access-Control-Request-Headers: x-api-key\n" in out
    )
    assert "  response      200 OK\n" in out
    assert f"                Access-Control-Allow-Origin: {ORIGIN}\n" in out
    assert "Actual request: ALLOWED" in out
    assert "problem" not in out and "warning" not in out
    assert f"Result: ALLOWED: JavaScript on {ORIGIN} can make this request and read the response." in out


def test_a_simple_request_sends_no_preflight(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--url", servers["correct"] + "/api/items", "--origin", ORIGIN)
    assert status == 0
    assert "Preflight: none (a GET, HEAD or POST with only CORS-safelisted headers needs none)" in out


def test_the_json_report_has_simulates_shape_and_the_problems(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(capsys, "--url", servers["gateway"] + "/api/items", "--origin", ORIGIN, "--json")
    report = json.loads(out)
    assert status == 1
    assert {"allowed", "url", "request", "preflight", "actual", "problems", "local_network", "browser_error", "fix"} <= set(
        report
    )
    assert [problem["code"] for problem in report["problems"]] == ["duplicate-allow-origin"]
    assert report["actual"]["status"] == 200


# --- each misconfiguration -----------------------------------------------------------------------


def test_two_layers_setting_allow_origin_are_named_with_both_values(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(capsys, "--url", servers["gateway"] + "/api/items", "--origin", ORIGIN, "--method", "PUT")
    assert status == 1
    assert f"                Access-Control-Allow-Origin: {ORIGIN}\n" in out  # from wsgi_cors
    assert "                Access-Control-Allow-Origin: *\n" in out  # from the gateway
    assert (
        f"  problem       the response carries 2 Access-Control-Allow-Origin values, '{ORIGIN}' and '*': two layers "
        "each set it (typically a gateway, CDN or proxy in front and the application behind), and a browser "
        "accepts exactly one"
    ) in out
    assert (
        "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The "
        f"'Access-Control-Allow-Origin' header contains multiple values '{ORIGIN}, *', but only one is allowed."
    ) in out
    assert "Fix: let one layer answer CORS: remove the header in the gateway/CDN/proxy configuration" in out


def test_a_cdn_stripping_vary_is_a_warning_the_browser_does_not_see_yet(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(capsys, "--url", servers["cdn"] + "/api/items", "--origin", ORIGIN)
    assert status == 0  # this page is served; the next page on another origin may get this cached answer
    assert (
        f"  warning       Access-Control-Allow-Origin names {ORIGIN} but Vary does not list Origin: a shared cache "
        "(CDN, proxy) may replay this response to a page on another origin"
    ) in out
    assert (
        "  fix           wsgi_cors sends Vary: Origin (vary_header = true): if the response lacks it, a layer in between strips it"
        in out
    )


def test_a_redirected_preflight_is_blocked_and_names_where_it_goes(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(capsys, "--url", servers["redirecting"] + "/api/items", "--origin", ORIGIN, "--method", "DELETE")
    assert status == 1
    assert "  response      308 Permanent Redirect\n                Location: /api/items/\n" in out
    assert (
        "  problem       the preflight was answered with a 308 redirect to /api/items/: browsers refuse a redirected preflight"
    ) in out
    assert (
        "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request." in out
    )
    assert "Actual request: not sent (the preflight failed, so the browser does not send the request)" in out


def test_a_preflight_refused_by_a_login_wall_says_preflights_carry_no_credentials(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(
        capsys,
        "--url",
        servers["login-wall"] + "/api/items",
        "--origin",
        ORIGIN,
        "--header",
        "Authorization: Bearer t",
        "--credentials",
    )
    assert status == 1
    assert "  response      401 UNAUTHORIZED\n" in out or "  response      401 Unauthorized\n" in out
    assert (
        "  problem       the preflight was answered with 401, and a browser needs a 2xx status: an authentication "
        "layer asked for credentials, but a browser never sends cookies or Authorization with a preflight"
    ) in out
    assert "Fix: let OPTIONS through without authentication: put the CORS middleware in front of the authentication layer" in out


def test_an_allow_origin_for_another_origin_without_vary_points_at_a_cache(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(capsys, "--url", servers["other-origin"] + "/api/items", "--origin", ORIGIN)
    assert status == 1
    assert (
        f"  problem       the response allows the origin 'https://admin.example.com', not '{ORIGIN}': without "
        "Vary: Origin a cache probably replayed an answer made for a page on that origin"
    ) in out
    assert (
        "The 'Access-Control-Allow-Origin' header has a value 'https://admin.example.com' that is not equal to the "
        "supplied origin."
    ) in out


def test_credentials_without_allow_credentials_are_blocked(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--url", servers["no-credentials"] + "/api/items", "--origin", ORIGIN, "--credentials")
    assert status == 1
    assert (
        "  problem       the request carries credentials and Access-Control-Allow-Credentials is absent: a browser "
        "needs exactly 'true'"
    ) in out
    assert "Fix: set supports_credentials = true for this path" in out


def test_a_wildcard_answer_to_credentials_is_blocked(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--url", servers["wildcard"] + "/api/items", "--origin", ORIGIN, "--credentials")
    assert status == 1
    assert (
        "  problem       the response answers 'Access-Control-Allow-Origin: *' to a request with credentials, "
        "which browsers refuse"
    ) in out


def test_a_method_the_preflight_does_not_allow(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--url", servers["hand-written"] + "/api/items", "--origin", ORIGIN, "--method", "PUT")
    assert status == 1
    assert "  problem       the preflight's answer allows the methods GET, POST, not PUT" in out
    assert 'Fix: add "PUT" to methods' in out


def test_a_header_the_preflight_does_not_allow(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(
        capsys,
        "--url",
        servers["hand-written"] + "/api/items",
        "--origin",
        ORIGIN,
        "--method",
        "POST",
        "--header",
        "X-Api-Key: k",
    )
    assert status == 1
    assert "  problem       the preflight's answer allows the request headers Content-Type, not x-api-key" in out
    assert 'Fix: add "x-api-key" to allow_headers' in out


def test_a_preflight_refused_by_wsgi_cors_is_recognised(servers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--url", servers["correct"] + "/api/items", "--origin", ORIGIN, "--method", "DELETE")
    assert status == 1
    assert "  response      403 FORBIDDEN\n" in out or "  response      403 Forbidden\n" in out
    assert (
        "  problem       the preflight was answered with 403, and a browser needs a 2xx status: the CORS layer "
        "refused the preflight (its origin, method or headers)"
    ) in out


# --- could not run -------------------------------------------------------------------------------


def test_a_refused_connection_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as bound:  # bound, not listening: connecting is refused, and nothing can take the port meanwhile
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/api/items"
        status, out, err = check(capsys, "--url", url, "--origin", ORIGIN)
    assert status == 2
    assert out == ""
    assert err.startswith(f"error: could not check {url}: GET {url}: ")
    assert "refused" in err.lower()


def test_a_server_that_never_answers_times_out_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/items"
        status, _, err = check(capsys, "--url", url, "--origin", ORIGIN, "--timeout", "0.3")
    assert status == 2
    assert f"GET {url}: no answer within 0.3 s (--timeout)" in err


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "127.0.0.1:8000/api", "http:///api"])
def test_a_url_that_is_not_http_is_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = check(capsys, "--url", url, "--origin", ORIGIN)
    assert status == 2
    assert "--url must be an http:// or https:// URL with a host" in err


def test_a_timeout_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = check(capsys, "--url", "http://127.0.0.1:1/a", "--origin", ORIGIN, "--timeout", "0")
    assert status == 2
    assert "--timeout must be a positive number of seconds, not 0" in err


def test_path_and_url_together_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = check(capsys, "--url", "http://127.0.0.1:1/a", "--origin", ORIGIN, "/a")
    assert status == 2
    assert "give either PATH or --url, not both" in err


def test_neither_path_nor_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = check(capsys, "--origin", ORIGIN)
    assert status == 2
    assert "give the request's PATH (or a URL), or --url URL" in err


def test_server_values_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    app = fixed_cors([("Access-Control-Allow-Origin", "https://evil.example\x1b[2J"), ("Vary", "Origin")])
    with serving(app) as base:
        status, out, _ = check(capsys, "--url", base + "/", "--origin", ORIGIN)
    assert status == 1
    assert "\x1b" not in out
    assert "https://evil.example\\x1b[2J" in out


# --- a URL where the path goes (the local policy) ------------------------------------------------


def test_a_url_given_as_path_checks_its_path_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--origins", ORIGIN, "--origin", ORIGIN, "http://127.0.0.1:8000/api/items%20x?page=2")
    assert status == 0
    assert out.startswith(
        "Note:    http://127.0.0.1:8000/api/items%20x?page=2 is a URL: checking its path /api/items x "
        "against the policy (add --url to ask the server at http://127.0.0.1:8000 itself)\n"
    )
    assert "Request: GET /api/items x from https://app.example.com" in out
    assert "no rule covers" not in out


def test_a_url_given_as_path_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--origin", ORIGIN, "--json", "https://api.example.com/api/items")
    report = json.loads(out)
    assert status == 0
    assert report["request"]["path"] == "/api/items"
    assert report["note"].startswith("https://api.example.com/api/items is a URL")
    assert report["local_network"] is None


# --- Local Network Access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "space"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("[::1]", "loopback"),
        ("localhost", "loopback"),
        ("LOCALHOST.", "loopback"),
        ("app.localhost", "loopback"),
        ("0.0.0.0", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "local"),
        ("172.16.0.1", "local"),
        ("172.31.255.255", "local"),
        ("192.168.1.1", "local"),
        ("169.254.169.254", "local"),
        ("100.64.0.1", "local"),
        ("fd12:3456::1", "local"),
        ("fe80::1%eth0", "local"),
        ("::ffff:192.168.0.1", "local"),
        ("printer.local", "local"),
        ("8.8.8.8", "public"),
        ("172.32.0.1", "public"),
        ("2606:4700::1111", "public"),
        ("::ffff:8.8.8.8", "public"),
        ("api.example.com", None),
        ("localhost.example.com", None),
    ],
)
def test_address_spaces(host: str, space: str | None) -> None:
    assert address_space(host) == space


@pytest.mark.parametrize(
    ("origin", "host", "target"),
    [
        ("https://app.example.com", "127.0.0.1", "loopback"),
        ("https://app.example.com", "localhost", "loopback"),
        ("https://app.example.com", "::1", "loopback"),
        ("https://app.example.com", "192.168.1.20", "local"),
        ("http://8.8.8.8", "10.0.0.1", "local"),
    ],
)
def test_a_public_page_calling_a_private_address_meets_local_network_access(origin: str, host: str, target: str) -> None:
    lna = local_network_access(origin, host)
    assert lna is not None
    assert (lna["initiator"], lna["target"]) == ("public", target)
    assert lna["console_error"] == f"Permission was denied for this request to access the `{target}` address space."
    assert "allow_private_network only answers the legacy Private Network Access preflight" in lna["explanation"]


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("http://localhost:5173", "127.0.0.1"),  # both loopback
        ("http://127.0.0.1:3000", "localhost"),
        ("http://[::1]:3000", "::1"),
        ("http://192.168.1.5:3000", "192.168.1.20"),  # both on the private network
        ("http://192.168.1.5:3000", "127.0.0.1"),  # local to loopback: not gated by Chrome 142's first milestone
        ("https://app.example.com", "api.example.com"),  # public to a name: its space is its address's
        ("https://app.example.com", "8.8.8.8"),
        ("null", "127.0.0.1"),  # a sandboxed page: no host to classify
    ],
)
def test_no_local_network_access_within_one_space_or_towards_public(origin: str, host: str) -> None:
    assert local_network_access(origin, host) is None


def test_an_insecure_public_page_cannot_even_ask() -> None:
    lna = local_network_access("http://app.example.com", "127.0.0.1")
    assert lna is not None
    assert (
        "the page is not a secure context (http:// on a public host), so Chrome 142 and later cannot even ask"
        in lna["explanation"]
    )


def test_a_local_check_with_a_loopback_url_explains_local_network_access(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--origin", ORIGIN, "http://127.0.0.1:8000/api/items")
    assert status == 0  # the CORS answer is right; the permission is the browser's and the user's
    assert (
        "\nLocal Network Access: the page is on a public host and 127.0.0.1 is a loopback address.\n"
        "  Chrome 142 and later ask the user for permission before the request leaves the browser; if the user refuses, "
        "no request reaches the server and the console shows\n"
        "    Permission was denied for this request to access the `loopback` address space.\n"
        "  No CORS header can change that: the user must allow it (site settings), or the page and the API must be "
        "served from the same address space."
    ) in out


def test_a_live_check_against_loopback_from_a_public_origin_explains_it(
    servers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = check(capsys, "--url", servers["correct"] + "/api/items", "--origin", ORIGIN)
    assert status == 0
    assert "Local Network Access: the page is on a public host and 127.0.0.1 is a loopback address.\n" in out


def test_a_live_check_from_a_loopback_origin_says_nothing_of_it(servers: dict[str, str]) -> None:
    report = check_url(servers["wildcard"].replace("127.0.0.1", "localhost") + "/api/items", origin="http://localhost:5173")
    assert report["allowed"] is True
    assert report["local_network"] is None
