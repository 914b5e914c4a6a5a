"""wsgi_cors.starlette.CORSMiddleware against Starlette's own, option by option, through Starlette's TestClient.

Each test builds the same Starlette app twice, with ``app.add_middleware(CORSMiddleware, ...)`` from each package
(the only change a user makes is the import), and asserts the same outcome; the deliberate differences have
their own tests at the end, each saying why.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

pytest.importorskip("starlette")
with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its TestClient; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from wsgi_cors import ConfigError, CORSConfigWarning
from wsgi_cors.starlette import CORSMiddleware

ORIGIN = "https://app.example.com"
BOTH = pytest.mark.parametrize("middleware", [StarletteCORSMiddleware, CORSMiddleware], ids=["starlette", "wsgi_cors"])


async def endpoint(request: Any) -> PlainTextResponse:
    return PlainTextResponse("ok", headers={"X-Total": "3"})


def client(middleware: Any, **options: Any) -> TestClient:
    app = Starlette(routes=[Route("/", endpoint, methods=["GET", "POST", "PUT", "DELETE"])])
    app.add_middleware(middleware, **options)
    return TestClient(app)


def build(middleware: Any, **options: Any) -> Any:
    """The middleware as Starlette builds it from add_middleware (at the first ASGI call: lifespan startup under a server)."""
    return middleware(Starlette(), **options)


def acao(response: Any) -> Any:
    return response.headers.get("access-control-allow-origin")


def preflight(c: TestClient, method: str = "GET", headers: str | None = None, origin: str = ORIGIN, **extra: str) -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    return c.options("/", headers=sent)


def granted(response: Any) -> bool:
    return response.status_code == 200 and acao(response) is not None


def test_the_constructor_is_starlettes() -> None:
    """Same parameter names, order and defaults as the installed Starlette, so add_middleware calls move over unchanged."""
    theirs = inspect.signature(StarletteCORSMiddleware.__init__).parameters
    ours = inspect.signature(CORSMiddleware.__init__).parameters
    assert [(p.name, p.default) for p in theirs.values()] == [(p.name, p.default) for p in ours.values()][: len(theirs)]


# --- allow_origins ----------------------------------------------------------------------------------


@BOTH
def test_allow_origins_reflects_a_listed_origin(middleware: Any) -> None:
    response = client(middleware, allow_origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN})
    assert (acao(response), response.headers["vary"]) == (ORIGIN, "Origin")


@BOTH
def test_allow_origins_gives_an_unlisted_origin_no_acao_and_the_app_answers(middleware: Any) -> None:
    response = client(middleware, allow_origins=[ORIGIN]).get("/", headers={"Origin": "https://evil.example"})
    assert (response.status_code, response.text, acao(response), response.headers["vary"]) == (200, "ok", None, "Origin")


@BOTH
def test_allow_origins_star_sends_star(middleware: Any) -> None:
    c = client(middleware, allow_origins=["*"])
    assert acao(c.get("/", headers={"Origin": "https://any.example"})) == "*"
    assert acao(preflight(c)) == "*"


@BOTH
def test_no_origin_gets_no_acao_and_vary_origin(middleware: Any) -> None:
    response = client(middleware, allow_origins=[ORIGIN]).get("/")
    assert (acao(response), response.headers["vary"]) == (None, "Origin")


# --- allow_methods ----------------------------------------------------------------------------------


@BOTH
def test_allow_methods_defaults_to_get(middleware: Any) -> None:
    c = client(middleware, allow_origins=[ORIGIN])
    assert granted(preflight(c, "GET")) and preflight(c, "GET").headers["access-control-allow-methods"] == "GET"
    assert not granted(preflight(c, "PUT"))


@BOTH
def test_allow_methods_star_is_every_method(middleware: Any) -> None:
    response = preflight(client(middleware, allow_origins=[ORIGIN], allow_methods=["*"]), "PATCH")
    assert granted(response)
    assert response.headers["access-control-allow-methods"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY"


@BOTH
def test_allow_methods_lists_the_methods(middleware: Any) -> None:
    c = client(middleware, allow_origins=[ORIGIN], allow_methods=["GET", "PUT"])
    assert granted(preflight(c, "PUT")) and not granted(preflight(c, "DELETE"))


# --- allow_headers ----------------------------------------------------------------------------------


@BOTH
def test_allow_headers_default_allows_the_safelisted_names_only(middleware: Any) -> None:
    c = client(middleware, allow_origins=[ORIGIN])
    assert granted(preflight(c, headers="content-type"))
    assert not granted(preflight(c, headers="x-token"))


@BOTH
def test_allow_headers_adds_names_case_insensitively(middleware: Any) -> None:
    response = preflight(client(middleware, allow_origins=[ORIGIN], allow_headers=["X-Token"]), headers="content-type,x-token")
    assert granted(response)
    assert {"content-type", "x-token"} <= {
        name.strip().lower() for name in response.headers["access-control-allow-headers"].split(",")
    }


@BOTH
def test_allow_headers_star_echoes_the_requested_names(middleware: Any) -> None:
    response = preflight(client(middleware, allow_origins=[ORIGIN], allow_headers=["*"]), headers="authorization,x-token")
    assert granted(response)
    assert response.headers["access-control-allow-headers"].replace(" ", "") == "authorization,x-token"


# --- allow_credentials, allow_origin_regex, allow_private_network, expose_headers, max_age --------------------


@BOTH
def test_allow_credentials_sends_acac_and_the_origin(middleware: Any) -> None:
    c = client(middleware, allow_origins=[ORIGIN], allow_credentials=True)
    for response in (c.get("/", headers={"Origin": ORIGIN}), preflight(c)):
        assert (acao(response), response.headers["access-control-allow-credentials"]) == (ORIGIN, "true")


@BOTH
@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://a.example.org", True),
        ("https://a.example.org.evil.net", False),
        ("https://A.example.org", False),
        ("http://a.example.org", False),
    ],
)
def test_allow_origin_regex_matches_the_whole_origin_case_sensitively(middleware: Any, origin: str, allowed: bool) -> None:
    response = client(middleware, allow_origin_regex=r"https://[a-z]+\.example\.org").get("/", headers={"Origin": origin})
    assert (acao(response) == origin) is allowed


@BOTH
def test_allow_origin_regex_adds_to_allow_origins(middleware: Any) -> None:
    c = client(middleware, allow_origins=[ORIGIN], allow_origin_regex=r"https://[a-z]+\.example\.org")
    assert acao(c.get("/", headers={"Origin": ORIGIN})) == ORIGIN
    assert acao(c.get("/", headers={"Origin": "https://b.example.org"})) == "https://b.example.org"


@BOTH
def test_allow_private_network(middleware: Any) -> None:
    private = {"Access-Control-Request-Private-Network": "true"}
    response = preflight(client(middleware, allow_origins=[ORIGIN], allow_private_network=True), **private)
    assert granted(response) and response.headers["access-control-allow-private-network"] == "true"
    assert not granted(preflight(client(middleware, allow_origins=[ORIGIN]), **private))


@BOTH
def test_expose_headers(middleware: Any) -> None:
    response = client(middleware, allow_origins=[ORIGIN], expose_headers=["X-Total", "X-Page"]).get(
        "/", headers={"Origin": ORIGIN}
    )
    # Starlette keeps the order given, ours sorts the names (one canonical value per policy): the same set.
    assert sorted(response.headers["access-control-expose-headers"].split(", ")) == ["X-Page", "X-Total"]


@BOTH
@pytest.mark.parametrize(("options", "sent"), [({}, "600"), ({"max_age": 60}, "60")])
def test_max_age(middleware: Any, options: dict[str, Any], sent: str) -> None:
    assert preflight(client(middleware, allow_origins=[ORIGIN], **options)).headers["access-control-max-age"] == sent


@BOTH
def test_an_apps_own_vary_is_merged(middleware: Any) -> None:
    async def varying(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"Vary": "Accept-Encoding"})

    app = Starlette(routes=[Route("/", varying)])
    app.add_middleware(middleware, allow_origins=[ORIGIN])
    assert TestClient(app).get("/", headers={"Origin": ORIGIN}).headers["vary"] == "Accept-Encoding, Origin"


# --- the deliberate differences -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "options", [{"allow_origins": ["*"]}, {"allow_origin_regex": ".*"}, {"allow_origin_regex": "https://.*"}]
)
def test_every_origin_with_credentials_is_refused_where_starlette_reflects_any_origin(options: dict[str, Any]) -> None:
    """Starlette reflects any origin with credentials: any site reads the user's data. Ours refuses to start, with the fix."""
    evil = client(StarletteCORSMiddleware, allow_credentials=True, **options).get("/", headers={"Origin": "https://evil.example"})
    assert acao(evil) == "https://evil.example" and evil.headers["access-control-allow-credentials"] == "true"
    with pytest.raises(ConfigError, match="list the trusted origins"):
        build(CORSMiddleware, allow_credentials=True, **options)


