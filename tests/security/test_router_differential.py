"""Router differential: a grant never exceeds what the rule of the view that answered grants.

The same site (tests/security/router_apps.py) runs on each real router (Werkzeug/Flask, Django,
Falcon, Bottle, Pyramid) behind the middleware, with different rules for /public/, /admin/, /api/
and the rest. Hypothesis sends spellings of the site's paths (bytes that are not UTF-8, overlong
UTF-8, ``//``, dot segments raw and encoded, ``;``, ``%2f``, NUL, case, ``+``, trailing slashes and
newlines, very long paths) as a server hands them over: PATH_INFO holds the percent-decoded bytes as
latin-1 text. Each view names itself (``X-View``); the grant on its answer must be no more than the
policy grants on that view's own clean path. A granted preflight is checked against the view the
router picks for the same path (asked with a GET to the bare app). Responses no view produced
(404, redirects, a router's own error) carry nothing a grant could leak and are not checked.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Optional

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from wsgi_cors import CORSMiddleware, CORSPolicy

from ..fuzz.strategies import fuzz_settings
from .router_apps import API_PARTNER, ATTACKER, CANONICAL, FRAMEWORKS, ORIGINS, PARTNER, RESOURCES, SITE, WSGIApp
from .wsgi_call import Response, call

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
POLICY = CORSPolicy(resources=RESOURCES)


@functools.lru_cache(maxsize=None)
def bare(framework: str) -> WSGIApp:
    with warnings.catch_warnings():  # the frameworks' own deprecation notices are not ours to judge
        warnings.simplefilter("ignore", DeprecationWarning)
        return FRAMEWORKS[framework]()


@functools.lru_cache(maxsize=None)
def wrapped(framework: str) -> WSGIApp:
    return CORSMiddleware(bare(framework), policy=POLICY)


def send(app: WSGIApp, method: str, path: str, headers: Optional[dict[str, str]] = None) -> Optional[Response]:
    """The response, or None when the router raised (a server answers 500 with no header of ours)."""
    try:
        return call(app, method, path, {"Host": "localhost", **(headers or {})})
    except Exception:
        return None


def view_of(response: Optional[Response]) -> Optional[str]:
    return None if response is None else response.get("X-View")


def grant(headers: Any) -> tuple[Optional[str], Optional[str]]:
    found = dict(headers)
    return found.get(ACAO), found.get(ACAC)


def assert_within(
    granted: tuple[Optional[str], Optional[str]], allowed: tuple[Optional[str], Optional[str]], context: str
) -> None:
    origin, credentials = granted
    if origin is not None:
        assert origin == allowed[0], f"{context}: grants {origin!r}, the view's own rule grants {allowed[0]!r}"
    if credentials is not None:
        assert allowed[1] == "true", f"{context}: grants credentials, the view's own rule does not"


# --- Spellings -----------------------------------------------------------------------------------

NOT_UTF8 = ["\xff", "\xfe", "\x80", "\xc3", "\xc0\xaf", "\xc0\xae", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80"]
PIECES = NOT_UTF8 + [
    "\xc3\xa9",
    "/",
    "//",
    "/.",
    "/..",
    "/./",
    "/../",
    "%2e",
    "%2e%2e",
    "%2f",
    "%2F",
    "%5c",
    "\\",
    ";",
    ";x=1",
    "\x00",
    "+",
    " ",
    "\t",
    "\n",
    "\r",
    "%",
    "%00",
    "?",
    "#",
    "*",
    "~",
    "@",
    "admin",
    "public",
    "api",
]


@st.composite
def spellings(draw: st.DrawFn) -> str:
    path = draw(st.sampled_from(sorted(set(CANONICAL.values()) | {"/admin", "/api", "/public", "/api/items/"})))
    for _ in range(draw(st.integers(1, 3))):
        change = draw(st.sampled_from(["insert", "insert", "insert", "case", "lead", "trail", "long", "drop-lead"]))
        if change == "insert":
            at = draw(st.integers(0, len(path)))
            path = path[:at] + draw(st.sampled_from(PIECES)) + path[at:]
        elif change == "case":
            path = draw(st.sampled_from([path.upper(), path.title(), path.swapcase()]))
        elif change == "lead":
            path = draw(st.sampled_from(["/", "//", "/./", "/../", "/\xff", "/%2e/"])) + path.lstrip("/")
        elif change == "trail":
            path += draw(st.sampled_from(["/", "//", "/.", "/..", "\n", "\r\n", ";", "%2f", "\x00", " ", "\xff"]))
        elif change == "long":
            path += "/" + "a" * draw(st.integers(100, 5000))
        else:
            path = path.lstrip("/")
    return path


# --- The differential ----------------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("view,path", CANONICAL.items())
def test_every_view_answers_its_own_clean_path_under_its_own_rule(framework: str, view: str, path: str) -> None:
    """The site's layout: on a clean path each router picks the view the path names, and the view's rule grants there."""
    response = send(wrapped(framework), "GET", path, {"Origin": SITE})
    assert response is not None and response.code == 200
    answered = view_of(response)
    assert answered is not None and CANONICAL[answered].rstrip("/").split("/")[:2] == path.rstrip("/").split("/")[:2]
    assert grant(response.headers) == grant(POLICY.evaluate("GET", CANONICAL[answered], origin=SITE).headers)


@pytest.mark.parametrize("framework", FRAMEWORKS)
@fuzz_settings(150)
@example(path="/adm\xffin/users", origin=PARTNER)  # the reported defects run first, every time
@example(path="//public/x", origin=ATTACKER)
@example(path="/api/items\n", origin=API_PARTNER)
@example(path="/public/\n", origin=API_PARTNER)
@given(path=spellings(), origin=st.sampled_from(ORIGINS))
def test_a_grant_never_exceeds_what_the_rule_of_the_view_that_answered_grants(framework: str, path: str, origin: str) -> None:
    """Router differential: whatever the spelling, the answering view's response gets at most its own rule's grant."""
    response = send(wrapped(framework), "GET", path, {"Origin": origin})
    answered = view_of(response)
    event(f"{framework}: {answered or 'no view'}")
    if response is None or answered is None:
        return
    allowed = grant(POLICY.evaluate("GET", CANONICAL[answered], origin=origin).headers)
    assert_within(grant(response.headers), allowed, f"{framework} GET {path!r} from {origin} answered by {answered}")


@pytest.mark.parametrize("framework", FRAMEWORKS)
@fuzz_settings(100)
@example(path="/adm\xffin/users", origin=PARTNER)  # the reported defects run first, every time
@example(path="//public/x", origin=ATTACKER)
@example(path="/api/items\n", origin=API_PARTNER)
@example(path="/public/\n", origin=API_PARTNER)
@example(path="/adm\xffin/users", origin=PARTNER)  # the reported defects run first, every time
@example(path="//public/x", origin=ATTACKER)
@example(path="/api/items\n", origin=API_PARTNER)
@example(path="/public/\n", origin=API_PARTNER)
@given(path=spellings(), origin=st.sampled_from(ORIGINS))
def test_a_granted_preflight_is_one_the_rule_of_the_view_the_router_picks_grants(framework: str, path: str, origin: str) -> None:
    """Router differential: a 200 preflight for a spelling is granted only as the rule of the view routed to would grant it."""
    response = send(wrapped(framework), "OPTIONS", path, {"Origin": origin, "Access-Control-Request-Method": "PUT"})
    assert response is not None  # the middleware answers preflights itself, before any router runs
    if response.code != 200 or response.get(ACAO) is None:
        event(f"{framework}: preflight refused or not covered")
        return
    answered = view_of(send(bare(framework), "GET", path))
    event(f"{framework}: granted preflight, router picks {answered or 'no view'}")
    if answered is None:
        return
    expected = POLICY.evaluate("OPTIONS", CANONICAL[answered], origin=origin, request_method="PUT")
    assert expected.allowed, f"{framework} OPTIONS {path!r} from {origin} granted; the rule of {answered} refuses it"
    assert_within(
        grant(response.headers), grant(expected.headers), f"{framework} OPTIONS {path!r} from {origin} (view {answered})"
    )


# --- The reported defects, pinned --------------------------------------------------------------------


def test_bottle_routes_an_invalid_byte_into_admin_and_the_partner_gets_no_grant() -> None:
    """Router disagreement: Bottle drops %FF and answers /adm%FFin/users with the admin view, which the partner may not
    use; the catch-all rule (that U+FFFD reading falls under) must not grant it there."""
    response = send(wrapped("bottle"), "GET", "/adm\xffin/users", {"Origin": PARTNER})
    assert response is not None and view_of(response) == "admin_users"
    assert response.get(ACAO) is None and response.get(ACAC) is None


def test_a_preflight_for_an_invalid_byte_spelling_of_an_admin_path_is_refused() -> None:
    """Router disagreement: the routers read /adm%FFin/users under different rules, so the preflight gets 403."""
    response = send(wrapped("bottle"), "OPTIONS", "/adm\xffin/users", {"Origin": PARTNER, "Access-Control-Request-Method": "PUT"})
    assert response is not None and response.code == 403
    assert response.get(ACAO) is None


@pytest.mark.parametrize("framework", ["django", "bottle", "pyramid"])
def test_a_leading_double_slash_does_not_carry_the_public_grant_to_another_view(framework: str) -> None:
    """Router disagreement: Django, Bottle and Pyramid answer //public/x with the catch-all view; /public/*'s '*' grant is not sent."""
    response = send(wrapped(framework), "GET", "//public/x", {"Origin": ATTACKER})
    assert response is not None and view_of(response) == "fallback"
    assert response.get(ACAO) is None


