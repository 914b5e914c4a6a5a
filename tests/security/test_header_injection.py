"""Header injection and reflection of raw input (anchors §3b; wsgicors echoed 'X-Evil\\r\\nSet-Cookie: a=b').

Every request value the middleware reads (Origin, Access-Control-Request-Method, -Headers,
-Private-Network, the method and the path) is tried with CR/LF, NUL, other controls, latin-1
and non-latin-1 characters, under the most reflective policy there is. A value is echoed only
if it parses as its grammar (a serialized origin, a token, a token list); nothing else reaches
a response header, and every header stays printable latin-1.
"""

from __future__ import annotations

import warnings
from wsgiref.validate import validator

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app, no_control_characters

ORIGIN = "https://app.example.com"
PAYLOADS = {
    "crlf-set-cookie": "\r\nSet-Cookie: session=attacker",
    "lf": "\n",
    "cr": "\r",
    "nul": "\x00",
    "vertical-tab": "\x0b",
    "del": "\x7f",
    "latin-1": "\xe9",
    "non-latin-1": "\u20ac",
    "lone-surrogate": "\udcff",
}
READ_HEADERS = [
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Private-Network",
]


def most_reflective_middleware() -> CORSMiddleware:
    # Every subdomain (not origins="*": private-network access for every website is refused at build time).
    return CORSMiddleware(
        hello_app,
        origins=["https://*.example.com"],
        methods="*",
        allow_headers="*",
        allow_private_network=True,
        expose_headers=["X-Total"],
    )


def preflight_with(header: str, payload: str) -> dict[str, str]:
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "x-a",
        "Access-Control-Request-Private-Network": "true",
    }
    headers[header] += payload
    return headers


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("header", READ_HEADERS)
def test_preflight_header_with_control_or_non_latin1_characters_is_never_reflected(header: str, payload: str) -> None:
    """Header injection: a preflight header carrying the payload yields only printable latin-1 headers, without the payload."""
    response = call(validator(most_reflective_middleware()), "OPTIONS", "/", preflight_with(header, payload))
    assert no_control_characters(response.headers)
    assert not any(payload in value for _, value in response.headers)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_actual_request_origin_with_control_characters_is_never_reflected(payload: str) -> None:
    """Header injection: the Origin of an actual request is echoed only if it is a serialized origin."""
    response = call(validator(most_reflective_middleware()), "GET", "/", {"Origin": ORIGIN + payload})
    assert response.get("Access-Control-Allow-Origin") is None
    assert no_control_characters(response.headers)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_path_with_control_characters_never_reaches_a_header(payload: str) -> None:
    """Header injection: PATH_INFO is matched, never echoed."""
    response = call(validator(most_reflective_middleware()), "GET", "/items" + payload, {"Origin": ORIGIN})
    assert response.get("Access-Control-Allow-Origin") == ORIGIN
    assert no_control_characters(response.headers)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_request_method_with_control_characters_never_reaches_a_header(payload: str) -> None:
    """Header injection: REQUEST_METHOD (a server may pass anything) is compared, never echoed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # wsgiref.validate warns about unknown methods, which is the point here
        response = call(validator(most_reflective_middleware()), "OPTIONS" + payload, "/", preflight_with("Origin", ""))
    assert no_control_characters(response.headers)
    assert not any(payload in value for _, value in response.headers)


def test_crlf_in_a_requested_header_name_refuses_the_preflight() -> None:
    """Header injection: 'x-a\\r\\nSet-Cookie: a=b' is not a token list, so the preflight is refused, not trimmed."""
    response = call(
        most_reflective_middleware(), "OPTIONS", "/", preflight_with("Access-Control-Request-Headers", "\r\nSet-Cookie: a=b")
    )
    assert response.code == 403
    assert response.cors() == {}


def test_user_predicates_and_regexes_only_see_well_formed_origins() -> None:
    """Header injection: a permissive predicate cannot be tricked into reflecting CR/LF."""
    seen: list[str] = []

    def recording_predicate(origin: str) -> bool:
        seen.append(origin)
        return True

    policy = CORSPolicy(origins=[recording_predicate])
    decision = policy.evaluate("GET", "/", origin=ORIGIN + "\r\nSet-Cookie: a=b")
    assert decision.reason == "origin-malformed"
    assert seen == []