def test_a_refused_preflight_is_403_with_an_empty_body_where_starlette_answers_400_with_text() -> None:
    """403 says 'forbidden by policy' (Flask-CORS, the WSGI door); the reason goes to the log and on_reject, not to the page."""
    theirs = preflight(client(StarletteCORSMiddleware, allow_origins=[ORIGIN]), "PUT")
    ours = preflight(client(CORSMiddleware, allow_origins=[ORIGIN]), "PUT")
    assert (theirs.status_code, theirs.text) == (400, "Disallowed CORS method")
    assert (ours.status_code, ours.text, acao(ours)) == (403, "", None)


def test_a_refused_preflight_gets_no_allow_headers_where_starlette_sends_them() -> None:
    theirs = preflight(client(StarletteCORSMiddleware, allow_origins=[ORIGIN]), "PUT")
    ours = preflight(client(CORSMiddleware, allow_origins=[ORIGIN]), "PUT")
    assert "access-control-allow-methods" in theirs.headers
    assert not [name for name in ours.headers if name.startswith("access-control-")]


def test_an_allowed_preflight_has_an_empty_body_where_starlette_says_ok() -> None:
    assert preflight(client(StarletteCORSMiddleware, allow_origins=[ORIGIN])).text == "OK"
    assert preflight(client(CORSMiddleware, allow_origins=[ORIGIN])).text == ""