def test_bottle_answers_a_public_path_ending_in_a_newline_with_its_catch_all_and_public_grants_nothing() -> None:
    """Router disagreement: Bottle's '/<rest:path>' ends in '$', which skips the final newline of /public/<LF>."""
    response = send(wrapped("bottle"), "GET", "/public/\n", {"Origin": API_PARTNER})
    assert response is not None and view_of(response) == "fallback"
    assert response.get(ACAO) is None


def test_pyramid_drops_a_trailing_newline_and_the_exact_rule_still_decides() -> None:
    """Router disagreement: Pyramid answers /api/items<LF> with the /api/items view (its route regex ends in $), so the
    /api/* rule's credentials are not granted to that view."""
    response = send(wrapped("pyramid"), "GET", "/api/items\n", {"Origin": API_PARTNER})
    assert response is not None and view_of(response) == "api_items"
    assert response.get(ACAC) is None and response.get(ACAO) is None


def test_valid_utf8_is_read_as_text_and_granted_by_its_rule() -> None:
    """Router agreement: valid UTF-8 bytes are the same path to every router; the rule for the decoded path grants."""
    response = send(wrapped("flask"), "GET", "/admin/caf\u00e9".encode().decode("latin-1"), {"Origin": SITE})
    assert response is not None and view_of(response) == "admin_x"
    assert response.get(ACAO) == SITE and response.get(ACAC) == "true"