@pytest.mark.parametrize("origin", ["https://app.example.com/", "app.example.com", "https://app.example.com:443"])
def test_origins_a_browser_never_sends_are_config_errors_where_starlette_never_matches_them(origin: str) -> None:
    assert acao(client(StarletteCORSMiddleware, allow_origins=[origin]).get("/", headers={"Origin": ORIGIN})) is None
    with pytest.raises(ConfigError, match="Fix"):
        build(CORSMiddleware, allow_origins=[origin])


def test_no_origins_at_all_warns() -> None:
    """Starlette's default allows no origin and says nothing; ours says so once, at startup."""
    with pytest.warns(CORSConfigWarning, match="allows no cross-origin request"):
        build(CORSMiddleware)


def test_a_string_where_a_list_belongs_is_a_type_error_where_starlette_matches_substrings() -> None:
    """Starlette tests ``origin in allow_origins``: on a string that is a substring test, so another site gets in."""
    other_site = "https://app.example.co"
    assert acao(client(StarletteCORSMiddleware, allow_origins=ORIGIN).get("/", headers={"Origin": other_site})) == other_site
    with pytest.raises(TypeError, match=r"write \['https://app.example.com'\]"):
        build(CORSMiddleware, allow_origins=ORIGIN)


def test_null_is_refused_even_under_star() -> None:
    """Sandboxed iframes and file: pages send Origin: null; Starlette's '*' lets them read, ours gives no ACAO."""
    assert acao(client(StarletteCORSMiddleware, allow_origins=["*"]).get("/", headers={"Origin": "null"})) == "*"
    assert acao(client(CORSMiddleware, allow_origins=["*"]).get("/", headers={"Origin": "null"})) is None


def test_a_malformed_request_header_list_is_refused_where_starlette_splits_it() -> None:
    c = client(CORSMiddleware, allow_origins=[ORIGIN], allow_headers=["*"])
    assert preflight(c, headers="x-a," * 200).status_code == 403
    assert (
        preflight(client(StarletteCORSMiddleware, allow_origins=[ORIGIN], allow_headers=["*"]), headers="x-a," * 200).status_code
        == 200
    )