def test_a_spelling_whose_readings_all_fall_under_one_rule_is_granted() -> None:
    """Router agreement: /admin/x%FF reads as /admin/x\ufffd, /admin/x or /admin/x%FF, all under /admin/*: granted."""
    decision = POLICY.evaluate("GET", "/admin/x\xff", origin=SITE, raw_path=True)
    assert decision.allowed and decision.rule == r"/admin/.*"


@pytest.mark.parametrize(
    "path", ["/adm\xffin/users", "//public/x", "/public//x", "/./admin/users", "/api/items\n", "admin/users"]
)
def test_the_engine_reports_a_spelling_routers_disagree_on_as_path_ambiguous(path: str) -> None:
    """Router disagreement: the engine decides, from the raw PATH_INFO, with its own reason code."""
    decision = POLICY.evaluate("GET", path, origin=PARTNER, raw_path=True)
    assert (decision.allowed, decision.reason) == (False, "path-ambiguous")
    preflight = POLICY.evaluate("OPTIONS", path, origin=PARTNER, request_method="PUT", raw_path=True)
    assert (preflight.allowed, preflight.reason, preflight.status) == (False, "path-ambiguous", 403)


@pytest.mark.parametrize("path", ["/adm\xffin/users", "//public/x", "/public/../admin/users", "/api/items\n"])
def test_with_one_rule_for_every_path_every_spelling_is_granted(path: str) -> None:
    """Nothing to disagree on: a policy with one rule for every path grants every spelling alike."""
    response = call(
        CORSMiddleware(bare("bottle"), origins=[PARTNER], supports_credentials=True),
        "GET",
        path,
        {"Origin": PARTNER, "Host": "localhost"},
    )
    assert response.get(ACAO) == PARTNER and response.get(ACAC) == "true"


def test_an_ambiguous_path_without_origin_gets_no_static_allow_origin() -> None:
    """A request without Origin on an ambiguous path: always_send's static ACAO belongs to a rule that may not be the view's."""
    policy = CORSPolicy(resources={r"/public/.*": {"origins": "*", "always_send": True}, r"/.*": {"origins": [SITE]}})
    assert ACAO in dict(policy.evaluate("GET", "/public/x").headers)
    assert ACAO not in dict(policy.evaluate("GET", "//public/x", raw_path=True).headers)
